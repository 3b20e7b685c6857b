//! Security events: one user's in their own partition, everyone's through `gsi1`.

use anyhow::Context;
use async_trait::async_trait;
use think_tank_core::domain::UserId;

use super::item::*;
use super::keys::{self, GSI1, TTL};
use super::DynamoStore;
use aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder;
use think_tank_core::clock::UnixSecs;
use think_tank_core::domain::{AuditEvent, AuditType, Page};
use think_tank_core::error::StoreResult;
use think_tank_core::ports::AuditStore;

fn audit_to_item(e: &AuditEvent, expires_at: UnixSecs) -> Item {
    let mut item = key(keys::audit_pk(e.user_id.as_deref(), &e.id), e.id.clone());
    item.extend([
        ("type".into(), s(e.kind.as_str())),
        ("at".into(), n(e.at)),
        ("detail".into(), s(e.detail.to_string())),
        (TTL.into(), n(expires_at)),
    ]);
    item.extend(keys::index_entry(GSI1, &keys::audit_shard(&e.id), &e.id));
    put_opt(&mut item, "user_id", &e.user_id);
    put_opt(&mut item, "ip_hash", &e.ip_hash);
    put_opt(&mut item, "user_agent", &e.user_agent);
    item
}

fn audit_from_item(item: &Item) -> anyhow::Result<AuditEvent> {
    let kind = require_s(item, "type")?;
    let detail = get_s(item, "detail").unwrap_or_else(|| "{}".into());
    Ok(AuditEvent {
        id: require_s(item, "sk")?,
        kind: AuditType::parse(&kind).with_context(|| format!("audit type {kind:?}"))?,
        user_id: get_s(item, "user_id").map(Into::into),
        ip_hash: get_s(item, "ip_hash"),
        user_agent: get_s(item, "user_agent"),
        at: require_time(item, "at")?,
        detail: serde_json::from_str(&detail).unwrap_or_default(),
    })
}

/// Positions are `pk|sk`, because a GSI start key needs the table key too.
fn position(item: &Item) -> Option<String> {
    Some(format!("{}|{}", get_s(item, "pk")?, get_s(item, "sk")?))
}

#[async_trait]
impl AuditStore for DynamoStore {
    async fn record_event(&self, e: &AuditEvent, expires_at: UnixSecs) -> StoreResult<()> {
        self.put(audit_to_item(e, expires_at)).await
    }

    async fn list_events(
        &self,
        user_id: Option<&UserId>,
        after: Option<&str>,
        limit: usize,
        now: UnixSecs,
    ) -> StoreResult<Page<AuditEvent>> {
        let live = |req: QueryFluentBuilder| {
            req.filter_expression("#ttl > :now")
                .expression_attribute_names("#ttl", TTL)
                .expression_attribute_values(":now", n(now))
        };
        let (items, next) = match user_id {
            Some(u) => {
                let start = after
                    .and_then(|p| p.split_once('|'))
                    .map(|(pk, sk)| key(pk, sk));
                let req = self
                    .query()
                    .key_condition_expression("pk = :pk")
                    .expression_attribute_values(":pk", s(keys::audit_pk(Some(u), "")))
                    .scan_index_forward(false)
                    .set_exclusive_start_key(start);
                self.query_page(live(req), limit, position).await?
            }
            None => {
                let shards = keys::audit_partitions();
                self.query_sharded(GSI1, &shards, after, limit, live)
                    .await?
            }
        };
        let items = items
            .iter()
            .map(audit_from_item)
            .collect::<anyhow::Result<Vec<_>>>()?;
        Ok(Page { items, next })
    }
}
