//! Password login with lockout. Every password check for an email reserves
//! its attempt first (one conditional write), so a burst of parallel guesses
//! gets at most the threshold's worth of checks; unknown emails and wrong
//! passwords look and take the same.

use secrecy::SecretString;
use serde_json::json;

use super::security::ClientMeta;
use super::sessions::IssuedSession;
use crate::auth::password;
use crate::clock::rfc3339;
use crate::domain::{AuditType, Email, Reservation, UserRecord};
use crate::email::{EmailJob, EmailKind};
use crate::error::ApiError;
use crate::App;

/// How long to wait while the attempts that may reach the threshold are still being checked.
const EXHAUSTED_RETRY_SECONDS: i64 = 1;

pub struct LoginInput {
    pub email: Email,
    pub password: SecretString,
    pub device_name: Option<String>,
}

impl App {
    pub async fn login(
        &self,
        input: LoginInput,
        meta: &ClientMeta,
    ) -> Result<IssuedSession, ApiError> {
        self.limit_ip("login", meta).await?;
        let record = self.store.user_by_email(&input.email).await?;
        self.check_password(&input.email, input.password, record.as_ref(), meta)
            .await?;
        let Some(record) = record else {
            return Err(ApiError::InvalidCredentials);
        };
        let issued = self
            .start_session(&record.user, input.device_name, meta)
            .await?;
        let detail = json!({ "session_id": issued.session.id });
        self.audit(AuditType::LoginSuccess, Some(&record.user.id), meta, detail)
            .await?;
        Ok(issued)
    }

    /// Checks `password` against the account under the lockout: `AccountLocked`
    /// without checking while locked, `InvalidCredentials` (counted, maybe
    /// starting the lock) when wrong or when there is no such account.
    pub async fn check_password(
        &self,
        email: &Email,
        password: SecretString,
        record: Option<&UserRecord>,
        meta: &ClientMeta,
    ) -> Result<(), ApiError> {
        let now = self.clock.now_secs();
        let threshold = self.settings.lockout_threshold;
        let number = match self.store.reserve_attempt(email, threshold, now).await? {
            Reservation::Granted { number } => number,
            Reservation::Locked { until } => {
                return Err(ApiError::AccountLocked {
                    retry_after: until - now,
                })
            }
            Reservation::Exhausted => {
                return Err(ApiError::AccountLocked {
                    retry_after: EXHAUSTED_RETRY_SECONDS,
                })
            }
        };
        let hash = record.map(|r| r.password_hash.clone());
        if password::verify(password, hash).await? && record.is_some() {
            self.store.clear_attempts(email).await?;
            return Ok(());
        }
        self.count_failure(email, record, number, meta).await?;
        Err(ApiError::InvalidCredentials)
    }

    async fn count_failure(
        &self,
        email: &Email,
        user: Option<&UserRecord>,
        number: u32,
        meta: &ClientMeta,
    ) -> Result<(), ApiError> {
        let user_id = user.map(|u| u.user.id.as_str());
        self.audit(
            AuditType::LoginFailure,
            user_id,
            meta,
            json!({ "failures": number }),
        )
        .await?;
        if number < self.settings.lockout_threshold {
            return Ok(());
        }
        let now = self.clock.now_secs();
        let until = now + self.settings.lockout_seconds;
        let threshold = self.settings.lockout_threshold;
        if !self.store.start_lock(email, threshold, until, now).await? {
            return Ok(());
        }
        let locked_until = rfc3339(until.to_millis());
        self.audit(
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
            let queued = async { Ok(self.email_queue.enqueue(&job).await?) };
            self.after_commit("lock email", queued).await;
        }
        Ok(())
    }
}
