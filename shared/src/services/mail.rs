//! The email worker's per-message step: idempotent by the job's id.

use anyhow::Context;

use crate::email::{build_message, EmailJob};
use crate::error::StoreResult;
use crate::App;

const SENT_PURPOSE: &str = "email_sent";
/// Longer than SQS keeps a message (14 days at most), so every redelivery is caught.
const SENT_MEMORY_SECONDS: i64 = 15 * 86_400;

#[derive(Debug, PartialEq, Eq)]
pub enum Delivery {
    Sent,
    AlreadySent,
}

impl App {
    /// Sends one queued job unless a job with its id was already sent.
    pub async fn deliver_email(&self, body: &str) -> anyhow::Result<Delivery> {
        let job: EmailJob = serde_json::from_str(body).context("malformed email job")?;
        let now = self.clock.now_secs();
        if self.store.contains(SENT_PURPOSE, &job.id, now).await? {
            return Ok(Delivery::AlreadySent);
        }
        let message = build_message(&job, &self.config.email_from, &self.config.app_base_url)?;
        self.email_sender.send(&job.to, &message).await?;
        self.remember_sent(&job, now).await?;
        tracing::info!(email.kind = job.kind.name(), email.id = %job.id, "email sent");
        Ok(Delivery::Sent)
    }

    async fn remember_sent(&self, job: &EmailJob, now: i64) -> StoreResult<()> {
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
