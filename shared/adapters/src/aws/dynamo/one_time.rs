//! Single-use secrets and fixed-window rate-limit counters.

use std::collections::HashMap;

use async_trait::async_trait;
use aws_sdk_dynamodb::types::ReturnValue;

use super::item::*;
use super::keys::{self, TTL};
use super::{sdk_error, DynamoStore};
use think_tank_core::clock::UnixSecs;
use think_tank_core::error::StoreResult;
use think_tank_core::ports::{OneTimeStore, RateLimitStore};

#[async_trait]
impl OneTimeStore for DynamoStore {
    async fn put_once(
        &self,
        purpose: &str,
        k: &str,
        subject: &str,
        expires_at: UnixSecs,
        now: UnixSecs,
    ) -> StoreResult<bool> {
        let mut item = keys::one_time(purpose, k);
        item.insert("subject".into(), s(subject));
        item.insert(TTL.into(), n(expires_at));
        let values = HashMap::from([(":now".to_string(), n(now))]);
        self.put_if(item, "attribute_not_exists(pk) OR #ttl <= :now", values)
            .await
    }

    /// Marks the entry taken (it stays until its TTL), so that a retry of a
    /// take that landed still finds it, as its own.
    async fn take(&self, purpose: &str, k: &str, now: UnixSecs) -> StoreResult<Option<String>> {
        let req = self
            .client()
            .update_item()
            .table_name(self.table())
            .set_key(Some(keys::one_time(purpose, k)))
            .update_expression("SET taken = :taken")
            .condition_expression("attribute_exists(pk) AND attribute_not_exists(taken)")
            .expression_attribute_values(":taken", b(true))
            .return_values(ReturnValue::AllNew);
        let taken = self.update_if(req, "dynamodb take").await?;
        Ok(taken
            .filter(|i| is_live(i, now))
            .and_then(|i| get_s(&i, "subject")))
    }

    async fn contains(&self, purpose: &str, k: &str, now: UnixSecs) -> StoreResult<bool> {
        let item = self.get(keys::one_time(purpose, k)).await?;
        Ok(item
            .as_ref()
            .is_some_and(|i| is_live(i, now) && !get_b(i, "taken")))
    }

    async fn replace(
        &self,
        purpose: &str,
        k: &str,
        subject: &str,
        expires_at: UnixSecs,
    ) -> StoreResult<()> {
        let mut item = keys::one_time(purpose, k);
        item.insert("subject".into(), s(subject));
        item.insert(TTL.into(), n(expires_at));
        self.put(item).await
    }

    async fn take_if(
        &self,
        purpose: &str,
        k: &str,
        subject: &str,
        now: UnixSecs,
    ) -> StoreResult<bool> {
        let req = self
            .client()
            .update_item()
            .table_name(self.table())
            .set_key(Some(keys::one_time(purpose, k)))
            .update_expression("SET taken = :taken")
            .condition_expression(
                "subject = :subject AND #ttl > :now AND attribute_not_exists(taken)",
            )
            .expression_attribute_names("#ttl", TTL)
            .expression_attribute_values(":subject", s(subject))
            .expression_attribute_values(":now", n(now))
            .expression_attribute_values(":taken", b(true));
        Ok(self.update_if(req, "dynamodb take if").await?.is_some())
    }
}

#[async_trait]
impl RateLimitStore for DynamoStore {
    async fn hit(&self, k: &str, window_start: UnixSecs, window_seconds: i64) -> StoreResult<u32> {
        let out = self
            .client()
            .update_item()
            .table_name(self.table())
            .set_key(Some(keys::rate_window(k, window_start)))
            .update_expression("ADD hits :one SET #ttl = :ttl")
            .expression_attribute_names("#ttl", TTL)
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":ttl", n(window_start + window_seconds * 2))
            .return_values(ReturnValue::UpdatedNew)
            .send()
            .await
            .map_err(|e| sdk_error("dynamodb rate hit", e))?;
        Ok(out.attributes.and_then(|a| get_n(&a, "hits")).unwrap_or(1) as u32)
    }
}
