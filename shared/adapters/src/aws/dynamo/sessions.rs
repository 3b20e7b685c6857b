//! Sessions beside their user, and the access-token blacklist.

use std::collections::HashMap;
use think_tank_core::domain::{SessionId, UserId};

use async_trait::async_trait;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue};

use super::item::*;
use super::keys::{self, TTL};
use super::DynamoStore;
use think_tank_core::clock::UnixSecs;
use think_tank_core::domain::{LiveJti, Session};
use think_tank_core::error::StoreResult;
use think_tank_core::ports::{RevocationStore, SessionStore};

fn session_to_item(sn: &Session) -> Item {
    let mut item = keys::session(&sn.user_id, &sn.id);
    let jtis: HashMap<String, AttributeValue> = sn
        .access_jtis
        .iter()
        .map(|j| (j.jti.clone(), n(j.expires_at)))
        .collect();
    item.extend([
        ("session_id".into(), s(&sn.id)),
        ("user_id".into(), s(&sn.user_id)),
        ("refresh_hash".into(), s(&sn.refresh_hash)),
        (
            "rotated".into(),
            AttributeValue::L(sn.rotated_hashes.iter().map(s).collect()),
        ),
        ("jtis".into(), AttributeValue::M(jtis)),
        ("created_at".into(), n(sn.created_at)),
        ("last_used_at".into(), n(sn.last_used_at)),
        ("expires_at".into(), n(sn.expires_at)),
        ("absolute_expires_at".into(), n(sn.absolute_expires_at)),
        ("revoked".into(), b(sn.revoked)),
        ("authenticated_at".into(), n(sn.authenticated_at)),
        (
            "credential_generation".into(),
            n(sn.credential_generation as i64),
        ),
        (TTL.into(), n(sn.expires_at)),
    ]);
    put_opt(&mut item, "device_name", &sn.device_name);
    put_opt(&mut item, "user_agent", &sn.user_agent);
    item
}

fn live_jtis(item: &Item) -> Vec<LiveJti> {
    let mut jtis: Vec<LiveJti> = item
        .get("jtis")
        .and_then(|v| v.as_m().ok())
        .map(|m| {
            m.iter()
                .filter_map(|(jti, exp)| {
                    let expires_at = UnixSecs(exp.as_n().ok()?.parse().ok()?);
                    Some(LiveJti {
                        jti: jti.clone(),
                        expires_at,
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    jtis.sort_by(|a, b| (a.expires_at, &a.jti).cmp(&(b.expires_at, &b.jti)));
    jtis
}

fn session_from_item(item: &Item) -> anyhow::Result<Session> {
    Ok(Session {
        id: require_s(item, "session_id")?.into(),
        user_id: require_s(item, "user_id")?.into(),
        refresh_hash: require_s(item, "refresh_hash")?,
        rotated_hashes: get_list_s(item, "rotated"),
        access_jtis: live_jtis(item),
        device_name: get_s(item, "device_name"),
        user_agent: get_s(item, "user_agent"),
        created_at: require_time(item, "created_at")?,
        last_used_at: require_time(item, "last_used_at")?,
        expires_at: require_time(item, "expires_at")?,
        absolute_expires_at: require_time(item, "absolute_expires_at")?,
        revoked: get_b(item, "revoked"),
        // Sessions from before sudo mode count as signed in long ago.
        authenticated_at: get_n(item, "authenticated_at").map_or(UnixSecs(0), UnixSecs),
        credential_generation: get_n(item, "credential_generation").unwrap_or(0) as u64,
    })
}

#[async_trait]
impl SessionStore for DynamoStore {
    async fn create_session(&self, session: &Session) -> StoreResult<()> {
        self.put(session_to_item(session)).await
    }

    async fn session(
        &self,
        user_id: &UserId,
        session_id: &SessionId,
    ) -> StoreResult<Option<Session>> {
        let item = self.get(keys::session(user_id, session_id)).await?;
        Ok(item.as_ref().map(session_from_item).transpose()?)
    }

    async fn sessions_of(&self, user_id: &UserId) -> StoreResult<Vec<Session>> {
        let (pk, prefix) = keys::sessions_of(user_id);
        let items = self.query_prefix(pk, prefix).await?;
        Ok(items
            .iter()
            .map(session_from_item)
            .collect::<anyhow::Result<_>>()?)
    }

    async fn replace_session_if(
        &self,
        session: &Session,
        expected_hash: &str,
    ) -> StoreResult<bool> {
        let values = HashMap::from([
            (":h".to_string(), s(expected_hash)),
            (":f".to_string(), b(false)),
        ]);
        self.put_if(
            session_to_item(session),
            "attribute_exists(pk) AND refresh_hash = :h AND revoked = :f",
            values,
        )
        .await
    }

    async fn mark_authenticated(
        &self,
        user_id: &UserId,
        session_id: &SessionId,
        at: UnixSecs,
    ) -> StoreResult<bool> {
        let req = self
            .client()
            .update_item()
            .table_name(self.table())
            .set_key(Some(keys::session(user_id, session_id)))
            .update_expression("SET authenticated_at = :at")
            .condition_expression("attribute_exists(pk) AND revoked = :f")
            .expression_attribute_values(":at", n(at))
            .expression_attribute_values(":f", b(false));
        Ok(self
            .update_if(req, "dynamodb mark authenticated")
            .await?
            .is_some())
    }

    async fn revoke_session(
        &self,
        user_id: &UserId,
        session_id: &SessionId,
    ) -> StoreResult<Option<Session>> {
        let req = self
            .client()
            .update_item()
            .table_name(self.table())
            .set_key(Some(keys::session(user_id, session_id)))
            .update_expression("SET revoked = :t")
            .condition_expression("attribute_exists(pk) AND revoked = :f")
            .expression_attribute_values(":t", b(true))
            .expression_attribute_values(":f", b(false))
            .return_values(ReturnValue::AllNew);
        let item = self.update_if(req, "dynamodb revoke session").await?;
        Ok(item.as_ref().map(session_from_item).transpose()?)
    }
}

#[async_trait]
impl RevocationStore for DynamoStore {
    async fn revoke_tokens(&self, jtis: &[LiveJti]) -> StoreResult<()> {
        let puts = jtis.iter().map(|j| {
            let mut item = keys::revoked_jti(&j.jti);
            item.insert(TTL.into(), n(j.expires_at));
            self.put(item)
        });
        futures::future::try_join_all(puts).await?;
        Ok(())
    }

    async fn is_revoked(&self, jti: &str, now: UnixSecs) -> StoreResult<bool> {
        let item = self.get(keys::revoked_jti(jti)).await?;
        Ok(item.as_ref().is_some_and(|i| is_live(i, now)))
    }
}
