//! The email queue's event source mapping: batches of up to 10 messages go to
//! the worker; reported failures come back, and after 5 receives a message is
//! dead-lettered (in-process) or left to the queue's redrive policy (SQS).

use std::sync::Arc;
use std::time::Duration;

use aws_lambda_events::event::sqs::{SqsEvent, SqsMessage};
use shared::adapters::aws::SqsQueue;
use shared::adapters::memory::MemoryQueue;
use shared::App;
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

pub async fn run_memory(app: Arc<App>, queue: Arc<MemoryQueue>, mut stop: watch::Receiver<bool>) {
    loop {
        tokio::select! {
            _ = stop.changed() => return,
            _ = queue.wait_for_messages() => {}
        }
        let batch = queue.receive(BATCH_SIZE);
        if batch.is_empty() {
            continue;
        }
        let messages = batch
            .iter()
            .map(|m| (m.message_id.as_str(), m.body.as_str(), m.receive_count));
        let failed = invoke_worker(&app, messages).await;
        for m in &batch {
            if failed.contains(&m.message_id) {
                queue.release(&m.message_id, MAX_RECEIVES);
            } else {
                queue.ack(&m.message_id);
            }
        }
    }
}

pub async fn run_sqs(app: Arc<App>, queue: SqsQueue, mut stop: watch::Receiver<bool>) {
    loop {
        let received = tokio::select! {
            _ = stop.changed() => return,
            r = queue.receive(BATCH_SIZE as i32, 1) => r,
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
            .map(|m| (m.message_id.as_str(), m.body.as_str(), m.receive_count));
        let failed = invoke_worker(&app, messages).await;
        for m in &batch {
            let result = if failed.contains(&m.message_id) {
                queue.release(&m.receipt_handle).await
            } else {
                queue.delete(&m.receipt_handle).await
            };
            if let Err(e) = result {
                tracing::warn!(error.cause_chain = ?e, "email queue acknowledgement failed");
            }
        }
    }
}
