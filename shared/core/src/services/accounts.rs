//! Accounts: registration, profile, email verification, password change and reset.

use crate::domain::UserId;
use crate::error::{AccessError, AccountError, ApiError, RequestError, SignInError};
use secrecy::SecretString;

use super::security::ClientMeta;
use super::sessions::Sessions;
use crate::app::{Absent, Core, Mail};
use crate::auth::password;
use crate::crypto::{random_token, sha256_b64};
use crate::domain::{
    Email, PasswordChange, PasswordHash, Profile, Session, User, UserChanges, UserRecord,
};
use crate::email::{EmailJob, EmailKind};
use crate::{Caller, Claim};

pub const VERIFY_PURPOSE: &str = "verify_email";
const VERIFY_TTL_SECONDS: i64 = 24 * 3600;

pub struct Registration {
    pub email: Email,
    pub password: SecretString,
    pub name: String,
}

/// Sign-up, the caller's own account, passwords.
#[derive(Clone, Copy)]
pub struct Accounts<'a, M = Absent, S = Absent> {
    pub(super) core: &'a Core,
    pub(super) mail: M,
    pub(super) sessions: S,
}

crate::service!(Accounts {
    mail: M,
    sessions: S
});

impl Core {
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
        let json = taken.ok_or(AccessError::InvalidSingleUseToken)?;
        serde_json::from_str(&json)
            .map_err(|_| ApiError::Access(AccessError::InvalidSingleUseToken))
    }

    /// The account a worker-side request is about, if the address has one.
    pub(super) async fn account_of(&self, email: &str) -> Result<Option<UserRecord>, ApiError> {
        match Email::parse(email) {
            Ok(email) => Ok(self.store.user_by_email(&email).await?),
            Err(_) => Ok(None),
        }
    }

    /// The worker's half of [`Accounts::resend_verification`]: a fresh link for an
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

    /// The user and their second factors, read at once.
    pub(super) async fn profile(&self, user_id: &UserId) -> Result<Profile, ApiError> {
        let (record, factors) =
            tokio::try_join!(self.store.user_by_id(user_id), self.store.mfa(user_id))?;
        let record = record.ok_or(AccessError::Unauthenticated)?;
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
    pub(super) async fn verified_user(&self, user_id: &UserId) -> Result<User, ApiError> {
        let user = self.current_user(user_id).await?;
        match user.email_verified {
            true => Ok(user),
            false => Err(ApiError::SignIn(SignInError::EmailNotVerified)),
        }
    }

    /// A user who still exists; a deleted one behind a live token is `401`.
    pub(super) async fn current_user(&self, user_id: &UserId) -> Result<User, ApiError> {
        let record = self.store.user_by_id(user_id).await?;
        record
            .map(|r| r.user)
            .ok_or(ApiError::Access(AccessError::Unauthenticated))
    }
}

impl<M, S> Accounts<'_, M, S> {
    /// Marks the address proven; the bootstrap admin's role is granted here,
    /// never at registration, so nobody becomes admin by claiming the address.
    pub async fn verify_email(&self, token: &str) -> Result<User, ApiError> {
        let now = self.core.clock.now_secs();
        let user_id = self
            .core
            .store
            .take(VERIFY_PURPOSE, &sha256_b64(token), now)
            .await?
            .map(UserId::from)
            .ok_or(AccessError::InvalidSingleUseToken)?;
        let user = self
            .core
            .store
            .user_by_id(&user_id)
            .await?
            .ok_or(AccessError::InvalidSingleUseToken)?
            .user;
        let changes = UserChanges {
            email_verified: Some(true),
            role: self.core.bootstrap_role(&user.email),
            ..Default::default()
        };
        let record = self.core.store.update_user(&user_id, &changes).await?;
        record
            .map(|r| r.user)
            .ok_or(ApiError::Access(AccessError::InvalidSingleUseToken))
    }

    /// The caller's own account, read while the revocation check runs.
    /// The caller's user object with their phone and sign-in methods.
    pub async fn me(&self, claim: Claim) -> Result<Profile, ApiError> {
        let user_id = claim.user_id().to_owned();
        let (_, profile) = self
            .core
            .admit_with(claim, self.core.profile(&user_id))
            .await?;
        Ok(profile)
    }

    pub async fn rename(&self, caller: &Caller, name: String) -> Result<User, ApiError> {
        let changes = UserChanges {
            name: Some(name),
            ..Default::default()
        };
        let record = self
            .core
            .store
            .update_user(caller.user_id(), &changes)
            .await?;
        record
            .map(|r| r.user)
            .ok_or(ApiError::Access(AccessError::Unauthenticated))
    }
}

impl<S> Accounts<'_, Mail<'_>, S> {
    pub async fn register(&self, input: Registration, meta: &ClientMeta) -> Result<User, ApiError> {
        self.core.limit_ip("register", meta).await?;
        let record = UserRecord {
            user: User {
                id: UserId::generate(),
                email: input.email.as_str().to_string(),
                name: input.name,
                role: crate::domain::Role::User,
                email_verified: false,
                mfa_enabled: false,
                created_at: self.core.clock.now_ms(),
            },
            password_hash: Some(PasswordHash::new(password::hash(input.password).await?)),
            credential_generation: 0,
            kept_session: None,
        };
        if !self.core.store.create_user(&record).await? {
            return Err(AccountError::EmailTaken.into());
        }
        // The account exists now: a queue outage must not turn that into an
        // error whose retry is `email_taken`; the owner can ask for a resend.
        self.core
            .after_commit("verification email", self.send_verification(&record.user))
            .await;
        Ok(record.user)
    }

    async fn send_verification(&self, user: &User) -> Result<(), ApiError> {
        let token = self
            .core
            .single_use_token(VERIFY_PURPOSE, &user.id, VERIFY_TTL_SECONDS)
            .await?;
        let kind = EmailKind::VerifyEmail {
            name: user.name.clone(),
            token,
        };
        self.mail
            .queue_email(&EmailJob::new(&user.email, kind))
            .await
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
        self.core.limit_ip("verify_email_resend", meta).await?;
        self.queue_request(email, EmailKind::VerifyEmailRequest)
            .await
    }

    /// Queues a request the worker resolves by looking the address up; past
    /// the address's budget nothing is queued, and the answer never tells.
    pub(super) async fn queue_request(
        &self,
        email: &Email,
        request: EmailKind,
    ) -> Result<(), ApiError> {
        let job = EmailJob::new(email.as_str(), request);
        match self.mail.queue_email(&job).await {
            Err(ApiError::Request(RequestError::RateLimited { .. })) => Ok(()),
            other => other,
        }
    }
}

impl Sessions<'_> {
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
                .core
                .bootstrap_role(&record.user.email)
                .filter(|_| first_proof),
            ..Default::default()
        };
        self.change_credentials(user_id, changes, None).await
    }

    async fn drop_second_factors_and_identities(&self, user_id: &UserId) -> Result<(), ApiError> {
        self.core.store.clear_mfa(user_id).await?;
        self.core.store.remove_phone(user_id).await?;
        // Called before the owner's password is set: the account still has
        // one, so no unlink here is ever its last way to sign in.
        for identity in self.core.store.identities_of(user_id).await? {
            self.core
                .store
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

impl<M, S> Accounts<'_, M, S> {
    /// The caller's live sessions, read while the revocation check runs.
    pub async fn my_sessions(&self, claim: Claim) -> Result<(Caller, Vec<Session>), ApiError> {
        let user_id = claim.user_id().to_owned();
        let read = async {
            let now = self.core.clock.now_secs();
            let mut sessions = self.core.store.sessions_of(&user_id).await?;
            sessions.retain(|s| s.is_live(now));
            Ok(sessions)
        };
        self.core.admit_with(claim, read).await
    }
}
