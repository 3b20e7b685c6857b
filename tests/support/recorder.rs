//! Records every AWS SDK call a client makes (service, operation and, for
//! DynamoDB queries, the index), through an interceptor the SDK runs before
//! each call. One recorder can watch every client of an `AwsClients`. It
//! also asks DynamoDB for the capacity each call consumed and notes it.

use std::sync::{Arc, Mutex};

use adapters::aws::AwsClients;
use aws_sdk_dynamodb::config::interceptors::{
    AfterDeserializationInterceptorContextRef, BeforeSerializationInterceptorContextMut,
    BeforeSerializationInterceptorContextRef,
};
use aws_sdk_dynamodb::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_dynamodb::error::BoxError;
use aws_sdk_dynamodb::operation::batch_write_item::BatchWriteItemInput;
use aws_sdk_dynamodb::operation::delete_item::DeleteItemInput;
use aws_sdk_dynamodb::operation::put_item::PutItemInput;
use aws_sdk_dynamodb::operation::query::QueryInput;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsInput;
use aws_sdk_dynamodb::operation::update_item::UpdateItemInput;
use aws_sdk_dynamodb::types::AttributeValue;
use aws_sdk_s3::operation::copy_object::CopyObjectInput;
use aws_sdk_s3::operation::delete_object::DeleteObjectInput;
use aws_sdk_s3::operation::get_object::GetObjectInput;
use aws_sdk_s3::operation::head_object::HeadObjectInput;
use aws_smithy_runtime_api::client::interceptors::context::Input;
use aws_smithy_runtime_api::client::orchestrator::Metadata;

/// One SDK call.
#[derive(Clone, Debug, PartialEq)]
pub struct Call {
    /// As the SDK names it: `DynamoDB`, `SQS`, `S3`…
    pub service: String,
    pub operation: String,
    /// What the call names inside the service: the index of a DynamoDB
    /// `Query`, the object key of an S3 call.
    pub target: Option<String>,
    /// The source object (`bucket/key`) of an S3 `CopyObject`.
    pub source: Option<String>,
    /// Every partition key a DynamoDB write touches: the table's `pk` and,
    /// for a put, the index partitions (`gsiNpk`) of the item.
    pub partitions: Vec<String>,
    /// The capacity units a DynamoDB call consumed, as the service reports
    /// them (`ReturnConsumedCapacity`); `None` for other services and for a
    /// call that failed.
    pub units: Option<f64>,
    /// When the call started and when its answer was read.
    pub started: std::time::Instant,
    pub ended: Option<std::time::Instant>,
}

/// The round trips on the critical path of `calls`: the longest chain of
/// calls each of which started only after the one before it ended. Calls
/// made at once count as one.
pub fn round_trips(calls: &[Call]) -> usize {
    let mut calls: Vec<&Call> = calls.iter().collect();
    calls.sort_by_key(|c| c.started);
    let mut depth: Vec<usize> = Vec::with_capacity(calls.len());
    for (i, call) in calls.iter().enumerate() {
        let before = calls[..i]
            .iter()
            .zip(&depth)
            .filter(|(c, _)| c.ended.is_some_and(|end| end <= call.started))
            .map(|(_, d)| *d)
            .max()
            .unwrap_or(0);
        depth.push(before + 1);
    }
    depth.into_iter().max().unwrap_or(0)
}

#[derive(Clone, Debug, Default)]
pub struct Recorder(Arc<Mutex<Calls>>);

#[derive(Debug, Default)]
struct Calls {
    calls: Vec<Call>,
    /// Bumped by every `take`, so a call still in flight across a `take`
    /// does not write its units into a later call's place.
    epoch: u64,
}

/// Where a call's record is, kept in the call's own configuration bag.
#[derive(Clone, Debug)]
struct Slot {
    epoch: u64,
    index: usize,
}

impl aws_smithy_types::config_bag::Storable for Slot {
    type Storer = aws_smithy_types::config_bag::StoreReplace<Self>;
}

impl Recorder {
    /// The calls recorded since the last `take`.
    pub fn take(&self) -> Vec<Call> {
        let mut calls = self.0.lock().unwrap();
        calls.epoch += 1;
        std::mem::take(&mut calls.calls)
    }

    /// How many calls were recorded since the last `take`.
    pub fn count(&self) -> usize {
        self.0.lock().unwrap().calls.len()
    }

    /// The operation names, and the round trips they took one after another.
    pub fn take_profile(&self) -> (Vec<String>, usize) {
        let calls = self.take();
        let trips = round_trips(&calls);
        (calls.into_iter().map(|c| c.operation).collect(), trips)
    }

    /// The operation names alone, for one service.
    pub fn take_operations(&self) -> Vec<String> {
        self.take().into_iter().map(|c| c.operation).collect()
    }

    /// The same clients, each reporting its calls here.
    pub fn watch(&self, clients: &AwsClients) -> AwsClients {
        let dynamodb = clients.dynamodb().config().to_builder();
        let sqs = clients.sqs().config().to_builder();
        let sns = clients.sns().config().to_builder();
        let s3 = clients.s3().config().to_builder();
        clients
            .clone()
            .with_dynamodb(aws_sdk_dynamodb::Client::from_conf(
                dynamodb.interceptor(self.clone()).build(),
            ))
            .with_sqs(aws_sdk_sqs::Client::from_conf(
                sqs.interceptor(self.clone()).build(),
            ))
            .with_sns(aws_sdk_sns::Client::from_conf(
                sns.interceptor(self.clone()).build(),
            ))
            .with_s3(aws_sdk_s3::Client::from_conf(
                s3.interceptor(self.clone()).build(),
            ))
    }
}

/// The object key of an S3 call on one object.
fn object_key(input: &Input) -> Option<&str> {
    let head = || input.downcast_ref::<HeadObjectInput>()?.key();
    let get = || input.downcast_ref::<GetObjectInput>()?.key();
    let delete = || input.downcast_ref::<DeleteObjectInput>()?.key();
    let copy = || input.downcast_ref::<CopyObjectInput>()?.key();
    head().or_else(get).or_else(delete).or_else(copy)
}

/// The item operations inside a `TransactWriteItems`, e.g. `PutItem,DeleteItem`:
/// IAM checks each of them, not the transaction.
fn transaction_actions(input: &Input) -> Option<String> {
    let items = input
        .downcast_ref::<TransactWriteItemsInput>()?
        .transact_items();
    let actions: Vec<&str> = items
        .iter()
        .filter_map(|i| {
            (i.put().is_some().then_some("PutItem"))
                .or(i.delete().is_some().then_some("DeleteItem"))
                .or(i.update().is_some().then_some("UpdateItem"))
                .or(i
                    .condition_check()
                    .is_some()
                    .then_some("ConditionCheckItem"))
        })
        .collect();
    Some(actions.join(","))
}

type Item = std::collections::HashMap<String, AttributeValue>;

/// The partition keys a DynamoDB write names, with a put item's index keys.
fn written_partitions(input: &Input) -> Vec<String> {
    let keyed = |key: Option<&Item>| partitions_of(key, &["pk"]);
    let put = |item: Option<&Item>| partitions_of(item, &["pk", "gsi1pk", "gsi2pk", "gsi3pk"]);
    if let Some(i) = input.downcast_ref::<PutItemInput>() {
        return put(i.item());
    }
    if let Some(i) = input.downcast_ref::<UpdateItemInput>() {
        return keyed(i.key());
    }
    if let Some(i) = input.downcast_ref::<DeleteItemInput>() {
        return keyed(i.key());
    }
    if let Some(i) = input.downcast_ref::<BatchWriteItemInput>() {
        let requests = i
            .request_items()
            .into_iter()
            .flat_map(|m| m.values().flatten());
        return requests
            .flat_map(|r| {
                let mut all = put(r.put_request().map(|p| p.item()));
                all.extend(keyed(r.delete_request().map(|d| d.key())));
                all
            })
            .collect();
    }
    let Some(t) = input.downcast_ref::<TransactWriteItemsInput>() else {
        return Vec::new();
    };
    t.transact_items()
        .iter()
        .flat_map(|w| {
            let mut all = put(w.put().map(|p| p.item()));
            all.extend(keyed(w.update().map(|u| u.key())));
            all.extend(keyed(w.delete().map(|d| d.key())));
            all.extend(keyed(w.condition_check().map(|c| c.key())));
            all
        })
        .collect()
}

fn partitions_of(item: Option<&Item>, names: &[&str]) -> Vec<String> {
    let Some(item) = item else {
        return Vec::new();
    };
    names
        .iter()
        .filter_map(|n| item.get(*n)?.as_s().ok().cloned())
        .collect()
}

impl Intercept for Recorder {
    fn name(&self) -> &'static str {
        "call recorder"
    }

    fn modify_before_serialization(
        &self,
        context: &mut BeforeSerializationInterceptorContextMut<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        super::capacity_units::ask_for_units(context.input_mut());
        Ok(())
    }

    fn read_after_deserialization(
        &self,
        context: &AfterDeserializationInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let Some(slot) = cfg.load::<Slot>() else {
            return Ok(());
        };
        let units = context
            .output_or_error()
            .ok()
            .and_then(super::capacity_units::units_of);
        let mut calls = self.0.lock().unwrap();
        if calls.epoch == slot.epoch {
            let call = &mut calls.calls[slot.index];
            call.units = units;
            call.ended = Some(std::time::Instant::now());
        }
        Ok(())
    }

    fn read_before_serialization(
        &self,
        context: &BeforeSerializationInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let Some(meta) = cfg.load::<Metadata>() else {
            return Ok(());
        };
        let input = context.input();
        let target = input
            .downcast_ref::<QueryInput>()
            .and_then(|q| q.index_name().map(str::to_string))
            .or_else(|| object_key(input).map(str::to_string))
            .or_else(|| transaction_actions(input));
        let source = input
            .downcast_ref::<CopyObjectInput>()
            .and_then(|i| i.copy_source());
        let call = Call {
            service: meta.service().to_string(),
            operation: meta.name().to_string(),
            target,
            source: source.map(str::to_string),
            partitions: written_partitions(input),
            units: None,
            started: std::time::Instant::now(),
            ended: None,
        };
        let mut calls = self.0.lock().unwrap();
        let slot = Slot {
            epoch: calls.epoch,
            index: calls.calls.len(),
        };
        calls.calls.push(call);
        cfg.interceptor_state().store_put(slot);
        Ok(())
    }
}
