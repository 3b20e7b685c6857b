use std::time::Duration;

use anyhow::Context;
use async_trait::async_trait;
use aws_sdk_sqs::types::{MessageSystemAttributeName, QueueAttributeName};

use super::sdk_error;
use think_tank_core::email::EmailJob;
use think_tank_core::error::StoreResult;
use think_tank_core::ports::{EmailQueue, Probe};

pub struct SqsQueue {
    client: aws_sdk_sqs::Client,
    url: String,
}

/// A received message in our own terms, for a local event-source poller.
pub struct ReceivedMessage {
    pub message_id: String,
    pub receipt_handle: String,
    pub body: String,
    pub receive_count: u32,
}

impl SqsQueue {
    pub fn new(client: aws_sdk_sqs::Client, url: &str) -> Self {
        Self {
            client,
            url: url.to_string(),
        }
    }

    /// A long poll: the call may take `wait_seconds`, so it gets that much on
    /// top of the usual timeouts.
    pub async fn receive(&self, max: i32, wait_seconds: i32) -> StoreResult<Vec<ReceivedMessage>> {
        let wait = Duration::from_secs(wait_seconds.max(0) as u64);
        let patient = aws_config::timeout::TimeoutConfig::builder()
            .connect_timeout(Duration::from_secs(1))
            .operation_attempt_timeout(wait + Duration::from_secs(2))
            .operation_timeout(wait + Duration::from_secs(5))
            .build();
        let out = self
            .client
            .receive_message()
            .queue_url(&self.url)
            .max_number_of_messages(max)
            .wait_time_seconds(wait_seconds)
            .message_system_attribute_names(MessageSystemAttributeName::ApproximateReceiveCount)
            .customize()
            .config_override(aws_sdk_sqs::config::Builder::default().timeout_config(patient))
            .send()
            .await
            .map_err(|e| sdk_error("sqs receive", e))?;
        Ok(out
            .messages()
            .iter()
            .map(|m| ReceivedMessage {
                message_id: m.message_id().unwrap_or_default().to_string(),
                receipt_handle: m.receipt_handle().unwrap_or_default().to_string(),
                body: m.body().unwrap_or_default().to_string(),
                receive_count: m
                    .attributes()
                    .and_then(|a| a.get(&MessageSystemAttributeName::ApproximateReceiveCount))
                    .and_then(|c| c.parse().ok())
                    .unwrap_or(1),
            })
            .collect())
    }

    pub async fn delete(&self, receipt_handle: &str) -> StoreResult<()> {
        self.client
            .delete_message()
            .queue_url(&self.url)
            .receipt_handle(receipt_handle)
            .send()
            .await
            .map_err(|e| sdk_error("sqs delete", e))?;
        Ok(())
    }

    /// Makes a failed message visible again at once, as a Lambda failure report would after its timeout.
    pub async fn release(&self, receipt_handle: &str) -> StoreResult<()> {
        self.client
            .change_message_visibility()
            .queue_url(&self.url)
            .receipt_handle(receipt_handle)
            .visibility_timeout(0)
            .send()
            .await
            .map_err(|e| sdk_error("sqs change visibility", e))?;
        Ok(())
    }
}

#[async_trait]
impl Probe for SqsQueue {
    async fn ping(&self) -> StoreResult<()> {
        self.client
            .get_queue_attributes()
            .queue_url(&self.url)
            .attribute_names(QueueAttributeName::ApproximateNumberOfMessages)
            .send()
            .await
            .map_err(|e| sdk_error("sqs get attributes", e))?;
        Ok(())
    }
}

#[async_trait]
impl EmailQueue for SqsQueue {
    async fn enqueue(&self, job: &EmailJob) -> StoreResult<()> {
        let body = serde_json::to_string(job).context("encode email job")?;
        self.client
            .send_message()
            .queue_url(&self.url)
            .message_body(body)
            .send()
            .await
            .map_err(|e| sdk_error("sqs send", e))?;
        Ok(())
    }
}
