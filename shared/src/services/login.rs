//! Password login with lockout: unknown emails and wrong passwords look and
//! take the same; the failure that reaches the threshold starts the lock.

use secrecy::SecretString;
use serde_json::json;

use super::security::ClientMeta;
use super::sessions::IssuedSession;
use crate::auth::password;
use crate::clock::rfc3339;
use crate::domain::{AuditType, Email, UserRecord};
use crate::email::{EmailJob, EmailKind};
use crate::error::ApiError;
use crate::App;

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
        let now = self.clock.now_secs();
        let (attempts, record) = tokio::try_join!(
            self.store.attempts(&input.email, now),
            self.store.user_by_email(&input.email),
        )?;
        if let Some(until) = attempts.locked_at(now) {
            return Err(ApiError::AccountLocked {
                retry_after: until - now,
            });
        }
        let hash = record.as_ref().map(|r| r.password_hash.clone());
        let verified = password::verify(input.password, hash).await?;
        let record = match record {
            Some(record) if verified => record,
            other => return Err(self.login_failed(&input.email, other.as_ref(), meta).await),
        };
        if attempts.failures > 0 {
            self.store.clear_attempts(&input.email).await?;
        }
        let issued = self
            .start_session(&record.user, input.device_name, meta)
            .await?;
        let detail = json!({ "session_id": issued.session.id });
        self.audit(AuditType::LoginSuccess, Some(&record.user.id), meta, detail)
            .await?;
        Ok(issued)
    }

    async fn login_failed(
        &self,
        email: &Email,
        user: Option<&UserRecord>,
        meta: &ClientMeta,
    ) -> ApiError {
        match self.count_failure(email, user, meta).await {
            Ok(()) => ApiError::InvalidCredentials,
            Err(e) => e,
        }
    }

    async fn count_failure(
        &self,
        email: &Email,
        user: Option<&UserRecord>,
        meta: &ClientMeta,
    ) -> Result<(), ApiError> {
        let now = self.clock.now_secs();
        let (threshold, lock_seconds) =
            (self.config.lockout_threshold, self.config.lockout_seconds);
        let outcome = self
            .store
            .record_failure(email, threshold, lock_seconds, now)
            .await?;
        let user_id = user.map(|u| u.user.id.as_str());
        self.audit(
            AuditType::LoginFailure,
            user_id,
            meta,
            json!({ "failures": outcome.failures }),
        )
        .await?;
        if outcome.lock_started {
            let until = rfc3339((now + lock_seconds) * 1000);
            self.audit(
                AuditType::AccountLocked,
                user_id,
                meta,
                json!({ "locked_until": until }),
            )
            .await?;
            if let Some(user) = user {
                let kind = EmailKind::AccountLocked {
                    name: user.user.name.clone(),
                    locked_until: until,
                };
                self.email_queue
                    .enqueue(&EmailJob::new(&user.user.email, kind))
                    .await?;
            }
        }
        Ok(())
    }
}
