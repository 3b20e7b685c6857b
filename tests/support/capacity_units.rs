//! Asks each DynamoDB call for the capacity it consumes and reads the
//! answer: DynamoDB Local computes it as the service does (item sizes rounded
//! up, index writes, transactions at double price).

use aws_sdk_dynamodb::operation::batch_get_item::{BatchGetItemInput, BatchGetItemOutput};
use aws_sdk_dynamodb::operation::batch_write_item::{BatchWriteItemInput, BatchWriteItemOutput};
use aws_sdk_dynamodb::operation::delete_item::{DeleteItemInput, DeleteItemOutput};
use aws_sdk_dynamodb::operation::get_item::{GetItemInput, GetItemOutput};
use aws_sdk_dynamodb::operation::put_item::{PutItemInput, PutItemOutput};
use aws_sdk_dynamodb::operation::query::{QueryInput, QueryOutput};
use aws_sdk_dynamodb::operation::scan::{ScanInput, ScanOutput};
use aws_sdk_dynamodb::operation::transact_get_items::{
    TransactGetItemsInput, TransactGetItemsOutput,
};
use aws_sdk_dynamodb::operation::transact_write_items::{
    TransactWriteItemsInput, TransactWriteItemsOutput,
};
use aws_sdk_dynamodb::operation::update_item::{UpdateItemInput, UpdateItemOutput};
use aws_sdk_dynamodb::types::{ConsumedCapacity, ReturnConsumedCapacity};
use aws_smithy_runtime_api::client::interceptors::context::{Input, Output};

/// Sets `ReturnConsumedCapacity = TOTAL` on a DynamoDB input; other inputs
/// are left alone.
pub fn ask_for_units(input: &mut Input) {
    macro_rules! total {
        ($($input:ty),*) => {$(
            if let Some(i) = input.downcast_mut::<$input>() {
                i.return_consumed_capacity = Some(ReturnConsumedCapacity::Total);
                return;
            }
        )*};
    }
    total!(
        GetItemInput,
        PutItemInput,
        UpdateItemInput,
        DeleteItemInput,
        QueryInput,
        ScanInput,
        BatchGetItemInput,
        BatchWriteItemInput,
        TransactGetItemsInput,
        TransactWriteItemsInput
    );
}

/// The capacity units a DynamoDB output reports, all tables together.
pub fn units_of(output: &Output) -> Option<f64> {
    let sum = |all: &[ConsumedCapacity]| Some(all.iter().filter_map(|c| c.capacity_units).sum());
    macro_rules! single {
        ($($output:ty),*) => {$(
            if let Some(o) = output.downcast_ref::<$output>() {
                return o.consumed_capacity().and_then(|c| c.capacity_units);
            }
        )*};
    }
    macro_rules! many {
        ($($output:ty),*) => {$(
            if let Some(o) = output.downcast_ref::<$output>() {
                return sum(o.consumed_capacity());
            }
        )*};
    }
    single!(
        GetItemOutput,
        PutItemOutput,
        UpdateItemOutput,
        DeleteItemOutput,
        QueryOutput,
        ScanOutput
    );
    many!(
        BatchGetItemOutput,
        BatchWriteItemOutput,
        TransactGetItemsOutput,
        TransactWriteItemsOutput
    );
    None
}
