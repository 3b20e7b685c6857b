//! Password login with lockout; with a second factor on, the password only
//! earns an `mfa_token` (finished in [`super::mfa_login`]). Every password check for an email reserves
//! its attempt first (one conditional write), so a burst of parallel guesses
//! gets at most the threshold's worth of checks; unknown emails and wrong
//! passwords look and take the same.

use crate::error::{ApiError, SignInError};
use secrecy::SecretString;
use serde_json::json;

use super::mfa_login::PendingLogin;
use super::second_factor::Credentials;
use super::security::ClientMeta;
use super::sessions::IssuedSession;
use super::sessions::Sessions;
use crate::app::{Core, Mail};
use crate::auth::password;
use crate::clock::rfc3339;
use crate::domain::{AuditType, Email, MfaMethod, MfaRecord, Reservation, UserRecord};
use crate::email::{EmailJob, EmailKind};

/// How long to wait while the attempts that may reach the threshold are still being checked.
const EXHAUSTED_RETRY_SECONDS: i64 = 1;

pub struct LoginInput {
    pub email: Email,
    pub password: SecretString,
    pub device_name: Option<String>,
    /// The web flow (cookies) rather than the mobile one (body tokens); an
    /// MFA login finishes the way it started.
    pub web: bool,
}

/// Password sign-in and its second step.
#[derive(Clone, Copy)]
pub struct SignIn<'a> {
    pub(super) core: &'a Core,
    pub(super) mail: Mail<'a>,
    pub(super) sessions: Sessions<'a>,
}

crate::service!(SignIn<'a> { mail: Mail<'a>, sessions: Sessions<'a> });

impl SignIn<'_> {
    pub async fn login(
        &self,
        input: LoginInput,
        meta: &ClientMeta,
    ) -> Result<IssuedSession, ApiError> {
        self.core.limit_ip("login", meta).await?;
        let record = self.core.store.user_by_email(&input.email).await?;
        // The factors are read while the password is hashed: no extra wait.
        let credentials = Credentials::from(self.mail);
        let checked =
            credentials.check_password(&input.email, input.password, record.as_ref(), meta);
        let (checked, factors) = tokio::join!(checked, self.core.factors_of(record.as_ref()));
        checked?;
        let Some(record) = record else {
            return Err(SignInError::InvalidCredentials.into());
        };
        let pending = PendingLogin::new(&record, input.web, input.device_name.clone());
        self.after_password(&input.email, &record, &factors?, pending)
            .await?;
        self.core.store.clear_attempts(&input.email).await?;
        self.signed_in(&record, input.device_name, meta, None).await
    }

    /// What follows a right password: the address must have been proven
    /// (`email_not_verified`), and with a factor on the sign-in continues as
    /// an `mfa_token`. Either way the password's attempt is given back: a
    /// right password never stays counted, and the count is cleared only once
    /// the whole sign-in has succeeded.
    async fn after_password(
        &self,
        email: &Email,
        record: &UserRecord,
        factors: &MfaRecord,
        pending: PendingLogin,
    ) -> Result<(), ApiError> {
        if !record.user.email_verified {
            self.core.store.release_attempt(email).await?;
            return Err(SignInError::EmailNotVerified.into());
        }
        if let Some((mfa_token, methods)) = self.core.second_factor_prompt(factors, pending) {
            self.core.store.release_attempt(email).await?;
            return Err(ApiError::SignIn(SignInError::MfaRequired {
                mfa_token,
                methods,
            }));
        }
        Ok(())
    }

    /// Starts the session of a completed sign-in and audits it.
    pub(super) async fn signed_in(
        &self,
        record: &UserRecord,
        device_name: Option<String>,
        meta: &ClientMeta,
        factor: Option<MfaMethod>,
    ) -> Result<IssuedSession, ApiError> {
        let issued = self
            .sessions
            .start_session(record, device_name, meta)
            .await?;
        let mut detail = json!({ "session_id": issued.session.id });
        if let Some(factor) = factor {
            detail["mfa"] = json!(factor.as_str());
        }
        self.core
            .audit(AuditType::LoginSuccess, Some(&record.user.id), meta, detail)
            .await?;
        Ok(issued)
    }
}

impl Core {
    /// The account's second factors, as stored (never a copied flag).
    pub(super) async fn factors_of(
        &self,
        record: Option<&UserRecord>,
    ) -> Result<MfaRecord, ApiError> {
        match record {
            Some(record) => Ok(self.store.mfa(&record.user.id).await?),
            None => Ok(MfaRecord::default()),
        }
    }

    /// The `mfa_token` and methods that a sign-in of an account with a
    /// factor on must finish with; `None` without one.
    pub(super) fn second_factor_prompt(
        &self,
        factors: &MfaRecord,
        pending: PendingLogin,
    ) -> Option<(String, Vec<MfaMethod>)> {
        let methods = factors.login_methods();
        if methods.is_empty() {
            return None;
        }
        let mfa_token = pending.seal(&self.keys.pending_logins, self.clock.now_secs());
        Some((mfa_token, methods))
    }

    /// One counted attempt at proving who `email` is: its number, or
    /// `AccountLocked` while the lock is on.
    pub(super) async fn reserve_attempt(&self, email: &Email) -> Result<u32, ApiError> {
        let now = self.clock.now_secs();
        let threshold = self.settings.lockout_threshold;
        match self.store.reserve_attempt(email, threshold, now).await? {
            Reservation::Granted { number } => Ok(number),
            Reservation::Locked { until } => Err(ApiError::SignIn(SignInError::AccountLocked {
                retry_after: until - now,
            })),
            Reservation::Exhausted => Err(ApiError::SignIn(SignInError::AccountLocked {
                retry_after: EXHAUSTED_RETRY_SECONDS,
            })),
        }
    }
}

impl Credentials<'_> {
    /// Checks `password` against the account under the lockout: `AccountLocked`
    /// without checking while locked, `InvalidCredentials` (counted, maybe
    /// starting the lock) when wrong or when there is no such account. A right
    /// password leaves the count alone: the caller clears it once the whole
    /// sign-in (with any second factor) has succeeded.
    pub async fn check_password(
        &self,
        email: &Email,
        password: SecretString,
        record: Option<&UserRecord>,
        meta: &ClientMeta,
    ) -> Result<(), ApiError> {
        let number = self.core.reserve_attempt(email).await?;
        // An account without a password (made by a provider sign-in) checks
        // against the dummy hash, like an unknown email: same answer, same time.
        let hash = record
            .and_then(|r| r.password_hash.as_ref())
            .map(|h| h.as_str().to_string());
        if password::verify(password, hash.clone()).await? && hash.is_some() {
            return Ok(());
        }
        let failure = AuditType::LoginFailure;
        self.count_failure(email, record, number, meta, failure)
            .await?;
        Err(ApiError::SignIn(SignInError::InvalidCredentials))
    }

    /// Audits a failed attempt as `kind` and starts the lock at the threshold.
    pub(super) async fn count_failure(
        &self,
        email: &Email,
        user: Option<&UserRecord>,
        number: u32,
        meta: &ClientMeta,
        kind: AuditType,
    ) -> Result<(), ApiError> {
        let user_id = user.map(|u| &u.user.id);
        self.core
            .audit(kind, user_id, meta, json!({ "failures": number }))
            .await?;
        if number < self.core.settings.lockout_threshold {
            return Ok(());
        }
        let now = self.core.clock.now_secs();
        let until = now + self.core.settings.lockout_seconds;
        let threshold = self.core.settings.lockout_threshold;
        if !self
            .core
            .store
            .start_lock(email, threshold, until, now)
            .await?
        {
            return Ok(());
        }
        let locked_until = rfc3339(until.to_millis());
        self.core
            .audit(
                AuditType::AccountLocked,
                user_id,
                meta,
                json!({ "locked_until": locked_until }),
            )
            .await?;
        if let Some(user) = user {
            let kind = EmailKind::AccountLocked {
                name: user.user.name.clone(),
                locked_until,
            };
            let job = EmailJob::new(&user.user.email, kind);
            let queued = async { self.mail.enqueue(&job).await };
            self.core.after_commit("lock email", queued).await;
        }
        Ok(())
    }
}
