//! WebSocket connections in the single table: every connection through `gsi1`
//! (broadcasts); a copy under its user, so that revoking a session finds
//! every one of the user's connections with a consistent read (an index is
//! eventually consistent and could miss one just opened); 2-hour TTL checked
//! on every read.

use async_trait::async_trait;
use think_tank_core::domain::UserId;

use super::item::*;
use super::keys::{self, TTL};
use super::DynamoStore;
use think_tank_core::clock::UnixSecs;
use think_tank_core::domain::{Connection, Role};
use think_tank_core::error::StoreResult;
use think_tank_core::ports::ConnectionStore;

fn from_item(item: &Item) -> anyhow::Result<Connection> {
    let role = require_s(item, "role")?;
    Ok(Connection {
        id: require_s(item, "connection_id")?,
        user_id: require_s(item, "user_id")?.into(),
        session_id: get_s(item, "session_id").unwrap_or_default().into(),
        user_name: require_s(item, "user_name")?,
        role: Role::parse(&role).map_err(|e| anyhow::anyhow!("role {role:?}: {e}"))?,
        expires_at: require_time(item, TTL)?,
    })
}

fn attributes(c: &Connection) -> Item {
    Item::from([
        ("connection_id".into(), s(&c.id)),
        ("user_id".into(), s(&c.user_id)),
        ("session_id".into(), s(&c.session_id)),
        ("user_name".into(), s(&c.user_name)),
        ("role".into(), s(c.role.as_str())),
        (TTL.into(), n(c.expires_at)),
    ])
}

fn connection_to_item(c: &Connection) -> Item {
    let mut item = keys::connection(&c.id);
    item.extend(attributes(c));
    item
}

fn user_copy(c: &Connection) -> Item {
    let mut item = keys::user_connection(&c.user_id, &c.id);
    item.extend(attributes(c));
    item
}

#[async_trait]
impl ConnectionStore for DynamoStore {
    /// The user's copy first: a connection that exists is always found by
    /// [`ConnectionStore::connections_of`].
    async fn put_connection(&self, c: &Connection) -> StoreResult<()> {
        self.put(user_copy(c)).await?;
        self.put(connection_to_item(c)).await
    }

    async fn connection(&self, id: &str, now: UnixSecs) -> StoreResult<Option<Connection>> {
        let item = self.get(keys::connection(id)).await?;
        let connection = item.as_ref().map(from_item).transpose()?;
        Ok(connection.filter(|c| now < c.expires_at))
    }

    async fn delete_connection(&self, id: &str) -> StoreResult<()> {
        let old = self.delete(keys::connection(id)).await?;
        if let Some(user_id) = old.as_ref().and_then(|i| get_s(i, "user_id")) {
            self.delete(keys::user_connection(&user_id, id)).await?;
        }
        Ok(())
    }

    async fn connections_of(
        &self,
        user_id: &UserId,
        now: UnixSecs,
    ) -> StoreResult<Vec<Connection>> {
        let (pk, prefix) = keys::connections_of(user_id);
        let items = self.query_prefix(pk, prefix).await?;
        let all = items
            .iter()
            .map(from_item)
            .collect::<anyhow::Result<Vec<_>>>()?;
        Ok(all.into_iter().filter(|c| now < c.expires_at).collect())
    }
}
