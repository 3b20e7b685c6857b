//! The change feed's event source mapping: the memory store's in-process
//! feed, or (`BACKEND=aws`) the table's DynamoDB stream polled shard by shard
//! as AWS's mapping does, each batch handed to the fan-out function as the
//! stream event it would get, filtered as its filter criteria filter.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use adapters::aws::changes::FANNED_OUT;
use adapters::aws::AwsClients;
use anyhow::Context;
use aws_sdk_dynamodbstreams::types::{AttributeValue, Record, ShardIteratorType};
use aws_sdk_dynamodbstreams::Client;
use serde_json::{json, Map, Value};
use think_tank_core::app::{App, Sockets};
use think_tank_core::services::fanout::{ChangeRecord, FanOut};
use tokio::sync::mpsc::error::TryRecvError;
use tokio::sync::mpsc::UnboundedReceiver;
use tokio::sync::watch;

/// How often a failed batch is tried again before it is given up, as the
/// template's mapping does (`MaximumRetryAttempts: 10`; AWS's mapping then
/// sends it to the on-failure queue), waiting twice as long each time, from
/// [`IDLE`] up to [`LONGEST_WAIT`].
const RETRIES: u32 = 10;
const LONGEST_WAIT: Duration = Duration::from_secs(4);
/// How often the memory feed tries one change before it is given up.
const ATTEMPTS: usize = 5;
/// How often the memory feed looks for new changes.
const FEED_POLL: Duration = Duration::from_millis(5);
/// How long an idle shard waits before it asks again (AWS polls each shard
/// about four times a second).
const IDLE: Duration = Duration::from_millis(250);
/// How often the stream is asked for new shards (a new table's first shard
/// appears with its first write; a full shard is followed by a child).
const NEW_SHARDS: Duration = Duration::from_secs(1);

/// The table's stream, which provisioning turns on (new and old images).
pub async fn arn(clients: &AwsClients, table: &str) -> anyhow::Result<String> {
    let described = clients
        .dynamodb()
        .describe_table()
        .table_name(table)
        .send()
        .await;
    let description = described
        .with_context(|| format!("describe table {table}"))?
        .table;
    let arn = description.and_then(|t| t.latest_stream_arn);
    arn.with_context(|| format!("table {table} has no stream (NEW_AND_OLD_IMAGES)"))
}

/// A streams client on the table's endpoint (DynamoDB Local serves both).
pub fn client(clients: &AwsClients) -> Client {
    let mut config = aws_sdk_dynamodbstreams::config::Builder::from(&clients.sdk);
    if let Ok(url) = std::env::var("AWS_ENDPOINT_URL_DYNAMODB") {
        config = config.endpoint_url(url);
    }
    Client::from_conf(config.build())
}

/// Delivers the memory store's changes in order until `stop`, polling every
/// [`FEED_POLL`] as an event source mapping polls its stream: a write then
/// only queues its change, where a woken reader would cost every write a
/// wake-up of another thread (infra/perf.md, "One invocation").
pub async fn feed(
    app: Arc<App>,
    mut changes: UnboundedReceiver<ChangeRecord>,
    mut stop: watch::Receiver<bool>,
) {
    let fan_out = app.service::<FanOut<Sockets>>();
    loop {
        tokio::select! {
            _ = stop.changed() => return,
            _ = tokio::time::sleep(FEED_POLL) => {}
        }
        loop {
            match changes.try_recv() {
                Ok(record) => deliver(&fan_out, &record).await,
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => return,
            }
        }
    }
}

async fn deliver(fan_out: &FanOut<'_, Sockets<'_>>, record: &ChangeRecord) {
    for attempt in 1..=ATTEMPTS {
        match fan_out.deliver(record).await {
            Ok(()) => return,
            Err(e) if attempt == ATTEMPTS => {
                tracing::error!(error.cause_chain = ?e, "change given up")
            }
            Err(_) => tokio::time::sleep(IDLE).await,
        }
    }
}

/// Whether the gateway is still up: not stopped, and not gone.
fn running(stop: &watch::Receiver<bool>) -> bool {
    !*stop.borrow() && stop.has_changed().is_ok()
}

/// Polls every shard of the table's stream from its start until `stop` (or
/// until the gateway that holds its sender is gone).
pub async fn poll(app: Arc<App>, streams: Client, arn: String, stop: watch::Receiver<bool>) {
    let mut polled = std::collections::HashSet::new();
    let mut pollers = Vec::new();
    while running(&stop) {
        match streams.describe_stream().stream_arn(&arn).send().await {
            Ok(described) => {
                let shards = described
                    .stream_description
                    .map(|d| d.shards.unwrap_or_default());
                for shard in shards.unwrap_or_default() {
                    let Some(id) = shard.shard_id else { continue };
                    if polled.insert(id.clone()) {
                        let (app, streams, arn) = (app.clone(), streams.clone(), arn.clone());
                        let shard = poll_shard(app, streams, arn, id, stop.clone());
                        pollers.push(tokio::spawn(shard));
                    }
                }
            }
            Err(e) => tracing::warn!(error = %e, "describe stream failed"),
        }
        let mut stop = stop.clone();
        tokio::select! {
            _ = stop.changed() => {}
            _ = tokio::time::sleep(NEW_SHARDS) => {}
        }
    }
    for poller in pollers {
        let _ = poller.await;
    }
}

async fn poll_shard(
    app: Arc<App>,
    streams: Client,
    arn: String,
    shard: String,
    stop: watch::Receiver<bool>,
) {
    let mut last: Option<String> = None;
    let mut iterator = None;
    while running(&stop) {
        let Some(current) = iterator.take() else {
            // DynamoDB Local may refuse an iterator (a trimmed position, one
            // that expired): open the shard again after the last record seen.
            match open(&streams, &arn, &shard, last.as_deref()).await {
                Ok(Some(opened)) => iterator = Some(opened),
                Ok(None) => return,
                Err(e) => {
                    tracing::warn!(error = %e, "shard iterator failed");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
            continue;
        };
        match streams.get_records().shard_iterator(&current).send().await {
            Ok(out) => {
                let records = out.records.unwrap_or_default();
                invoke(&app, &records).await;
                if let Some(seen) = records.last().and_then(|r| r.dynamodb.as_ref()) {
                    last = seen.sequence_number.clone();
                }
                if records.is_empty() {
                    tokio::time::sleep(IDLE).await;
                }
                // None: closed (its child is found by `poll`), or DynamoDB
                // Local lost its place; opening it again tells which.
                iterator = out.next_shard_iterator;
            }
            Err(e) => {
                tracing::warn!(error = %e, "get records failed");
                tokio::time::sleep(IDLE).await;
            }
        }
    }
}

/// An iterator after `after`, or at the shard's oldest record.
async fn open(
    streams: &Client,
    arn: &str,
    shard: &str,
    after: Option<&str>,
) -> anyhow::Result<Option<String>> {
    let kind = match after {
        Some(_) => ShardIteratorType::AfterSequenceNumber,
        None => ShardIteratorType::TrimHorizon,
    };
    let request = streams
        .get_shard_iterator()
        .stream_arn(arn)
        .shard_id(shard)
        .shard_iterator_type(kind)
        .set_sequence_number(after.map(str::to_string));
    Ok(request.send().await?.shard_iterator)
}

/// The records every shard has added since the last call (from the start on
/// the first), as the mapping hands them over, filtered. `read` keeps each
/// shard's position.
pub async fn read_new(
    streams: &Client,
    arn: &str,
    read: &mut HashMap<String, String>,
) -> anyhow::Result<Vec<Value>> {
    let described = streams.describe_stream().stream_arn(arn).send().await?;
    let shards = described.stream_description.and_then(|d| d.shards);
    let mut batch = Vec::new();
    for shard in shards
        .unwrap_or_default()
        .into_iter()
        .filter_map(|s| s.shard_id)
    {
        let mut iterator = match read.get(&shard) {
            Some(at) => Some(at.clone()),
            None => {
                let start = streams
                    .get_shard_iterator()
                    .stream_arn(arn)
                    .shard_id(&shard);
                let start = start.shard_iterator_type(ShardIteratorType::TrimHorizon);
                start.send().await?.shard_iterator
            }
        };
        while let Some(at) = iterator.take() {
            let out = streams.get_records().shard_iterator(&at).send().await?;
            let records = out.records.unwrap_or_default();
            batch.extend(records.iter().filter(|r| fanned_out(r)).map(event_record));
            match (records.is_empty(), out.next_shard_iterator) {
                (false, next) => iterator = next,
                (true, Some(next)) => {
                    read.insert(shard.clone(), next);
                }
                (true, None) => {}
            }
        }
    }
    Ok(batch)
}

/// The batch, filtered, through the fan-out function; a reported failure is
/// retried from that record on.
async fn invoke(app: &Arc<App>, records: &[Record]) {
    let mut batch: Vec<Value> = records
        .iter()
        .filter(|r| fanned_out(r))
        .map(event_record)
        .collect();
    for retry in 0..=RETRIES {
        if batch.is_empty() {
            return;
        }
        let event = fan_out::StreamEvent {
            records: batch.clone(),
        };
        let response = fan_out::handle(app.clone(), event).await;
        let Some(failed) = response.failures.first() else {
            return;
        };
        let sequence =
            |r: &Value| r["dynamodb"]["SequenceNumber"] == failed.item_identifier.as_str();
        let from = batch.iter().position(sequence).unwrap_or(0);
        batch.drain(..from);
        tokio::time::sleep((IDLE * 2u32.pow(retry)).min(LONGEST_WAIT)).await;
    }
    tracing::error!(records = batch.len(), "stream records given up");
}

fn fanned_out(record: &Record) -> bool {
    let keys = record.dynamodb.as_ref().and_then(|d| d.keys.as_ref());
    let sk = keys.and_then(|k| k.get("sk")).and_then(|v| v.as_s().ok());
    sk.is_some_and(|sk| FANNED_OUT.iter().any(|p| sk.starts_with(p)))
}

/// A record as the mapping sends it to Lambda.
fn event_record(record: &Record) -> Value {
    let data = record.dynamodb.as_ref();
    let image = |i: Option<&std::collections::HashMap<String, AttributeValue>>| {
        i.map(|i| Value::Object(i.iter().map(|(k, v)| (k.clone(), dynamo_json(v))).collect()))
    };
    let mut dynamodb = Map::new();
    dynamodb.insert(
        "SequenceNumber".into(),
        json!(data.and_then(|d| d.sequence_number.clone())),
    );
    if let Some(keys) = image(data.and_then(|d| d.keys.as_ref())) {
        dynamodb.insert("Keys".into(), keys);
    }
    if let Some(new) = image(data.and_then(|d| d.new_image.as_ref())) {
        dynamodb.insert("NewImage".into(), new);
    }
    if let Some(old) = image(data.and_then(|d| d.old_image.as_ref())) {
        dynamodb.insert("OldImage".into(), old);
    }
    json!({
        "eventID": record.event_id,
        "eventName": record.event_name.as_ref().map(|n| n.as_str()),
        "eventSource": "aws:dynamodb",
        "dynamodb": dynamodb,
    })
}

/// One attribute value in DynamoDB JSON.
fn dynamo_json(value: &AttributeValue) -> Value {
    match value {
        AttributeValue::S(s) => json!({ "S": s }),
        AttributeValue::N(n) => json!({ "N": n }),
        AttributeValue::Bool(b) => json!({ "BOOL": b }),
        AttributeValue::Ss(s) => json!({ "SS": s }),
        AttributeValue::Ns(n) => json!({ "NS": n }),
        AttributeValue::L(l) => json!({ "L": l.iter().map(dynamo_json).collect::<Vec<_>>() }),
        AttributeValue::M(m) => {
            let map: Map<String, Value> =
                m.iter().map(|(k, v)| (k.clone(), dynamo_json(v))).collect();
            json!({ "M": map })
        }
        _ => json!({ "NULL": true }),
    }
}
