//! Conditional writes that stay right when the SDK retries them. An attempt
//! whose answer comes too late is sent again; if the first one landed, the
//! retry meets its own result and its condition fails. So every conditional
//! put or update stores a fresh write id with the item and asks for the item
//! as it is when the condition fails: finding its own id there, the call
//! knows an earlier attempt of its own landed, and answers as that attempt
//! would have. (Transactions need no id: the SDK gives each call one
//! `ClientRequestToken`, which every retry repeats.)

use aws_sdk_dynamodb::operation::put_item::PutItemError;
use aws_sdk_dynamodb::operation::update_item::builders::UpdateItemFluentBuilder;
use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
use aws_sdk_dynamodb::types::{ReturnValue, ReturnValuesOnConditionCheckFailure};

use super::item::{get_s, s, Item};
use super::keys::TTL;
use super::{unless_lost, DynamoStore};
use think_tank_core::domain::new_id;
use think_tank_core::error::StoreResult;

const WRITE_ID: &str = "write_id";

/// The item a failed condition found, if it carries `id`: this call's own.
fn own_item(found: Option<&Item>, id: &str) -> Option<Item> {
    found
        .filter(|item| get_s(item, WRITE_ID).as_deref() == Some(id))
        .cloned()
}

/// `update` with `SET #write_id = :write_id` added to its `SET` clause.
fn with_write_id(update: &str) -> String {
    match update.strip_prefix("SET ") {
        Some(rest) => format!("SET #write_id = :write_id, {rest}"),
        None => format!("SET #write_id = :write_id {update}")
            .trim_end()
            .to_string(),
    }
}

impl DynamoStore {
    /// A put that may lose its condition: `Ok(false)` then, unless the item
    /// is this call's own (an earlier attempt landed).
    pub(super) async fn put_if(
        &self,
        mut item: Item,
        condition: &str,
        values: Item,
    ) -> StoreResult<bool> {
        let id = new_id();
        item.insert(WRITE_ID.into(), s(&id));
        let mut req = self
            .client()
            .put_item()
            .table_name(self.table())
            .set_item(Some(item))
            .condition_expression(condition)
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld);
        if condition.contains("#ttl") {
            req = req.expression_attribute_names("#ttl", TTL);
        }
        if !values.is_empty() {
            req = req.set_expression_attribute_values(Some(values));
        }
        let result = req.send().await;
        if let Err(e) = &result {
            let found = match e.as_service_error() {
                Some(PutItemError::ConditionalCheckFailedException(c)) => c.item(),
                _ => None,
            };
            if own_item(found, &id).is_some() {
                return Ok(true);
            }
        }
        Ok(unless_lost("dynamodb conditional put", result)?.is_some())
    }

    /// A conditional update: the item as `req`'s `ReturnValues` asks (all of
    /// it, as it is now, when an earlier attempt of this call landed), or
    /// `None` when the condition was lost.
    pub(super) async fn update_if(
        &self,
        req: UpdateItemFluentBuilder,
        context: &'static str,
    ) -> StoreResult<Option<Item>> {
        let id = new_id();
        let update = with_write_id(req.get_update_expression().as_deref().unwrap_or_default());
        let wants_values = req
            .get_return_values()
            .as_ref()
            .is_some_and(|v| *v != ReturnValue::None);
        let result = req
            .update_expression(update)
            .expression_attribute_names("#write_id", WRITE_ID)
            .expression_attribute_values(":write_id", s(&id))
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .send()
            .await;
        if let Err(e) = &result {
            let found = match e.as_service_error() {
                Some(UpdateItemError::ConditionalCheckFailedException(c)) => c.item(),
                _ => None,
            };
            if let Some(item) = own_item(found, &id) {
                return Ok(Some(if wants_values { item } else { Item::new() }));
            }
        }
        let out = unless_lost(context, result)?;
        Ok(out.map(|o| o.attributes.unwrap_or_default()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_write_id_joins_the_set_clause_or_opens_one() {
        assert_eq!(
            with_write_id("SET a = :a REMOVE b"),
            "SET #write_id = :write_id, a = :a REMOVE b"
        );
        assert_eq!(
            with_write_id("ADD n :one"),
            "SET #write_id = :write_id ADD n :one"
        );
        assert_eq!(with_write_id(""), "SET #write_id = :write_id");
    }
}
