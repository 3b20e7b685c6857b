//! Passwords: a change with the current one, a reset with an emailed link.

use crate::error::{AccessError, ApiError, SignInError};
use secrecy::SecretString;
use serde_json::json;

use super::accounts::{stored_email, Accounts};
use super::second_factor::Credentials;
use super::security::ClientMeta;
use super::sessions::Sessions;
use crate::app::{Core, Mail};
use crate::auth::password;
use crate::crypto::{constant_time_eq, sha256_b64};
use crate::domain::UserId;
use crate::domain::{AuditType, Email, PasswordChange, PasswordHash, UserChanges, UserRecord};
use crate::email::{EmailKind, SecurityChange};
use crate::Caller;

pub const RESET_PURPOSE: &str = "password_reset";
const RESET_TTL_SECONDS: i64 = 3600;

impl Accounts<'_, Mail<'_>, Sessions<'_>> {
    /// Checks the current password, stores the new one and revokes every other session.
    pub async fn change_password(
        &self,
        caller: &Caller,
        current: SecretString,
        new: SecretString,
        meta: &ClientMeta,
    ) -> Result<(), ApiError> {
        let (user_id, keep_session) = (caller.user_id(), caller.session_id());
        let record = self
            .core
            .store
            .user_by_id(user_id)
            .await?
            .ok_or(AccessError::Unauthenticated)?;
        let email = stored_email(&record.user)?;
        Credentials::from(self.mail)
            .check_password(&email, current, Some(&record), meta)
            .await
            .map_err(|e| match e {
                ApiError::SignIn(SignInError::InvalidCredentials) => {
                    ApiError::field("current_password", "is not your current password")
                }
                other => other,
            })?;
        self.core.store.clear_attempts(&email).await?;
        let changes = UserChanges {
            password: Some(PasswordChange::Set(PasswordHash::new(
                password::hash(new).await?,
            ))),
            ..Default::default()
        };
        let (record, revoked) = self
            .sessions
            .change_credentials(user_id, changes, Some(keep_session))
            .await?;
        self.mail
            .notify_owner(&record.user, SecurityChange::PasswordChanged)
            .await;
        self.core
            .audit(
                AuditType::PasswordChange,
                Some(user_id),
                meta,
                json!({ "sessions_revoked": revoked }),
            )
            .await
    }

    /// Sets the new password, proves the address, revokes every session and
    /// lifts any lockout.
    pub async fn reset_password(
        &self,
        token: &str,
        new: SecretString,
        meta: &ClientMeta,
    ) -> Result<(), ApiError> {
        let now = self.core.clock.now_secs();
        let subject = self
            .core
            .store
            .take(RESET_PURPOSE, &sha256_b64(token), now)
            .await?
            .ok_or(AccessError::InvalidSingleUseToken)?;
        let user_id = UserId::from(subject.split(' ').next().unwrap_or_default());
        let current = self
            .core
            .store
            .user_by_id(&user_id)
            .await?
            .ok_or(AccessError::InvalidSingleUseToken)?;
        if !constant_time_eq(&subject, &reset_subject(&current)) {
            return Err(AccessError::InvalidSingleUseToken.into());
        }
        let hash = PasswordHash::new(password::hash(new).await?);
        let change = PasswordChange::Set(hash);
        let (record, revoked) = self.sessions.owner_proved_address(&current, change).await?;
        self.core
            .store
            .clear_attempts(&stored_email(&record.user)?)
            .await?;
        self.mail
            .notify_owner(&record.user, SecurityChange::PasswordReset)
            .await;
        self.core
            .audit(
                AuditType::PasswordReset,
                Some(&user_id),
                meta,
                json!({ "sessions_revoked": revoked }),
            )
            .await
    }
}

impl<S> Accounts<'_, Mail<'_>, S> {
    /// Queues a reset email if the account exists; the answer never tells.
    /// Does the same work whether or not the account exists (so neither the
    /// answer nor its timing tells): queues a reset request that the email
    /// worker turns into a reset email, or drops when there is no account.
    pub async fn forgot_password(&self, email: &Email, meta: &ClientMeta) -> Result<(), ApiError> {
        self.core.limit_ip("password_forgot", meta).await?;
        self.queue_request(email, EmailKind::PasswordResetRequest)
            .await
    }
}

impl Core {
    /// The worker's half of [`Accounts::forgot_password`]: a fresh single-use link
    /// for the account, or `None` when there is no such account.
    pub async fn password_reset_email(&self, email: &str) -> Result<Option<EmailKind>, ApiError> {
        let Some(record) = self.account_of(email).await? else {
            return Ok(None);
        };
        let token = self
            .single_use_token(RESET_PURPOSE, &reset_subject(&record), RESET_TTL_SECONDS)
            .await?;
        Ok(Some(EmailKind::PasswordReset {
            name: record.user.name,
            token,
        }))
    }
}

/// A reset link names the user, the password it replaces (a digest of its
/// salted hash) and the credential generation, so any completed change or
/// reset, a factor turned on or off, an admin lock and logout-all void every
/// other link.
fn reset_subject(record: &UserRecord) -> String {
    let hash = record
        .password_hash
        .as_ref()
        .map_or("", PasswordHash::as_str);
    let state = format!("{hash}#{}", record.credential_generation);
    let digest = sha256_b64(&state);
    format!("{} {}", record.user.id, &digest[..22])
}
