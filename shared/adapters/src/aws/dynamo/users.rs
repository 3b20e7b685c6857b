//! Users, and the email claim that keeps addresses unique.

use std::collections::HashMap;
use think_tank_core::domain::UserId;

use async_trait::async_trait;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{AttributeValue, Put, ReturnValue, TransactWriteItem};

use super::item::*;
use super::keys::{self, GSI1};
use super::{sdk_error, unless_lost, DynamoStore};
use think_tank_core::domain::{
    Email, Page, PasswordChange, PasswordHash, Role, User, UserChanges, UserRecord,
};
use think_tank_core::error::StoreResult;
use think_tank_core::ports::UserStore;

fn user_to_item(r: &UserRecord) -> Item {
    let u = &r.user;
    let mut item = keys::user(&u.id);
    item.extend([
        ("id".into(), s(&u.id)),
        ("email".into(), s(&u.email)),
        ("name".into(), s(&u.name)),
        ("role".into(), s(u.role.as_str())),
        ("email_verified".into(), b(u.email_verified)),
        ("mfa_enabled".into(), b(u.mfa_enabled)),
        ("created_at".into(), n(u.created_at)),
        (
            "password_hash".into(),
            s(stored_hash(r.password_hash.as_ref())),
        ),
        (
            "credential_generation".into(),
            n(r.credential_generation as i64),
        ),
    ]);
    put_opt(&mut item, "kept_session", &r.kept_session);
    item.extend(keys::index_entry(GSI1, &keys::users_shard(&u.id), &u.id));
    item
}

/// No password is stored as an empty hash (the attribute is always there).
fn stored_hash(hash: Option<&PasswordHash>) -> &str {
    hash.map_or("", PasswordHash::as_str)
}

fn user_from_item(item: &Item) -> anyhow::Result<UserRecord> {
    let role = require_s(item, "role")?;
    Ok(UserRecord {
        user: User {
            id: require_s(item, "id")?.into(),
            email: require_s(item, "email")?,
            name: require_s(item, "name")?,
            role: Role::parse(&role).map_err(|e| anyhow::anyhow!("role {role:?}: {e}"))?,
            email_verified: get_b(item, "email_verified"),
            mfa_enabled: get_b(item, "mfa_enabled"),
            created_at: require_time(item, "created_at")?,
        },
        password_hash: Some(require_s(item, "password_hash")?)
            .filter(|phc| !phc.is_empty())
            .map(PasswordHash::new),
        credential_generation: get_n(item, "credential_generation").unwrap_or(0) as u64,
        kept_session: get_s(item, "kept_session").map(Into::into),
    })
}

/// `SET #a = :a, …` for the changed attributes (`name` and `role` are
/// reserved words, so every attribute is aliased); a credential change adds
/// one to the generation and sets or removes the kept session in the same write.
fn update_expression(changes: &UserChanges) -> Option<(String, Item)> {
    let mut values: Item = HashMap::new();
    let mut add = |attr: &str, value: AttributeValue| {
        values.insert(format!(":{attr}"), value);
    };
    if let Some(name) = &changes.name {
        add("name", s(name));
    }
    if let Some(role) = changes.role {
        add("role", s(role.as_str()));
    }
    if let Some(v) = changes.email_verified {
        add("email_verified", b(v));
    }
    if let Some(change) = &changes.password {
        let hash = match change {
            PasswordChange::Set(hash) => Some(hash),
            PasswordChange::Remove => None,
        };
        add("password_hash", s(stored_hash(hash)));
    }
    if let Some(on) = changes.mfa_enabled {
        add("mfa_enabled", b(on));
    }
    let mut tail = String::new();
    if let Some(change) = &changes.credentials {
        match &change.keep_session {
            Some(keep) => add("kept_session", s(keep)),
            None => tail.push_str(" REMOVE #kept_session"),
        }
        tail.push_str(" ADD #credential_generation :credential_generation");
    }
    if values.is_empty() && tail.is_empty() {
        return None;
    }
    let mut sets: Vec<String> = values
        .keys()
        .map(|v| format!("#{0} = :{0}", &v[1..]))
        .collect();
    sets.sort();
    if changes.credentials.is_some() {
        values.insert(":credential_generation".into(), n(1));
    }
    let set = match sets.is_empty() {
        true => String::new(),
        false => format!("SET {}", sets.join(", ")),
    };
    Some((format!("{set}{tail}").trim_start().to_string(), values))
}

/// Every `#name` the expression uses.
fn aliased_attributes(expression: &str) -> std::collections::BTreeSet<&str> {
    expression
        .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '#'))
        .filter_map(|word| word.strip_prefix('#'))
        .collect()
}

pub(super) fn is_taken(e: &TransactWriteItemsError) -> bool {
    match e {
        TransactWriteItemsError::TransactionCanceledException(t) => t
            .cancellation_reasons()
            .iter()
            .any(|r| r.code() == Some("ConditionalCheckFailed")),
        _ => false,
    }
}

impl DynamoStore {
    pub(super) fn put_new(&self, item: Item) -> anyhow::Result<TransactWriteItem> {
        let put = Put::builder()
            .table_name(self.table())
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(pk)")
            .build()?;
        Ok(TransactWriteItem::builder().put(put).build())
    }
}

#[async_trait]
impl UserStore for DynamoStore {
    async fn create_user(&self, record: &UserRecord) -> StoreResult<bool> {
        let mut email_item = keys::email_claim(&record.user.email);
        email_item.insert("user_id".into(), s(&record.user.id));
        let result = self
            .client()
            .transact_write_items()
            .transact_items(self.put_new(user_to_item(record))?)
            .transact_items(self.put_new(email_item)?)
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(e) if e.as_service_error().is_some_and(is_taken) => Ok(false),
            Err(e) => Err(sdk_error("dynamodb create user", e)),
        }
    }

    async fn user_by_id(&self, id: &UserId) -> StoreResult<Option<UserRecord>> {
        let item = self.get(keys::user(id)).await?;
        Ok(item.as_ref().map(user_from_item).transpose()?)
    }

    async fn user_by_email(&self, email: &Email) -> StoreResult<Option<UserRecord>> {
        let pointer = self.get(keys::email_of(email)).await?;
        // An unknown address still reads a user (one that cannot exist), so it
        // takes the same two round trips as a known one: no timing tells.
        let id = pointer.and_then(|p| get_s(&p, "user_id"));
        let user = self
            .user_by_id(&UserId::from(id.as_deref().unwrap_or(keys::NO_USER)))
            .await?;
        Ok(user.filter(|_| id.is_some()))
    }

    async fn update_user(
        &self,
        id: &UserId,
        changes: &UserChanges,
    ) -> StoreResult<Option<UserRecord>> {
        let Some((expression, values)) = update_expression(changes) else {
            return self.user_by_id(id).await;
        };
        let mut req = self
            .client()
            .update_item()
            .table_name(self.table())
            .set_key(Some(keys::user(id)))
            .update_expression(&expression)
            .condition_expression("attribute_exists(pk)")
            .return_values(ReturnValue::AllNew);
        for attr in aliased_attributes(&expression) {
            req = req.expression_attribute_names(format!("#{attr}"), attr);
        }
        let req = req.set_expression_attribute_values(Some(values));
        let out = unless_lost("dynamodb update user", req.send().await)?;
        let item = out.and_then(|o| o.attributes);
        Ok(item.as_ref().map(user_from_item).transpose()?)
    }

    async fn list_users(&self, after: Option<&str>, limit: usize) -> StoreResult<Page<User>> {
        let shards = keys::users_partitions();
        let (items, next) = self
            .query_sharded(GSI1, &shards, after, limit, |req| req)
            .await?;
        let items = items
            .iter()
            .map(|i| user_from_item(i).map(|r| r.user))
            .collect::<anyhow::Result<Vec<_>>>()?;
        Ok(Page { items, next })
    }
}
