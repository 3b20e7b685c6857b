//! The email queue's event source mapping: batches of up to 10 messages go to
//! the worker; reported failures come back, and after 5 receives a message is
//! dead-lettered (in-process) or left to the queue's redrive policy (SQS).

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use adapters::aws::SqsQueue;
use aws_lambda_events::event::sqs::{SqsEvent, SqsMessage};
use local_adapters::memory::MemoryQueue;
use think_tank_core::App;
use tokio::sync::watch;

pub const MAX_RECEIVES: u32 = 5;
const BATCH_SIZE: usize = 10;

fn sqs_message(message_id: &str, body: &str, receive_count: u32) -> SqsMessage {
    let mut m = SqsMessage::default();
    m.message_id = Some(message_id.to_string());
    m.body = Some(body.to_string());
    m.event_source = Some("aws:sqs".into());
    m.event_source_arn = Some("arn:aws:sqs:local:000000000000:email".into());
    m.aws_region = Some("local".into());
    m.attributes = [(
        "ApproximateReceiveCount".to_string(),
        receive_count.to_string(),
    )]
    .into();
    m
}

/// One SQS event for the batch, as the event source mapping would send; returns the failed ids.
async fn invoke_worker<'a>(
    app: &Arc<App>,
    messages: impl Iterator<Item = (&'a str, &'a str, u32)>,
) -> Vec<String> {
    let mut event = SqsEvent::default();
    event.records = messages
        .map(|(id, body, count)| sqs_message(id, body, count))
        .collect();
    let response = email_worker::handle(app.clone(), event).await;
    response
        .batch_item_failures
        .into_iter()
        .map(|f| f.item_identifier)
        .collect()
}

/// One message as the poller sees it: `handle` is what settles it (the
/// receipt handle on SQS, the id in memory).
pub struct Received {
    id: String,
    body: String,
    receive_count: u32,
    handle: String,
}

/// Where the poller takes batches from and settles them.
pub trait QueueSource: Send + Sync + 'static {
    /// Up to `max` messages, waiting a little for the first.
    fn receive(&self, max: usize) -> impl Future<Output = anyhow::Result<Vec<Received>>> + Send;
    /// Processed: gone from the queue.
    fn ack(&self, m: &Received) -> impl Future<Output = anyhow::Result<()>> + Send;
    /// Failed: back to the queue, or dead-lettered after `MAX_RECEIVES`.
    fn release(&self, m: &Received) -> impl Future<Output = anyhow::Result<()>> + Send;
}

/// The in-process queue of the memory backend.
pub struct Memory(pub Arc<MemoryQueue>);

impl QueueSource for Memory {
    async fn receive(&self, max: usize) -> anyhow::Result<Vec<Received>> {
        self.0.wait_for_messages().await;
        let batch = self.0.receive(max).into_iter().map(|m| Received {
            handle: m.message_id.clone(),
            id: m.message_id,
            body: m.body,
            receive_count: m.receive_count,
        });
        Ok(batch.collect())
    }

    async fn ack(&self, m: &Received) -> anyhow::Result<()> {
        self.0.ack(&m.handle);
        Ok(())
    }

    async fn release(&self, m: &Received) -> anyhow::Result<()> {
        self.0.release(&m.handle, MAX_RECEIVES);
        Ok(())
    }
}

/// An SQS queue (its redrive policy dead-letters).
pub struct Sqs(pub SqsQueue);

impl QueueSource for Sqs {
    async fn receive(&self, max: usize) -> anyhow::Result<Vec<Received>> {
        let batch = self.0.receive(max as i32, 1).await?;
        let batch = batch.into_iter().map(|m| Received {
            id: m.message_id,
            body: m.body,
            receive_count: m.receive_count,
            handle: m.receipt_handle,
        });
        Ok(batch.collect())
    }

    async fn ack(&self, m: &Received) -> anyhow::Result<()> {
        Ok(self.0.delete(&m.handle).await?)
    }

    async fn release(&self, m: &Received) -> anyhow::Result<()> {
        Ok(self.0.release(&m.handle).await?)
    }
}

/// Polls `source` until `stop`, handing each batch to the email worker and
/// settling each message by the worker's answer.
pub async fn run(app: Arc<App>, source: impl QueueSource, mut stop: watch::Receiver<bool>) {
    loop {
        let received = tokio::select! {
            _ = stop.changed() => return,
            r = source.receive(BATCH_SIZE) => r,
        };
        let batch = match received {
            Ok(batch) => batch,
            Err(e) => {
                tracing::warn!(error.cause_chain = ?e, "email queue poll failed");
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
        };
        if batch.is_empty() {
            continue;
        }
        let messages = batch
            .iter()
            .map(|m| (m.id.as_str(), m.body.as_str(), m.receive_count));
        let failed = invoke_worker(&app, messages).await;
        for m in &batch {
            let settled = match failed.contains(&m.id) {
                true => source.release(m).await,
                false => source.ack(m).await,
            };
            if let Err(e) = settled {
                tracing::warn!(error.cause_chain = ?e, "email queue acknowledgement failed");
            }
        }
    }
}
