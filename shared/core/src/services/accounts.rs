//! Accounts: registration, profile, email verification, password change and reset.

use secrecy::SecretString;
use serde_json::json;

use super::security::ClientMeta;
use crate::auth::password;
use crate::crypto::constant_time_eq;
use crate::crypto::{random_token, sha256_b64};
use crate::domain::{
    new_id, AuditType, Email, PasswordChange, PasswordHash, Profile, User, UserChanges, UserRecord,
};
use crate::email::{EmailJob, EmailKind, SecurityChange};
use crate::error::ApiError;
use crate::{App, Caller, Claim};

pub const VERIFY_PURPOSE: &str = "verify_email";
pub const RESET_PURPOSE: &str = "password_reset";
const VERIFY_TTL_SECONDS: i64 = 24 * 3600;
const RESET_TTL_SECONDS: i64 = 3600;

pub struct Registration {
    pub email: Email,
    pub password: SecretString,
    pub name: String,
}

impl App {
    pub async fn register(&self, input: Registration, meta: &ClientMeta) -> Result<User, ApiError> {
        self.limit_ip("register", meta).await?;
        let record = UserRecord {
            user: User {
                id: new_id(),
                email: input.email.as_str().to_string(),
                name: input.name,
                role: self.settings.default_role,
                email_verified: false,
                mfa_enabled: false,
                created_at: self.clock.now_ms(),
            },
            password_hash: Some(PasswordHash::new(password::hash(input.password).await?)),
            credential_generation: 0,
            kept_session: None,
        };
        if !self.store.create_user(&record).await? {
            return Err(ApiError::EmailTaken);
        }
        // The account exists now: a queue outage must not turn that into an
        // error whose retry is `email_taken`; the owner can ask for a resend.
        self.after_commit("verification email", self.send_verification(&record.user))
            .await;
        Ok(record.user)
    }

    /// A fresh token that names `subject` for `ttl` seconds, stored by its hash.
    pub(super) async fn single_use_token(
        &self,
        purpose: &str,
        subject: &str,
        ttl: i64,
    ) -> Result<String, ApiError> {
        let token = random_token(32);
        let now = self.clock.now_secs();
        self.store
            .put_once(purpose, &sha256_b64(&token), subject, now + ttl, now)
            .await?;
        Ok(token)
    }

    /// The subject of a live single-use token, taken so it works once, as `T`;
    /// `400 invalid_token` when there is none (or it does not parse).
    pub(super) async fn take_single_use<T: serde::de::DeserializeOwned>(
        &self,
        purpose: &str,
        token: &str,
    ) -> Result<T, ApiError> {
        let now = self.clock.now_secs();
        let taken = self.store.take(purpose, &sha256_b64(token), now).await?;
        let json = taken.ok_or(ApiError::InvalidToken)?;
        serde_json::from_str(&json).map_err(|_| ApiError::InvalidToken)
    }

    async fn send_verification(&self, user: &User) -> Result<(), ApiError> {
        let token = self
            .single_use_token(VERIFY_PURPOSE, &user.id, VERIFY_TTL_SECONDS)
            .await?;
        let kind = EmailKind::VerifyEmail {
            name: user.name.clone(),
            token,
        };
        self.queue_email(&EmailJob::new(&user.email, kind)).await
    }

    /// `POST /v1/auth/verify-email/resend`: no session needed. Like a reset
    /// request, the worker looks the address up (so neither the answer nor
    /// its timing tells whether an account exists) and sends a new link only
    /// to an unverified account; past the address's budget nothing is queued.
    pub async fn resend_verification(
        &self,
        email: &Email,
        meta: &ClientMeta,
    ) -> Result<(), ApiError> {
        self.limit_ip("verify_email_resend", meta).await?;
        self.queue_request(email, EmailKind::VerifyEmailRequest)
            .await
    }

    /// Queues a request the worker resolves by looking the address up; past
    /// the address's budget nothing is queued, and the answer never tells.
    async fn queue_request(&self, email: &Email, request: EmailKind) -> Result<(), ApiError> {
        let job = EmailJob::new(email.as_str(), request);
        match self.queue_email(&job).await {
            Err(ApiError::RateLimited { .. }) => Ok(()),
            other => other,
        }
    }

    /// The account a worker-side request is about, if the address has one.
    async fn account_of(&self, email: &str) -> Result<Option<UserRecord>, ApiError> {
        match Email::parse(email) {
            Ok(email) => Ok(self.store.user_by_email(&email).await?),
            Err(_) => Ok(None),
        }
    }

    /// The worker's half of [`App::resend_verification`]: a fresh link for an
    /// unverified account, `None` for a verified or unknown one.
    pub async fn verification_email(&self, email: &str) -> Result<Option<EmailKind>, ApiError> {
        let record = self.account_of(email).await?;
        let Some(user) = record.map(|r| r.user).filter(|u| !u.email_verified) else {
            return Ok(None);
        };
        let token = self
            .single_use_token(VERIFY_PURPOSE, &user.id, VERIFY_TTL_SECONDS)
            .await?;
        Ok(Some(EmailKind::VerifyEmail {
            name: user.name,
            token,
        }))
    }

    /// Marks the address proven; the bootstrap admin's role is granted here,
    /// never at registration, so nobody becomes admin by claiming the address.
    pub async fn verify_email(&self, token: &str) -> Result<User, ApiError> {
        let now = self.clock.now_secs();
        let user_id = self
            .store
            .take(VERIFY_PURPOSE, &sha256_b64(token), now)
            .await?
            .ok_or(ApiError::InvalidToken)?;
        let user = self
            .store
            .user_by_id(&user_id)
            .await?
            .ok_or(ApiError::InvalidToken)?
            .user;
        let changes = UserChanges {
            email_verified: Some(true),
            role: self.bootstrap_role(&user.email),
            ..Default::default()
        };
        let record = self.store.update_user(&user_id, &changes).await?;
        record.map(|r| r.user).ok_or(ApiError::InvalidToken)
    }

    /// The caller's own account, read while the revocation check runs.
    /// The caller's user object with their phone and sign-in methods.
    pub async fn me(&self, claim: Claim) -> Result<Profile, ApiError> {
        let user_id = claim.user_id().to_owned();
        let (_, profile) = self.admit_with(claim, self.profile(&user_id)).await?;
        Ok(profile)
    }

    /// The user and their second factors, read at once.
    pub(super) async fn profile(&self, user_id: &str) -> Result<Profile, ApiError> {
        let (record, factors) =
            tokio::try_join!(self.store.user_by_id(user_id), self.store.mfa(user_id))?;
        let record = record.ok_or(ApiError::Unauthorized)?;
        Ok(Profile {
            has_password: record.has_password(),
            mfa_methods: factors.enabled(),
            phone_verified: factors.phone.is_some() && factors.phone_verified,
            phone: factors.phone,
            user: record.user,
        })
    }

    /// The user, if their address is proven: factors and phones are only for
    /// such accounts (`403 email_not_verified`).
    pub(super) async fn verified_user(&self, user_id: &str) -> Result<User, ApiError> {
        let user = self.current_user(user_id).await?;
        match user.email_verified {
            true => Ok(user),
            false => Err(ApiError::EmailNotVerified),
        }
    }

    /// A user who still exists; a deleted one behind a live token is `401`.
    pub(super) async fn current_user(&self, user_id: &str) -> Result<User, ApiError> {
        let record = self.store.user_by_id(user_id).await?;
        record.map(|r| r.user).ok_or(ApiError::Unauthorized)
    }

    pub async fn rename(&self, caller: &Caller, name: String) -> Result<User, ApiError> {
        let changes = UserChanges {
            name: Some(name),
            ..Default::default()
        };
        let record = self.store.update_user(caller.user_id(), &changes).await?;
        record.map(|r| r.user).ok_or(ApiError::Unauthorized)
    }

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
            .store
            .user_by_id(user_id)
            .await?
            .ok_or(ApiError::Unauthorized)?;
        let email = stored_email(&record.user)?;
        self.check_password(&email, current, Some(&record), meta)
            .await
            .map_err(|e| match e {
                ApiError::InvalidCredentials => {
                    ApiError::field("current_password", "is not your current password")
                }
                other => other,
            })?;
        self.store.clear_attempts(&email).await?;
        let changes = UserChanges {
            password: Some(PasswordChange::Set(PasswordHash::new(
                password::hash(new).await?,
            ))),
            ..Default::default()
        };
        let (record, revoked) = self
            .change_credentials(user_id, changes, Some(keep_session))
            .await?;
        self.notify_owner(&record.user, SecurityChange::PasswordChanged)
            .await;
        self.audit(
            AuditType::PasswordChange,
            Some(user_id),
            meta,
            json!({ "sessions_revoked": revoked }),
        )
        .await
    }

    /// Queues a reset email if the account exists; the answer never tells.
    /// Does the same work whether or not the account exists (so neither the
    /// answer nor its timing tells): queues a reset request that the email
    /// worker turns into a reset email, or drops when there is no account.
    pub async fn forgot_password(&self, email: &Email, meta: &ClientMeta) -> Result<(), ApiError> {
        self.limit_ip("password_forgot", meta).await?;
        self.queue_request(email, EmailKind::PasswordResetRequest)
            .await
    }

    /// The worker's half of [`App::forgot_password`]: a fresh single-use link
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

    /// Sets the new password, proves the address, revokes every session and
    /// lifts any lockout.
    pub async fn reset_password(
        &self,
        token: &str,
        new: SecretString,
        meta: &ClientMeta,
    ) -> Result<(), ApiError> {
        let now = self.clock.now_secs();
        let subject = self
            .store
            .take(RESET_PURPOSE, &sha256_b64(token), now)
            .await?
            .ok_or(ApiError::InvalidToken)?;
        let user_id = subject.split(' ').next().unwrap_or_default().to_string();
        let current = self
            .store
            .user_by_id(&user_id)
            .await?
            .ok_or(ApiError::InvalidToken)?;
        if !constant_time_eq(&subject, &reset_subject(&current)) {
            return Err(ApiError::InvalidToken);
        }
        let hash = PasswordHash::new(password::hash(new).await?);
        let change = PasswordChange::Set(hash);
        let (record, revoked) = self.owner_proved_address(&current, change).await?;
        self.store
            .clear_attempts(&stored_email(&record.user)?)
            .await?;
        self.notify_owner(&record.user, SecurityChange::PasswordReset)
            .await;
        self.audit(
            AuditType::PasswordReset,
            Some(&user_id),
            meta,
            json!({ "sessions_revoked": revoked }),
        )
        .await
    }

    /// The address's owner proved it (a reset link, a provider that vouches
    /// for it) and sets or removes the password. An account whose
    /// address was never proven was set up by whoever registered it, so its
    /// factors, phone and identities go first and it becomes verified (the
    /// bootstrap admin's role with it). A credential change either way:
    /// every session and pending sign-in of the account dies.
    pub(super) async fn owner_proved_address(
        &self,
        record: &UserRecord,
        password: PasswordChange,
    ) -> Result<(UserRecord, usize), ApiError> {
        let user_id = &record.user.id;
        let first_proof = !record.user.email_verified;
        if first_proof {
            self.drop_second_factors_and_identities(user_id).await?;
        }
        let changes = UserChanges {
            password: Some(password),
            email_verified: first_proof.then_some(true),
            mfa_enabled: first_proof.then_some(false),
            role: self
                .bootstrap_role(&record.user.email)
                .filter(|_| first_proof),
            ..Default::default()
        };
        self.change_credentials(user_id, changes, None).await
    }

    async fn drop_second_factors_and_identities(&self, user_id: &str) -> Result<(), ApiError> {
        self.store.clear_mfa(user_id).await?;
        self.store.remove_phone(user_id).await?;
        // Called before the owner's password is set: the account still has
        // one, so no unlink here is ever its last way to sign in.
        for identity in self.store.identities_of(user_id).await? {
            self.store
                .unlink_identity(user_id, &identity.provider, true)
                .await?;
        }
        Ok(())
    }
}

/// The stored address of a user, as the key its lockout count is kept under.
pub(crate) fn stored_email(user: &User) -> Result<Email, ApiError> {
    Email::parse(&user.email).map_err(|e| ApiError::Internal(anyhow::anyhow!("stored email: {e}")))
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
