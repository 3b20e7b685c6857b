//! The email worker: consumes SQS batches, reports partial failures so only the
//! failed messages come back, and never sends the same job twice.

use std::sync::Arc;

use aws_lambda_events::event::sqs::{BatchItemFailure, SqsBatchResponse, SqsEvent, SqsMessage};
use think_tank_core::app::{App, Ports, Service};
use think_tank_core::services::mail::Dispatch;
use tracing::Instrument;

/// Besides the table (for its idempotency marks), it only sends mail and texts.
pub const PORTS: Ports = <Dispatch as Service>::PORTS;

pub async fn handle(app: Arc<App>, event: SqsEvent) -> SqsBatchResponse {
    let dispatch = app.service::<Dispatch>();
    let outcomes = event.records.iter().map(|m| process(dispatch, m));
    let failures = futures::future::join_all(outcomes).await;
    let mut response = SqsBatchResponse::default();
    response.batch_item_failures = failures.into_iter().flatten().collect();
    response
}

/// `Some(failure)` when the message must come back (and, after 5 receives, go to the DLQ).
async fn process(dispatch: Dispatch<'_>, message: &SqsMessage) -> Option<BatchItemFailure> {
    let id = message.message_id.clone().unwrap_or_default();
    let span = tracing::info_span!("email_message", message_id = %id);
    let result = dispatch
        .deliver_email(message.body.as_deref().unwrap_or_default())
        .instrument(span)
        .await;
    let error = result.err()?;
    tracing::error!(message_id = %id, error.cause_chain = ?error, "email delivery failed");
    let mut failure = BatchItemFailure::default();
    failure.item_identifier = id;
    Some(failure)
}
