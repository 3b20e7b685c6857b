//! One DynamoDB table for every item kind; `infra/table-design.md` lists each
//! access pattern and the key that serves it. Every read checks expiry itself.

use std::collections::HashMap;

use anyhow::Context;
use async_trait::async_trait;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{AttributeValue, Put, ReturnValue, TransactWriteItem};
use aws_sdk_dynamodb::Client;

use super::item::*;
use super::{is_lost_condition, sdk_error};
use crate::domain::{
    AuditEvent, AuditType, Email, LiveJti, Page, Role, Session, User, UserChanges, UserRecord,
};
use crate::error::StoreResult;
use crate::ports::{
    AuditStore, OneTimeStore, Probe, RateLimitStore, RevocationStore, SessionStore, UserStore,
};

const TTL: &str = "ttl";
/// Not a user id (ids are UUIDs): the key an unknown email's lookup reads.
const NO_USER: &str = "-";
const GSI1: &str = "gsi1";

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

    pub(super) fn client(&self) -> &Client {
        &self.client
    }

    pub(super) fn table(&self) -> &str {
        &self.table
    }

    pub(super) async fn get(&self, key: Item) -> StoreResult<Option<Item>> {
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

    /// A put that may lose its condition: `Ok(false)` then.
    pub(super) async fn put_if(
        &self,
        item: Item,
        condition: &str,
        values: Item,
    ) -> StoreResult<bool> {
        let mut req = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression(condition);
        if condition.contains("#ttl") {
            req = req.expression_attribute_names("#ttl", TTL);
        }
        if !values.is_empty() {
            req = req.set_expression_attribute_values(Some(values));
        }
        match req.send().await {
            Ok(_) => Ok(true),
            Err(e) if is_lost_condition(&e) => Ok(false),
            Err(e) => Err(sdk_error("dynamodb conditional put", e)),
        }
    }

    pub(super) async fn put(&self, item: Item) -> StoreResult<()> {
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .send()
            .await
            .map_err(|e| sdk_error("dynamodb put", e))?;
        Ok(())
    }

    async fn query_all(&self, pk: &str, sk_prefix: &str) -> StoreResult<Vec<Item>> {
        let mut items = Vec::new();
        let mut start: Option<Item> = None;
        loop {
            let out = self
                .client
                .query()
                .table_name(&self.table)
                .key_condition_expression("pk = :pk AND begins_with(sk, :prefix)")
                .expression_attribute_values(":pk", s(pk))
                .expression_attribute_values(":prefix", s(sk_prefix))
                .consistent_read(true)
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(|e| sdk_error("dynamodb query", e))?;
            items.extend(out.items.unwrap_or_default());
            start = out.last_evaluated_key;
            if start.is_none() {
                return Ok(items);
            }
        }
    }
}

fn user_pk(id: &str) -> String {
    format!("USER#{id}")
}

fn user_to_item(r: &UserRecord) -> Item {
    let u = &r.user;
    let mut item = key(user_pk(&u.id), "PROFILE");
    item.extend([
        ("id".into(), s(&u.id)),
        ("email".into(), s(&u.email)),
        ("name".into(), s(&u.name)),
        ("role".into(), s(u.role.as_str())),
        ("email_verified".into(), b(u.email_verified)),
        ("mfa_enabled".into(), b(u.mfa_enabled)),
        ("created_at".into(), n(u.created_at)),
        ("password_hash".into(), s(&r.password_hash)),
        ("gsi1pk".into(), s("USERS")),
        ("gsi1sk".into(), s(&u.id)),
    ]);
    item
}

fn user_from_item(item: &Item) -> anyhow::Result<UserRecord> {
    let role = require_s(item, "role")?;
    Ok(UserRecord {
        user: User {
            id: require_s(item, "id")?,
            email: require_s(item, "email")?,
            name: require_s(item, "name")?,
            role: Role::parse(&role).map_err(|e| anyhow::anyhow!("role {role:?}: {e}"))?,
            email_verified: get_b(item, "email_verified"),
            mfa_enabled: get_b(item, "mfa_enabled"),
            created_at: require_n(item, "created_at")?,
        },
        password_hash: require_s(item, "password_hash")?,
    })
}

#[async_trait]
impl UserStore for DynamoStore {
    async fn create_user(&self, record: &UserRecord) -> StoreResult<bool> {
        let mut email_item = key(format!("EMAIL#{}", record.user.email), "EMAIL");
        email_item.insert("user_id".into(), s(&record.user.id));
        let put = |item: Item| -> anyhow::Result<TransactWriteItem> {
            let put = Put::builder()
                .table_name(&self.table)
                .set_item(Some(item))
                .condition_expression("attribute_not_exists(pk)")
                .build()?;
            Ok(TransactWriteItem::builder().put(put).build())
        };
        let result = self
            .client
            .transact_write_items()
            .transact_items(put(user_to_item(record))?)
            .transact_items(put(email_item)?)
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(e) => {
                let taken = e
                    .as_service_error()
                    .and_then(|s| match s {
                        TransactWriteItemsError::TransactionCanceledException(t) => Some(t),
                        _ => None,
                    })
                    .is_some_and(|t| {
                        t.cancellation_reasons()
                            .iter()
                            .any(|r| r.code() == Some("ConditionalCheckFailed"))
                    });
                if taken {
                    Ok(false)
                } else {
                    Err(sdk_error("dynamodb create user", e))
                }
            }
        }
    }

    async fn user_by_id(&self, id: &str) -> StoreResult<Option<UserRecord>> {
        let item = self.get(key(user_pk(id), "PROFILE")).await?;
        Ok(item.as_ref().map(user_from_item).transpose()?)
    }

    async fn user_by_email(&self, email: &Email) -> StoreResult<Option<UserRecord>> {
        let pointer = self
            .get(key(format!("EMAIL#{}", email.as_str()), "EMAIL"))
            .await?;
        // An unknown address still reads a user (one that cannot exist), so it
        // takes the same two round trips as a known one: no timing tells.
        let id = pointer.and_then(|p| get_s(&p, "user_id"));
        let user = self.user_by_id(id.as_deref().unwrap_or(NO_USER)).await?;
        Ok(user.filter(|_| id.is_some()))
    }

    async fn update_user(
        &self,
        id: &str,
        changes: &UserChanges,
    ) -> StoreResult<Option<UserRecord>> {
        let mut sets = Vec::new();
        let mut values: Item = HashMap::new();
        let mut add = |attr: &str, value: AttributeValue| {
            sets.push(format!("{attr} = :{attr}"));
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
        if let Some(hash) = &changes.password_hash {
            add("password_hash", s(hash));
        }
        if sets.is_empty() {
            return self.user_by_id(id).await;
        }
        // `name` and `role` are reserved words: alias every attribute.
        let expression = format!(
            "SET {}",
            sets.iter()
                .map(|s| format!("#{s}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let mut req = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(user_pk(id), "PROFILE")))
            .update_expression(expression)
            .condition_expression("attribute_exists(pk)")
            .set_expression_attribute_values(Some(values))
            .return_values(ReturnValue::AllNew);
        for attr in ["name", "role", "email_verified", "password_hash"] {
            if sets.iter().any(|s| s.starts_with(&format!("{attr} "))) {
                req = req.expression_attribute_names(format!("#{attr}"), attr);
            }
        }
        match req.send().await {
            Ok(out) => Ok(out.attributes.as_ref().map(user_from_item).transpose()?),
            Err(e) if is_lost_condition(&e) => Ok(None),
            Err(e) => Err(sdk_error("dynamodb update user", e)),
        }
    }

    async fn list_users(&self, after: Option<&str>, limit: usize) -> StoreResult<Page<User>> {
        let start = after.map(|id| {
            let mut k = key(user_pk(id), "PROFILE");
            k.insert("gsi1pk".into(), s("USERS"));
            k.insert("gsi1sk".into(), s(id));
            k
        });
        let out = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(GSI1)
            .key_condition_expression("gsi1pk = :pk")
            .expression_attribute_values(":pk", s("USERS"))
            .scan_index_forward(false)
            .limit(limit as i32)
            .set_exclusive_start_key(start)
            .send()
            .await
            .map_err(|e| sdk_error("dynamodb list users", e))?;
        let items = out
            .items()
            .iter()
            .map(|i| user_from_item(i).map(|r| r.user))
            .collect::<anyhow::Result<Vec<_>>>()?;
        let next = out.last_evaluated_key().and_then(|k| get_s(k, "gsi1sk"));
        Ok(Page { items, next })
    }
}

fn session_key(user_id: &str, session_id: &str) -> Item {
    key(user_pk(user_id), format!("SESSION#{session_id}"))
}

fn session_to_item(sn: &Session) -> Item {
    let mut item = session_key(&sn.user_id, &sn.id);
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
        (TTL.into(), n(sn.expires_at)),
    ]);
    put_opt(&mut item, "device_name", &sn.device_name);
    put_opt(&mut item, "user_agent", &sn.user_agent);
    item
}

fn session_from_item(item: &Item) -> anyhow::Result<Session> {
    let mut access_jtis: Vec<LiveJti> = item
        .get("jtis")
        .and_then(|v| v.as_m().ok())
        .map(|m| {
            m.iter()
                .filter_map(|(jti, exp)| {
                    let expires_at = exp.as_n().ok()?.parse().ok()?;
                    Some(LiveJti {
                        jti: jti.clone(),
                        expires_at,
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    access_jtis.sort_by(|a, b| (a.expires_at, &a.jti).cmp(&(b.expires_at, &b.jti)));
    Ok(Session {
        id: require_s(item, "session_id")?,
        user_id: require_s(item, "user_id")?,
        refresh_hash: require_s(item, "refresh_hash")?,
        rotated_hashes: get_list_s(item, "rotated"),
        access_jtis,
        device_name: get_s(item, "device_name"),
        user_agent: get_s(item, "user_agent"),
        created_at: require_n(item, "created_at")?,
        last_used_at: require_n(item, "last_used_at")?,
        expires_at: require_n(item, "expires_at")?,
        absolute_expires_at: require_n(item, "absolute_expires_at")?,
        revoked: get_b(item, "revoked"),
    })
}

#[async_trait]
impl SessionStore for DynamoStore {
    async fn create_session(&self, session: &Session) -> StoreResult<()> {
        self.put(session_to_item(session)).await
    }

    async fn session(&self, user_id: &str, session_id: &str) -> StoreResult<Option<Session>> {
        let item = self.get(session_key(user_id, session_id)).await?;
        Ok(item.as_ref().map(session_from_item).transpose()?)
    }

    async fn sessions_of(&self, user_id: &str) -> StoreResult<Vec<Session>> {
        let items = self.query_all(&user_pk(user_id), "SESSION#").await?;
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

    async fn revoke_session(
        &self,
        user_id: &str,
        session_id: &str,
    ) -> StoreResult<Option<Session>> {
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(session_key(user_id, session_id)))
            .update_expression("SET revoked = :t")
            .condition_expression("attribute_exists(pk) AND revoked = :f")
            .expression_attribute_values(":t", b(true))
            .expression_attribute_values(":f", b(false))
            .return_values(ReturnValue::AllNew)
            .send()
            .await;
        match result {
            Ok(out) => Ok(out.attributes.as_ref().map(session_from_item).transpose()?),
            Err(e) if is_lost_condition(&e) => Ok(None),
            Err(e) => Err(sdk_error("dynamodb revoke session", e)),
        }
    }
}

#[async_trait]
impl RevocationStore for DynamoStore {
    async fn revoke_tokens(&self, jtis: &[LiveJti]) -> StoreResult<()> {
        let puts = jtis.iter().map(|j| {
            let mut item = key(format!("JTI#{}", j.jti), "REVOKED");
            item.insert(TTL.into(), n(j.expires_at));
            self.put(item)
        });
        futures::future::try_join_all(puts).await?;
        Ok(())
    }

    async fn is_revoked(&self, jti: &str, now: i64) -> StoreResult<bool> {
        let item = self.get(key(format!("JTI#{jti}"), "REVOKED")).await?;
        Ok(item
            .and_then(|i| get_n(&i, TTL))
            .is_some_and(|exp| now < exp))
    }
}

fn one_time_key(purpose: &str, k: &str) -> Item {
    key(format!("OTT#{purpose}#{k}"), "OTT")
}

#[async_trait]
impl OneTimeStore for DynamoStore {
    async fn put_once(
        &self,
        purpose: &str,
        k: &str,
        subject: &str,
        expires_at: i64,
        now: i64,
    ) -> StoreResult<bool> {
        let mut item = one_time_key(purpose, k);
        item.insert("subject".into(), s(subject));
        item.insert(TTL.into(), n(expires_at));
        let values = HashMap::from([(":now".to_string(), n(now))]);
        self.put_if(item, "attribute_not_exists(pk) OR #ttl <= :now", values)
            .await
    }

    async fn take(&self, purpose: &str, k: &str, now: i64) -> StoreResult<Option<String>> {
        let result = self
            .client
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(one_time_key(purpose, k)))
            .condition_expression("attribute_exists(pk)")
            .return_values(ReturnValue::AllOld)
            .send()
            .await;
        match result {
            Ok(out) => Ok(out
                .attributes
                .filter(|i| get_n(i, TTL).is_some_and(|exp| now < exp))
                .and_then(|i| get_s(&i, "subject"))),
            Err(e) if is_lost_condition(&e) => Ok(None),
            Err(e) => Err(sdk_error("dynamodb take", e)),
        }
    }

    async fn contains(&self, purpose: &str, k: &str, now: i64) -> StoreResult<bool> {
        let item = self.get(one_time_key(purpose, k)).await?;
        Ok(item
            .and_then(|i| get_n(&i, TTL))
            .is_some_and(|exp| now < exp))
    }
}

#[async_trait]
impl RateLimitStore for DynamoStore {
    async fn hit(&self, k: &str, window_start: i64, window_seconds: i64) -> StoreResult<u32> {
        let out = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(format!("RATE#{k}#{window_start}"), "RATE")))
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

fn audit_pk(user_id: Option<&str>) -> String {
    format!("AUDIT#{}", user_id.unwrap_or("-"))
}

fn audit_from_item(item: &Item) -> anyhow::Result<AuditEvent> {
    let kind = require_s(item, "type")?;
    let detail = get_s(item, "detail").unwrap_or_else(|| "{}".into());
    Ok(AuditEvent {
        id: require_s(item, "sk")?,
        kind: AuditType::parse(&kind).with_context(|| format!("audit type {kind:?}"))?,
        user_id: get_s(item, "user_id"),
        ip_hash: get_s(item, "ip_hash"),
        user_agent: get_s(item, "user_agent"),
        at: require_n(item, "at")?,
        detail: serde_json::from_str(&detail).unwrap_or_default(),
    })
}

#[async_trait]
impl AuditStore for DynamoStore {
    async fn record_event(&self, e: &AuditEvent, expires_at: i64) -> StoreResult<()> {
        let mut item = key(audit_pk(e.user_id.as_deref()), e.id.clone());
        item.extend([
            ("type".into(), s(e.kind.as_str())),
            ("at".into(), n(e.at)),
            ("detail".into(), s(e.detail.to_string())),
            ("gsi1pk".into(), s("AUDIT")),
            ("gsi1sk".into(), s(&e.id)),
            (TTL.into(), n(expires_at)),
        ]);
        put_opt(&mut item, "user_id", &e.user_id);
        put_opt(&mut item, "ip_hash", &e.ip_hash);
        put_opt(&mut item, "user_agent", &e.user_agent);
        self.put(item).await
    }

    /// Positions are `pk|sk`, because a GSI start key needs the table key too.
    async fn list_events(
        &self,
        user_id: Option<&str>,
        after: Option<&str>,
        limit: usize,
        now: i64,
    ) -> StoreResult<Page<AuditEvent>> {
        let start = after.and_then(|p| p.split_once('|')).map(|(pk, sk)| {
            let mut k = key(pk, sk);
            if user_id.is_none() {
                k.insert("gsi1pk".into(), s("AUDIT"));
                k.insert("gsi1sk".into(), s(sk));
            }
            k
        });
        let mut req = self
            .client
            .query()
            .table_name(&self.table)
            .scan_index_forward(false)
            .limit(limit as i32)
            .filter_expression("#ttl > :now")
            .expression_attribute_names("#ttl", TTL)
            .expression_attribute_values(":now", n(now))
            .set_exclusive_start_key(start);
        req = match user_id {
            Some(u) => req
                .key_condition_expression("pk = :pk")
                .expression_attribute_values(":pk", s(audit_pk(Some(u)))),
            None => req
                .index_name(GSI1)
                .key_condition_expression("gsi1pk = :pk")
                .expression_attribute_values(":pk", s("AUDIT")),
        };
        let out = req
            .send()
            .await
            .map_err(|e| sdk_error("dynamodb list audit", e))?;
        let items = out
            .items()
            .iter()
            .map(audit_from_item)
            .collect::<anyhow::Result<Vec<_>>>()?;
        let next = out
            .last_evaluated_key()
            .and_then(|k| Some(format!("{}|{}", get_s(k, "pk")?, get_s(k, "sk")?)));
        Ok(Page { items, next })
    }
}

#[async_trait]
impl Probe for DynamoStore {
    async fn ping(&self) -> StoreResult<()> {
        self.get(key("HEALTH", "HEALTH")).await.map(|_| ())
    }
}
