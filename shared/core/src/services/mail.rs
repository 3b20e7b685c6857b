//! Email on both sides of the queue: producers queue within a per-recipient
//! budget; the worker's per-message step is idempotent by the job's id and
//! drops a job that can never be sent instead of retrying it into the DLQ.

use std::future::Future;

use anyhow::Context;

use crate::app::{Core, Couriers, Mail};
use crate::clock::UnixSecs;
use crate::crypto::sha256_b64;
use crate::domain::WorkspaceId;
use crate::email::{build_message, sms_text, EmailJob, EmailKind, SecurityChange};
use crate::error::{ApiError, StoreResult};

/// Emails a caller can trigger to one address (verification, reset, assignment).
const MAILS_PER_RECIPIENT: u32 = 5;
const MAIL_WINDOW_SECONDS: i64 = 3600;

const SENT_PURPOSE: &str = "email_sent";
/// Longer than SQS keeps a message (14 days at most), so every redelivery is caught.
const SENT_MEMORY_SECONDS: i64 = 15 * 86_400;
/// Items of a deleted workspace removed per round trip.
const PURGE_BATCH: usize = 25;

#[derive(Debug, PartialEq, Eq)]
pub enum Delivery {
    Sent,
    AlreadySent,
    /// The job can never be sent (the mailer refuses its address or content).
    Dropped,
}

impl<'a> Mail<'a> {
    /// Queues an email that someone's action triggers; past the recipient's
    /// budget it is `RateLimited`, so nobody can spam an address through us.
    pub async fn queue_email(&self, job: &EmailJob) -> Result<(), ApiError> {
        let key = format!("mail#{}", sha256_b64(&job.to));
        let now = self.core.clock.now_secs();
        self.core
            .limit(&key, MAILS_PER_RECIPIENT, MAIL_WINDOW_SECONDS, now)
            .await?;
        self.enqueue(job).await
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
        let queued = async { Ok(self.queue.enqueue(&job).await?) };
        self.core.after_commit("security notice", queued).await;
    }

    /// Queues a job outside any recipient's budget: the system's own
    /// messages (lock notices, SMS codes) that have budgets of their own.
    pub(crate) async fn enqueue(&self, job: &EmailJob) -> Result<(), ApiError> {
        Ok(self.queue.enqueue(job).await?)
    }

    /// Probes the queue (the health check).
    pub(crate) fn probe(&self) -> &'a dyn crate::ports::Probe {
        self.queue
    }
}

impl Core {
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
}

/// The email worker's side: delivers what the queue holds.
#[derive(Clone, Copy)]
pub struct Dispatch<'a> {
    core: &'a Core,
    couriers: Couriers<'a>,
}

crate::service!(Dispatch<'a> { couriers: Couriers<'a> });

impl Dispatch<'_> {
    /// Sends one queued job unless a job with its id was already sent.
    pub async fn deliver_email(&self, body: &str) -> anyhow::Result<Delivery> {
        let mut job: EmailJob = serde_json::from_str(body).context("malformed email job")?;
        let now = self.core.clock.now_secs();
        if self.core.store.contains(SENT_PURPOSE, &job.id, now).await? {
            return Ok(Delivery::AlreadySent);
        }
        if let EmailKind::SmsCode { sealed_code } = &job.kind {
            let Some(code) = self.core.keys.sms_jobs.open(sealed_code, &job.to) else {
                tracing::error!(email.id = %job.id, "an SMS job does not open; dropped");
                return Ok(Delivery::Dropped);
            };
            let code = String::from_utf8_lossy(&code);
            let sent = self
                .couriers
                .sms
                .send_sms(
                    &job.id,
                    &job.to,
                    &sms_text(&self.core.settings.brand.product_name, &code),
                )
                .await;
            count_delivery("sms_sent", "sms_failed", sent.is_ok());
            sent?;
            self.remember_sent(&job, now).await?;
            tracing::info!(email.kind = job.kind.name(), email.id = %job.id, "sms sent");
            return Ok(Delivery::Sent);
        }
        if let EmailKind::WorkspacePurge { workspace_id } = &job.kind {
            self.purge_workspace(&workspace_id.as_str().into()).await?;
            self.remember_sent(&job, now).await?;
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
            &self.core.settings.email_from,
            &self.core.settings.app_base_url,
            &self.core.settings.brand,
        ) {
            Ok(message) => message,
            Err(e) => {
                tracing::error!(email.kind = job.kind.name(), email.id = %job.id, error.cause_chain = ?e, "email can never be sent; dropped");
                return Ok(Delivery::Dropped);
            }
        };
        let sent = self.couriers.email.send(&job.to, &message).await;
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
            EmailKind::PasswordResetRequest => {
                Ok(Some(self.core.password_reset_email(&job.to).await?))
            }
            EmailKind::VerifyEmailRequest => Ok(Some(self.core.verification_email(&job.to).await?)),
            _ => Ok(None),
        }
    }

    /// Every item a deleted workspace left, a batch at a time; an error
    /// (retried by the queue) while the workspace still exists.
    async fn purge_workspace(&self, id: &WorkspaceId) -> anyhow::Result<()> {
        if self.core.store.workspace(id).await?.is_some() {
            anyhow::bail!("workspace {id} is not deleted (yet)");
        }
        while !self.core.store.purge_workspace(id, PURGE_BATCH).await? {}
        tracing::info!(workspace.id = %id, "workspace purged");
        Ok(())
    }

    async fn remember_sent(&self, job: &EmailJob, now: UnixSecs) -> StoreResult<()> {
        self.core
            .store
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
