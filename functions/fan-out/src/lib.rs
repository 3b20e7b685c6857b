//! The fan-out: the table's stream (filtered to task and membership items)
//! in batches; each change becomes a `task.*` or `member.*` push to the
//! connections of the workspace's members. Records are taken in order; the
//! first that fails is reported with everything after it, so the mapping
//! retries from there (bisecting a batch that keeps failing, and sending
//! what never succeeds to the on-failure queue). A write never waits for
//! this; a repeat carries the same `event_id`.

use std::sync::Arc;

use adapters::aws::changes::change_of;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use think_tank_core::app::{App, Ports, Service, Sockets};
use think_tank_core::services::fanout::FanOut;

/// Besides the table (members, their connections and names), it only pushes.
pub const PORTS: Ports = <FanOut<Sockets> as Service>::PORTS;

/// A DynamoDB stream event as the event source mapping delivers it.
#[derive(Debug, Default, Deserialize, Serialize)]
pub struct StreamEvent {
    #[serde(rename = "Records", default)]
    pub records: Vec<Value>,
}

/// The partial batch response: the first record to deliver again.
#[derive(Debug, Default, Deserialize, Serialize, PartialEq)]
pub struct BatchResponse {
    #[serde(rename = "batchItemFailures")]
    pub failures: Vec<ItemFailure>,
}

#[derive(Debug, Deserialize, Serialize, PartialEq)]
pub struct ItemFailure {
    /// The record's `SequenceNumber`.
    #[serde(rename = "itemIdentifier")]
    pub item_identifier: String,
}

pub async fn handle(app: Arc<App>, event: StreamEvent) -> BatchResponse {
    let fan_out = app.service::<FanOut<Sockets>>();
    for record in &event.records {
        let sequence = record["dynamodb"]["SequenceNumber"].as_str();
        let failed = || BatchResponse {
            failures: vec![ItemFailure {
                item_identifier: sequence.unwrap_or_default().to_string(),
            }],
        };
        let change = match change_of(record) {
            Ok(Some(change)) => change,
            Ok(None) => continue,
            Err(e) => {
                tracing::error!(error.cause_chain = ?e, sequence, "unreadable stream record");
                return failed();
            }
        };
        if let Err(e) = fan_out.deliver(&change).await {
            tracing::warn!(error.cause_chain = ?e, sequence, "change not delivered");
            return failed();
        }
    }
    BatchResponse::default()
}
