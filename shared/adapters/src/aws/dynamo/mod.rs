//! One DynamoDB table for every item kind; `infra/table-design.md` lists each
//! access pattern and `keys` the key that serves it. Every read checks expiry
//! itself. One file per entity; this one holds the calls they share.

mod attempts;
mod audit;
mod connections;
mod files;
mod identities;
pub(crate) mod item;
pub mod keys;
mod mfa;
mod one_time;
mod own_writes;
mod sessions;
mod sharded;
mod tasks;
mod transact;
mod users;
mod workspaces;

pub mod changes;

use async_trait::async_trait;
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder;
use aws_sdk_dynamodb::types::ReturnValue;
use aws_sdk_dynamodb::Client;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;

use super::{is_lost_condition, sdk_error};
use item::{get_s, key, Item};
use keys::Index;
use think_tank_core::error::StoreResult;
use think_tank_core::ports::Probe;

pub struct DynamoStore {
    client: Client,
    table: String,
}

impl DynamoStore {
    pub fn new(client: Client, table: &str) -> Self {
        Self {
            client,
            table: table.to_string(),
        }
    }

    fn client(&self) -> &Client {
        &self.client
    }

    fn table(&self) -> &str {
        &self.table
    }

    async fn get(&self, key: Item) -> StoreResult<Option<Item>> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| sdk_error("dynamodb get", e))?;
        Ok(out.item)
    }

    async fn put(&self, item: Item) -> StoreResult<()> {
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .send()
            .await
            .map_err(|e| sdk_error("dynamodb put", e))?;
        Ok(())
    }

    /// Deletes the item and returns it as it was, if there was one.
    async fn delete(&self, key: Item) -> StoreResult<Option<Item>> {
        let out = self
            .client
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(key))
            .return_values(ReturnValue::AllOld)
            .send()
            .await
            .map_err(|e| sdk_error("dynamodb delete", e))?;
        Ok(out.attributes)
    }

    fn query(&self) -> QueryFluentBuilder {
        self.client.query().table_name(&self.table)
    }

    /// A query on `index` for one partition value, newest first.
    fn query_index(&self, index: Index, pk: &str) -> QueryFluentBuilder {
        self.query()
            .index_name(index.name)
            .key_condition_expression(format!("{} = :pk", index.pk))
            .expression_attribute_values(":pk", item::s(pk))
            .scan_index_forward(false)
    }

    /// Every item of partition `pk` whose sort key starts with `prefix`.
    async fn query_prefix(&self, pk: String, prefix: &str) -> StoreResult<Vec<Item>> {
        let req = self
            .query()
            .key_condition_expression("pk = :pk AND begins_with(sk, :prefix)")
            .expression_attribute_values(":pk", item::s(pk))
            .expression_attribute_values(":prefix", item::s(prefix))
            .consistent_read(true);
        self.query_all(req).await
    }

    /// Every item the query matches, through the SDK's paginator.
    async fn query_all(&self, req: QueryFluentBuilder) -> StoreResult<Vec<Item>> {
        req.into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>()
            .await
            .map_err(|e| sdk_error("dynamodb query", e))
    }

    /// One page of `limit` matching items, the same whether or not the query
    /// filters: DynamoDB applies `Limit` before the filter, so this reads on
    /// until the page is full, and looks one item ahead so that the last page
    /// has no `next`.
    async fn query_page(
        &self,
        req: QueryFluentBuilder,
        limit: usize,
        position: impl Fn(&Item) -> Option<String>,
    ) -> StoreResult<(Vec<Item>, Option<String>)> {
        let mut items: Vec<Item> = Vec::new();
        let mut start = req.get_exclusive_start_key().clone();
        loop {
            let wanted = limit + 1 - items.len();
            let out = req
                .clone()
                .limit(wanted as i32)
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(|e| sdk_error("dynamodb query page", e))?;
            items.extend(out.items.unwrap_or_default());
            start = out.last_evaluated_key;
            if items.len() > limit || start.is_none() {
                break;
            }
        }
        let more = items.len() > limit;
        items.truncate(limit);
        let next = more.then(|| items.last().and_then(&position)).flatten();
        Ok((items, next))
    }
}

/// The start key of a listing on `index` that resumes after the item with
/// `table_key` and index sort key `sk`.
fn start_after(table_key: Item, index: Index, index_pk: &str, sk: &str) -> Item {
    let mut start = table_key;
    start.extend(keys::index_entry(index, index_pk, sk));
    start
}

/// A position that is the item's sort key on `index`.
fn index_sk(index: Index) -> impl Fn(&Item) -> Option<String> {
    move |item| get_s(item, index.sk)
}

/// A conditional call that lost its condition is `None`, not an error.
fn unless_lost<T, E>(
    context: &'static str,
    result: Result<T, SdkError<E, HttpResponse>>,
) -> StoreResult<Option<T>>
where
    E: std::error::Error + aws_sdk_dynamodb::error::ProvideErrorMetadata + Send + Sync + 'static,
{
    match result {
        Ok(out) => Ok(Some(out)),
        Err(e) if is_lost_condition(&e) => Ok(None),
        Err(e) => Err(sdk_error(context, e)),
    }
}

#[async_trait]
impl Probe for DynamoStore {
    async fn ping(&self) -> StoreResult<()> {
        self.get(key(keys::HEALTH, keys::HEALTH)).await.map(|_| ())
    }
}
