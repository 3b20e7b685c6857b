//! WebSocket connections in the single table: every connection through `gsi1`
//! (broadcasts), one user's through `gsi3`; 2-hour TTL checked on every read.

use async_trait::async_trait;

use super::dynamo::DynamoStore;
use super::item::*;
use super::sdk_error;
use crate::domain::{Connection, Role};
use crate::error::StoreResult;
use crate::ports::ConnectionStore;

const TTL: &str = "ttl";

fn connection_key(id: &str) -> Item {
    key(format!("CONN#{id}"), "CONN")
}

fn from_item(item: &Item) -> anyhow::Result<Connection> {
    let role = require_s(item, "role")?;
    Ok(Connection {
        id: require_s(item, "connection_id")?,
        user_id: require_s(item, "user_id")?,
        session_id: get_s(item, "session_id").unwrap_or_default(),
        user_name: require_s(item, "user_name")?,
        role: Role::parse(&role).map_err(|e| anyhow::anyhow!("role {role:?}: {e}"))?,
        expires_at: require_n(item, TTL)?,
    })
}

impl DynamoStore {
    async fn query_connections(
        &self,
        index: &str,
        pk_attr: &str,
        pk: String,
        now: i64,
    ) -> StoreResult<Vec<Connection>> {
        let mut found = Vec::new();
        let mut start: Option<Item> = None;
        loop {
            let out = self
                .client()
                .query()
                .table_name(self.table())
                .index_name(index)
                .key_condition_expression(format!("{pk_attr} = :pk"))
                .filter_expression("#ttl > :now")
                .expression_attribute_names("#ttl", TTL)
                .expression_attribute_values(":pk", s(&pk))
                .expression_attribute_values(":now", n(now))
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(|e| sdk_error("dynamodb query connections", e))?;
            for item in out.items() {
                found.push(from_item(item)?);
            }
            start = out.last_evaluated_key;
            if start.is_none() {
                return Ok(found);
            }
        }
    }
}

#[async_trait]
impl ConnectionStore for DynamoStore {
    async fn put_connection(&self, c: &Connection) -> StoreResult<()> {
        let mut item = connection_key(&c.id);
        item.extend([
            ("connection_id".into(), s(&c.id)),
            ("user_id".into(), s(&c.user_id)),
            ("session_id".into(), s(&c.session_id)),
            ("user_name".into(), s(&c.user_name)),
            ("role".into(), s(c.role.as_str())),
            (TTL.into(), n(c.expires_at)),
            ("gsi1pk".into(), s("CONNS")),
            ("gsi1sk".into(), s(&c.id)),
            ("gsi3pk".into(), s(format!("CONNS#USER#{}", c.user_id))),
            ("gsi3sk".into(), s(&c.id)),
        ]);
        self.put(item).await
    }

    async fn connection(&self, id: &str, now: i64) -> StoreResult<Option<Connection>> {
        let item = self.get(connection_key(id)).await?;
        let connection = item.as_ref().map(from_item).transpose()?;
        Ok(connection.filter(|c| now < c.expires_at))
    }

    async fn delete_connection(&self, id: &str) -> StoreResult<()> {
        self.client()
            .delete_item()
            .table_name(self.table())
            .set_key(Some(connection_key(id)))
            .send()
            .await
            .map_err(|e| sdk_error("dynamodb delete connection", e))?;
        Ok(())
    }

    async fn connections(&self, now: i64) -> StoreResult<Vec<Connection>> {
        self.query_connections("gsi1", "gsi1pk", "CONNS".into(), now)
            .await
    }

    async fn connections_of(&self, user_id: &str, now: i64) -> StoreResult<Vec<Connection>> {
        self.query_connections("gsi3", "gsi3pk", format!("CONNS#USER#{user_id}"), now)
            .await
    }
}
