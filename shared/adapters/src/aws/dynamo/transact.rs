//! `TransactWriteItems` built from plain writes, answering which of them
//! lost their condition when DynamoDB cancels the transaction.

use std::collections::HashMap;

use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{AttributeValue, Delete, Put, TransactWriteItem, Update};

use super::item::Item;
use super::DynamoStore;
use crate::aws::sdk_error;
use think_tank_core::error::StoreResult;

enum Kind {
    Put(Item),
    Update(Item, String),
    Delete(Item),
}

/// One write of a transaction, with its optional condition.
pub struct Write {
    kind: Kind,
    condition: Option<String>,
    names: HashMap<String, String>,
    values: HashMap<String, AttributeValue>,
}

impl Write {
    fn new(kind: Kind) -> Self {
        Self {
            kind,
            condition: None,
            names: HashMap::new(),
            values: HashMap::new(),
        }
    }

    pub fn put(item: Item) -> Self {
        Self::new(Kind::Put(item))
    }

    /// Puts an item that must not exist yet.
    pub fn put_new(item: Item) -> Self {
        Self::new(Kind::Put(item)).condition("attribute_not_exists(pk)")
    }

    pub fn update(key: Item, expression: &str) -> Self {
        Self::new(Kind::Update(key, expression.to_string()))
    }

    pub fn delete(key: Item) -> Self {
        Self::new(Kind::Delete(key))
    }

    pub fn condition(mut self, condition: &str) -> Self {
        self.condition = Some(condition.to_string());
        self
    }

    pub fn name(mut self, alias: &str, name: &str) -> Self {
        self.names.insert(alias.into(), name.into());
        self
    }

    pub fn value(mut self, alias: &str, value: AttributeValue) -> Self {
        self.values.insert(alias.into(), value);
        self
    }

    fn build(self, table: &str) -> anyhow::Result<TransactWriteItem> {
        let names = (!self.names.is_empty()).then_some(self.names);
        let values = (!self.values.is_empty()).then_some(self.values);
        let item = TransactWriteItem::builder();
        Ok(match self.kind {
            Kind::Put(put) => item.put(
                Put::builder()
                    .table_name(table)
                    .set_item(Some(put))
                    .set_condition_expression(self.condition)
                    .set_expression_attribute_names(names)
                    .set_expression_attribute_values(values)
                    .build()?,
            ),
            Kind::Update(key, expression) => item.update(
                Update::builder()
                    .table_name(table)
                    .set_key(Some(key))
                    .update_expression(expression)
                    .set_condition_expression(self.condition)
                    .set_expression_attribute_names(names)
                    .set_expression_attribute_values(values)
                    .build()?,
            ),
            Kind::Delete(key) => item.delete(
                Delete::builder()
                    .table_name(table)
                    .set_key(Some(key))
                    .set_condition_expression(self.condition)
                    .set_expression_attribute_names(names)
                    .set_expression_attribute_values(values)
                    .build()?,
            ),
        }
        .build())
    }
}

/// The writes of one transaction, applied all or none.
#[derive(Default)]
pub struct Tx(Vec<Write>);

impl Tx {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn with(mut self, write: Write) -> Self {
        self.0.push(write);
        self
    }
}

/// Transactions that collided with another on the same items are tried again
/// this many times in all.
const ATTEMPTS: u32 = 5;

/// Why DynamoDB cancelled a transaction.
enum Cancelled {
    /// Which writes lost their condition.
    Lost(Vec<bool>),
    /// Another transaction held one of the items; nothing was refused.
    Collided,
}

fn cancelled(e: &TransactWriteItemsError) -> Option<Cancelled> {
    let TransactWriteItemsError::TransactionCanceledException(t) = e else {
        return None;
    };
    let reasons = t.cancellation_reasons();
    let lost: Vec<bool> = reasons
        .iter()
        .map(|r| r.code() == Some("ConditionalCheckFailed"))
        .collect();
    if lost.contains(&true) {
        Some(Cancelled::Lost(lost))
    } else if reasons
        .iter()
        .any(|r| r.code() == Some("TransactionConflict"))
    {
        Some(Cancelled::Collided)
    } else {
        None
    }
}

impl DynamoStore {
    /// Applies `tx`; `Some(lost)` when a condition refused it, with one flag per write.
    pub(super) async fn transact(
        &self,
        tx: Tx,
        context: &'static str,
    ) -> StoreResult<Option<Vec<bool>>> {
        let items =
            tx.0.into_iter()
                .map(|w| w.build(self.table()))
                .collect::<anyhow::Result<Vec<_>>>()?;
        let mut attempt = 1;
        loop {
            let result = self
                .client()
                .transact_write_items()
                .set_transact_items(Some(items.clone()))
                .send()
                .await;
            let Err(e) = result else {
                return Ok(None);
            };
            match e.as_service_error().and_then(cancelled) {
                Some(Cancelled::Lost(lost)) => return Ok(Some(lost)),
                Some(Cancelled::Collided) if attempt < ATTEMPTS => {
                    tokio::time::sleep(std::time::Duration::from_millis(10 * u64::from(attempt)))
                        .await;
                    attempt += 1;
                }
                _ => return Err(sdk_error(context, e)),
            }
        }
    }
}
