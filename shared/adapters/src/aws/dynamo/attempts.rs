//! The lockout count per email: one item, changed only by conditional writes.
//! The common case (no lock, below the threshold) is one `UpdateItem`; a lapsed
//! lock or an expired item is reset by a put conditioned on its `version`.

use async_trait::async_trait;
use aws_sdk_dynamodb::types::ReturnValue;

use super::item::*;
use super::keys::{self, TTL};
use super::{sdk_error, DynamoStore};
use think_tank_core::clock::UnixSecs;
use think_tank_core::domain::{Email, LoginAttempts, Reservation};
use think_tank_core::error::StoreResult;
use think_tank_core::ports::AttemptStore;

/// Lost races on the reset path before answering `Exhausted` (never an error).
const RESET_ROUNDS: usize = 4;

/// The stored state, or a fresh one when the item is absent or expired.
fn live_state(item: Option<&Item>, now: UnixSecs) -> LoginAttempts {
    item.filter(|i| is_live(i, now))
        .map(|i| LoginAttempts {
            failures: get_n(i, "failures").unwrap_or(0) as u32,
            locked_until: get_n(i, "locked_until").map(UnixSecs),
        })
        .unwrap_or_default()
}

impl DynamoStore {
    /// The fast path: counts one attempt unless locked, expired or at the threshold.
    async fn count_attempt(
        &self,
        email: &Email,
        threshold: u32,
        now: UnixSecs,
    ) -> StoreResult<Option<u32>> {
        let req = self
            .client()
            .update_item()
            .table_name(self.table())
            .set_key(Some(keys::attempts(email)))
            .update_expression(
                "SET failures = if_not_exists(failures, :zero) + :one, #ttl = :ttl ADD version :one",
            )
            .condition_expression(
                "attribute_not_exists(pk) OR (attribute_not_exists(locked_until) \
                 AND failures < :threshold AND #ttl > :now)",
            )
            .expression_attribute_names("#ttl", TTL)
            .expression_attribute_values(":zero", n(0))
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":threshold", n(threshold as i64))
            .expression_attribute_values(":now", n(now))
            .expression_attribute_values(":ttl", n(LoginAttempts::expiry(now, None)))
            .return_values(ReturnValue::UpdatedNew);
        let counted = self.update_if(req, "dynamodb count attempt").await?;
        Ok(counted
            .and_then(|a| get_n(&a, "failures"))
            .map(|f| f as u32))
    }

    /// Replaces a lapsed or expired state with `next`, if nobody changed it since `version`.
    async fn reset_attempts(
        &self,
        email: &Email,
        next: &LoginAttempts,
        version: Option<i64>,
        now: UnixSecs,
    ) -> StoreResult<bool> {
        let mut item = keys::attempts(email);
        item.insert("failures".into(), n(next.failures as i64));
        item.insert("version".into(), n(version.unwrap_or(0) + 1));
        item.insert(TTL.into(), n(LoginAttempts::expiry(now, None)));
        let (condition, values) = match version {
            None => ("attribute_not_exists(pk)", Item::new()),
            Some(v) => ("version = :v", Item::from([(":v".to_string(), n(v))])),
        };
        self.put_if(item, condition, values).await
    }
}

#[async_trait]
impl AttemptStore for DynamoStore {
    async fn reserve_attempt(
        &self,
        email: &Email,
        threshold: u32,
        now: UnixSecs,
    ) -> StoreResult<Reservation> {
        for _ in 0..RESET_ROUNDS {
            if let Some(number) = self.count_attempt(email, threshold, now).await? {
                return Ok(Reservation::Granted { number });
            }
            let item = self.get(keys::attempts(email)).await?;
            let version = item.as_ref().and_then(|i| get_n(i, "version"));
            let (next, answer) = live_state(item.as_ref(), now).reserve(threshold, now);
            if !matches!(answer, Reservation::Granted { .. }) {
                return Ok(answer);
            }
            if self.reset_attempts(email, &next, version, now).await? {
                return Ok(answer);
            }
        }
        Ok(Reservation::Exhausted)
    }

    async fn start_lock(
        &self,
        email: &Email,
        threshold: u32,
        until: UnixSecs,
        now: UnixSecs,
    ) -> StoreResult<bool> {
        let req = self
            .client()
            .update_item()
            .table_name(self.table())
            .set_key(Some(keys::attempts(email)))
            .update_expression("SET locked_until = :until, #ttl = :ttl ADD version :one")
            .condition_expression("failures >= :threshold AND attribute_not_exists(locked_until)")
            .expression_attribute_names("#ttl", TTL)
            .expression_attribute_values(":until", n(until))
            .expression_attribute_values(":ttl", n(LoginAttempts::expiry(now, Some(until))))
            .expression_attribute_values(":threshold", n(threshold as i64))
            .expression_attribute_values(":one", n(1));
        Ok(self.update_if(req, "dynamodb start lock").await?.is_some())
    }

    async fn clear_attempts(&self, email: &Email) -> StoreResult<()> {
        self.delete(keys::attempts(email)).await.map(|_| ())
    }

    async fn release_attempt(&self, email: &Email) -> StoreResult<()> {
        let req = self
            .client()
            .update_item()
            .table_name(self.table())
            .set_key(Some(keys::attempts(email)))
            .update_expression("ADD failures :minus_one, version :one")
            .condition_expression("failures > :zero AND attribute_not_exists(locked_until)")
            .expression_attribute_values(":minus_one", n(-1))
            .expression_attribute_values(":zero", n(0))
            .expression_attribute_values(":one", n(1));
        self.update_if(req, "dynamodb release attempt")
            .await
            .map(|_| ())
    }

    async fn lock_until(&self, email: &Email, until: UnixSecs, now: UnixSecs) -> StoreResult<()> {
        self.client()
            .update_item()
            .table_name(self.table())
            .set_key(Some(keys::attempts(email)))
            .update_expression(
                "SET failures = :zero, locked_until = :until, #ttl = :ttl ADD version :one",
            )
            .expression_attribute_names("#ttl", TTL)
            .expression_attribute_values(":zero", n(0))
            .expression_attribute_values(":until", n(until))
            .expression_attribute_values(":ttl", n(LoginAttempts::expiry(now, Some(until))))
            .expression_attribute_values(":one", n(1))
            .send()
            .await
            .map_err(|e| sdk_error("dynamodb lock", e))?;
        Ok(())
    }
}
