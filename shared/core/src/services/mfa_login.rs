//! The second step of an MFA login. The password step hands out an
//! `mfa_token`: a sealed, 5-minute note of who signed in and how (mobile or
//! web). It is used once, and dies after 5 attempts; every wrong code also
//! counts towards the account's lockout like a wrong password.

use crate::error::{AccessError, ApiError, SignInError};
use serde::{Deserialize, Serialize};

use super::accounts::stored_email;
use super::login::SignIn;
use super::oidc_accounts::PendingLink;
use super::second_factor::Credentials;
use super::security::ClientMeta;
use super::sessions::IssuedSession;
use crate::app::Core;
use crate::auth::sealed::SealingKey;
use crate::clock::UnixSecs;
use crate::domain::UserId;
use crate::domain::{new_id, UserRecord};

pub const MFA_TOKEN_SECONDS: i64 = 300;
pub const MFA_TOKEN_TRIES: u32 = 5;
const USED_PURPOSE: &str = "mfa_login";
/// What the seal is bound to, so no other sealed value opens as a pending login.
const SEAL_OWNER: &str = "pending-mfa-login";

#[derive(Debug, Serialize, Deserialize)]
pub struct PendingLogin {
    jti: String,
    user_id: UserId,
    pub web: bool,
    device_name: Option<String>,
    /// The account's credential generation when the password was right: a
    /// credential change in the meantime voids the token.
    generation: u64,
    /// A provider identity to link once the second factor is right.
    #[serde(default)]
    link: Option<PendingLink>,
    expires_at: i64,
}

impl PendingLogin {
    pub fn new(record: &UserRecord, web: bool, device_name: Option<String>) -> Self {
        Self {
            jti: new_id(),
            user_id: record.user.id.clone(),
            web,
            device_name,
            generation: record.credential_generation,
            link: None,
            expires_at: 0,
        }
    }

    pub fn with_link(mut self, link: Option<PendingLink>) -> Self {
        self.link = link;
        self
    }

    pub fn seal(mut self, key: &SealingKey, now: UnixSecs) -> String {
        self.expires_at = (now + MFA_TOKEN_SECONDS).0;
        let json = serde_json::to_vec(&self).unwrap_or_default();
        key.seal(&json, SEAL_OWNER)
    }

    /// A pending login that was sealed with `key` and has not expired.
    fn open(key: &SealingKey, token: &str, now: UnixSecs) -> Option<Self> {
        let json = key.open(token, SEAL_OWNER)?;
        let pending: Self = serde_json::from_slice(&json).ok()?;
        (now.0 < pending.expires_at).then_some(pending)
    }

    pub fn user_id(&self) -> &UserId {
        &self.user_id
    }

    fn expires_at(&self) -> UnixSecs {
        UnixSecs(self.expires_at)
    }
}

/// A finished MFA login: the session, and which flow started it.
pub struct MfaSignIn {
    pub issued: IssuedSession,
    pub web: bool,
}

impl SignIn<'_> {
    /// `POST /v1/auth/login/mfa`: the pending login's second factor.
    pub async fn login_with_code(
        &self,
        mfa_token: &str,
        code: &str,
        meta: &ClientMeta,
    ) -> Result<MfaSignIn, ApiError> {
        let pending = self.core.pending_login(mfa_token).await?;
        self.count_try(&pending).await?;
        let record = self
            .core
            .store
            .user_by_id(&pending.user_id)
            .await?
            .filter(|r| r.credential_generation == pending.generation)
            .ok_or(AccessError::InvalidSingleUseToken)?;
        let factors = self.core.store.mfa(&record.user.id).await?;
        let method = Credentials::from(self.mail)
            .check_second_factor(
                &record,
                &factors,
                code,
                meta,
                ApiError::SignIn(SignInError::WrongCode),
            )
            .await?;
        let now = self.core.clock.now_secs();
        let expires_at = pending.expires_at();
        let used = self.core.store.put_once(
            USED_PURPOSE,
            &pending.jti,
            &pending.user_id,
            expires_at,
            now,
        );
        if !used.await? {
            return Err(AccessError::InvalidSingleUseToken.into());
        }
        self.core
            .store
            .clear_attempts(&stored_email(&record.user)?)
            .await?;
        if let Some(link) = &pending.link {
            self.link_after_second_factor(link, &record, meta).await;
        }
        let issued = self
            .signed_in(&record, pending.device_name, meta, Some(method))
            .await?;
        Ok(MfaSignIn {
            issued,
            web: pending.web,
        })
    }

    /// Reserves one of the token's tries before any code is checked, so
    /// parallel guesses get no more than the limit between them.
    async fn count_try(&self, pending: &PendingLogin) -> Result<(), ApiError> {
        let key = format!("mfa_token#{}", pending.jti);
        let window_start = pending.expires_at() - MFA_TOKEN_SECONDS;
        let tries = self
            .core
            .store
            .hit(&key, window_start, MFA_TOKEN_SECONDS)
            .await?;
        if tries > MFA_TOKEN_TRIES {
            return Err(AccessError::InvalidSingleUseToken.into());
        }
        Ok(())
    }
}

impl Core {
    /// The live, unused pending login behind `mfa_token`, or `400 invalid_token`.
    pub(super) async fn pending_login(&self, mfa_token: &str) -> Result<PendingLogin, ApiError> {
        let now = self.clock.now_secs();
        let pending = PendingLogin::open(&self.keys.pending_logins, mfa_token, now)
            .ok_or(AccessError::InvalidSingleUseToken)?;
        if self.store.contains(USED_PURPOSE, &pending.jti, now).await? {
            return Err(AccessError::InvalidSingleUseToken.into());
        }
        Ok(pending)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> SealingKey {
        SealingKey::new(&[3u8; 32])
    }

    fn record(id: &str) -> UserRecord {
        UserRecord {
            user: crate::domain::User {
                id: id.into(),
                email: format!("{id}@example.com"),
                name: id.to_string(),
                role: crate::domain::Role::User,
                email_verified: true,
                mfa_enabled: true,
                created_at: crate::clock::UnixMillis(0),
            },
            password_hash: None,
            credential_generation: 7,
            kept_session: None,
        }
    }

    #[test]
    fn a_pending_login_opens_until_it_expires() {
        let now = UnixSecs(1_800_000_000);
        let token = PendingLogin::new(&record("u1"), true, None).seal(&key(), now);
        let opened = PendingLogin::open(&key(), &token, now + 299).unwrap();
        assert_eq!((opened.user_id.as_str(), opened.web), ("u1", true));
        assert_eq!(opened.generation, 7);
        assert!(PendingLogin::open(&key(), &token, now + 300).is_none());
    }

    #[test]
    fn a_token_sealed_with_another_key_or_altered_does_not_open() {
        let now = UnixSecs(1_800_000_000);
        let token = PendingLogin::new(&record("u1"), false, None).seal(&key(), now);
        assert!(PendingLogin::open(&SealingKey::new(&[4u8; 32]), &token, now).is_none());
        let middle = token.len() / 2;
        let flipped = if &token[middle..=middle] == "A" {
            "B"
        } else {
            "A"
        };
        let altered = format!("{}{flipped}{}", &token[..middle], &token[middle + 1..]);
        assert!(PendingLogin::open(&key(), &altered, now).is_none());
    }
}
