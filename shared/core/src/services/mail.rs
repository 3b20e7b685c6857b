//! Email on both sides of the queue: producers queue within a per-recipient
//! budget; the worker's per-message step is idempotent by the job's id and
//! drops a job that can never be sent instead of retrying it into the DLQ.

use std::future::Future;

use anyhow::Context;

use crate::clock::UnixSecs;
use crate::crypto::sha256_b64;
use crate::email::{build_message, sms_text, EmailJob, EmailKind, SecurityChange};
use crate::error::{ApiError, StoreResult};
use crate::App;

/// Emails a caller can trigger to one address (verification, reset, assignment).
const MAILS_PER_RECIPIENT: u32 = 5;
const MAIL_WINDOW_SECONDS: i64 = 3600;

const SENT_PURPOSE: &str = "email_sent";
/// Longer than SQS keeps a message (14 days at most), so every redelivery is caught.
const SENT_MEMORY_SECONDS: i64 = 15 * 86_400;

#[derive(Debug, PartialEq, Eq)]
pub enum Delivery {
    Sent,
    AlreadySent,
    /// The job can never be sent (the mailer refuses its address or content).
    Dropped,
}

impl App {
    /// Queues an email that someone's action triggers; past the recipient's
    /// budget it is `RateLimited`, so nobody can spam an address through us.
    pub async fn queue_email(&self, job: &EmailJob) -> Result<(), ApiError> {
        let key = format!("mail#{}", sha256_b64(&job.to));
        let now = self.clock.now_secs();
        self.limit(&key, MAILS_PER_RECIPIENT, MAIL_WINDOW_SECONDS, now)
            .await?;
        Ok(self.email_queue.enqueue(job).await?)
    }

    /// Tells the owner of `user` that how the account signs in changed
    /// (`security_notice`); after the change has committed, so a queue
    /// outage is logged, never answered.
    pub async fn notify_owner(&self, user: &crate::domain::User, change: SecurityChange) {
        let kind = EmailKind::SecurityNotice {
            name: user.name.clone(),
            change,
        };
        let job = EmailJob::new(&user.email, kind);
        let queued = async { Ok(self.email_queue.enqueue(&job).await?) };
        self.after_commit("security notice", queued).await;
    }

    /// A side effect of a write that has already committed: the client gets its
    /// success either way; a failure is logged for the operator, never returned.
    pub async fn after_commit(
        &self,
        effect: &'static str,
        work: impl Future<Output = Result<(), ApiError>>,
    ) {
        if let Err(e) = work.await {
            tracing::error!(effect, error.cause_chain = ?e, "side effect of a committed write failed");
        }
    }

    /// Sends one queued job unless a job with its id was already sent.
    pub async fn deliver_email(&self, body: &str) -> anyhow::Result<Delivery> {
        let mut job: EmailJob = serde_json::from_str(body).context("malformed email job")?;
        let now = self.clock.now_secs();
        if self.store.contains(SENT_PURPOSE, &job.id, now).await? {
            return Ok(Delivery::AlreadySent);
        }
        if let EmailKind::SmsCode { sealed_code } = &job.kind {
            let Some(code) = self.keys.sms_jobs.open(sealed_code, &job.to) else {
                tracing::error!(email.id = %job.id, "an SMS job does not open; dropped");
                return Ok(Delivery::Dropped);
            };
            let code = String::from_utf8_lossy(&code);
            let sent = self
                .sms_sender
                .send_sms(
                    &job.id,
                    &job.to,
                    &sms_text(&self.settings.brand.product_name, &code),
                )
                .await;
            count_delivery("sms_sent", "sms_failed", sent.is_ok());
            sent?;
            self.remember_sent(&job, now).await?;
            tracing::info!(email.kind = job.kind.name(), email.id = %job.id, "sms sent");
            return Ok(Delivery::Sent);
        }
        if let Some(resolved) = self.resolve_request(&job).await? {
            match resolved {
                Some(kind) => job.kind = kind,
                None => {
                    tracing::info!(email.kind = job.kind.name(), email.id = %job.id, "nothing to send for this address");
                    return Ok(Delivery::Dropped);
                }
            }
        }
        let message = match build_message(
            &job,
            &self.settings.email_from,
            &self.settings.app_base_url,
            &self.settings.brand,
        ) {
            Ok(message) => message,
            Err(e) => {
                tracing::error!(email.kind = job.kind.name(), email.id = %job.id, error.cause_chain = ?e, "email can never be sent; dropped");
                return Ok(Delivery::Dropped);
            }
        };
        let sent = self.email_sender.send(&job.to, &message).await;
        count_delivery("emails_sent", "emails_failed", sent.is_ok());
        sent?;
        self.remember_sent(&job, now).await?;
        tracing::info!(email.kind = job.kind.name(), email.id = %job.id, "email sent");
        Ok(Delivery::Sent)
    }

    /// A request the worker turns into an email after looking the address up
    /// (`Some(None)`: nothing to send); `None` for a job that is an email already.
    async fn resolve_request(&self, job: &EmailJob) -> Result<Option<Option<EmailKind>>, ApiError> {
        match job.kind {
            EmailKind::PasswordResetRequest => Ok(Some(self.password_reset_email(&job.to).await?)),
            EmailKind::VerifyEmailRequest => Ok(Some(self.verification_email(&job.to).await?)),
            _ => Ok(None),
        }
    }

    async fn remember_sent(&self, job: &EmailJob, now: UnixSecs) -> StoreResult<()> {
        self.store
            .put_once(
                SENT_PURPOSE,
                &job.id,
                job.kind.name(),
                now + SENT_MEMORY_SECONDS,
                now,
            )
            .await
            .map(|_| ())
    }
}

/// One delivery in the metrics, as sent or failed.
fn count_delivery(sent: &'static str, failed: &'static str, ok: bool) {
    metrics::counter!(if ok { sent } else { failed }).increment(1);
}
