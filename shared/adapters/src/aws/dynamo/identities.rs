//! Provider identities: a claim per (provider, subject) saying whose it is,
//! and an entry beside the user per provider. Linking puts both in one
//! transaction, each only if absent; unlinking deletes both and moves the
//! user's identities version in one transaction, on the condition that the
//! version has not moved since the identities were counted, so two parallel
//! unlinks never both take an account's last way to sign in.

use async_trait::async_trait;
use aws_sdk_dynamodb::types::{Delete, Put, TransactWriteItem, Update};
use think_tank_core::domain::UserId;

use super::item::*;
use super::keys;
use super::users::is_taken;
use super::{sdk_error, DynamoStore};
use think_tank_core::domain::Identity;
use think_tank_core::error::StoreResult;
use think_tank_core::ports::{IdentityStore, Unlink};

fn identity_from(item: &Item) -> anyhow::Result<Identity> {
    Ok(Identity {
        provider: require_s(item, "provider")?,
        subject: require_s(item, "subject")?,
        user_id: require_s(item, "user_id")?.into(),
        email: require_s(item, "email")?,
        linked_at: require_time(item, "linked_at")?,
    })
}

fn attributes(identity: &Identity, mut item: Item) -> Item {
    item.insert("provider".into(), s(&identity.provider));
    item.insert("subject".into(), s(&identity.subject));
    item.insert("user_id".into(), s(&identity.user_id));
    item.insert("email".into(), s(&identity.email));
    item.insert("linked_at".into(), n(identity.linked_at));
    item
}

impl DynamoStore {
    fn delete_item(&self, key: Item) -> anyhow::Result<TransactWriteItem> {
        let delete = Delete::builder()
            .table_name(self.table())
            .set_key(Some(key))
            .build()?;
        Ok(TransactWriteItem::builder().delete(delete).build())
    }
}

#[async_trait]
impl IdentityStore for DynamoStore {
    async fn link_identity(&self, identity: &Identity) -> StoreResult<bool> {
        let claim = keys::identity_claim(&identity.provider, &identity.subject);
        let entry = keys::user_identity(&identity.user_id, &identity.provider);
        let result = self
            .client()
            .transact_write_items()
            .transact_items(self.put_new(attributes(identity, claim))?)
            .transact_items(self.put_new(attributes(identity, entry))?)
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(e) if e.as_service_error().is_some_and(is_taken) => Ok(false),
            Err(e) => Err(sdk_error("dynamodb link identity", e)),
        }
    }

    async fn identity(&self, provider: &str, subject: &str) -> StoreResult<Option<Identity>> {
        let item = self.get(keys::identity_claim(provider, subject)).await?;
        Ok(item.as_ref().map(identity_from).transpose()?)
    }

    async fn identities_of(&self, user_id: &UserId) -> StoreResult<Vec<Identity>> {
        let (pk, prefix) = keys::identities_of(user_id);
        let items = self.query_prefix(pk, prefix).await?;
        Ok(items
            .iter()
            .map(identity_from)
            .collect::<anyhow::Result<_>>()?)
    }

    async fn unlink_identity(
        &self,
        user_id: &UserId,
        provider: &str,
        has_password: bool,
    ) -> StoreResult<Unlink> {
        // A lost race is judged again on what the winner left. The version
        // is read before the identities, never beside them: a list read
        // after the version is at least as new, so an unlink that lands in
        // between moves the version and this one's condition fails. Read
        // together, the list could predate a winner whose version this
        // already saw, and both would take the last two ways to sign in.
        for _ in 0..UNLINK_TRIES {
            let version = self.identities_version(user_id).await?;
            let mine = self.identities_of(user_id).await?;
            let Some(identity) = mine.iter().find(|i| i.provider == provider) else {
                return Ok(Unlink::NotLinked);
            };
            if !has_password && mine.len() < 2 {
                return Ok(Unlink::LastWayToSignIn);
            }
            if self.unlink_at(identity, version).await? {
                return Ok(Unlink::Unlinked);
            }
        }
        Err(anyhow::anyhow!("unlink identity: the identities kept changing").into())
    }

    async fn was_unlinked(&self, user_id: &UserId, provider: &str) -> StoreResult<bool> {
        let item = self.get(keys::unlinked_identity(user_id, provider)).await?;
        Ok(item.is_some())
    }
}

const UNLINK_TRIES: usize = 3;

impl DynamoStore {
    async fn identities_version(&self, user_id: &UserId) -> StoreResult<i64> {
        let item = self.get(keys::identities_version(user_id)).await?;
        Ok(item.and_then(|i| get_n(&i, "version")).unwrap_or(0))
    }

    /// Deletes the identity and moves the version from `version`; `false`
    /// when another unlink moved it first.
    async fn unlink_at(&self, identity: &Identity, version: i64) -> StoreResult<bool> {
        let entry = keys::user_identity(&identity.user_id, &identity.provider);
        let claim = keys::identity_claim(&identity.provider, &identity.subject);
        let bump = Update::builder()
            .table_name(self.table())
            .set_key(Some(keys::identities_version(&identity.user_id)))
            .update_expression("SET #v = :next")
            .condition_expression("attribute_not_exists(#v) OR #v = :seen")
            .expression_attribute_names("#v", "version")
            .expression_attribute_values(":next", n(version + 1))
            .expression_attribute_values(":seen", n(version))
            .build()
            .map_err(anyhow::Error::from)?;
        let mark = keys::unlinked_identity(&identity.user_id, &identity.provider);
        let mark = Put::builder()
            .table_name(self.table())
            .set_item(Some(mark))
            .build()
            .map_err(anyhow::Error::from)?;
        let result = self
            .client()
            .transact_write_items()
            .transact_items(self.delete_item(entry)?)
            .transact_items(self.delete_item(claim)?)
            .transact_items(TransactWriteItem::builder().update(bump).build())
            .transact_items(TransactWriteItem::builder().put(mark).build())
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(e) if e.as_service_error().is_some_and(is_taken) => Ok(false),
            Err(e) => Err(sdk_error("dynamodb unlink identity", e)),
        }
    }
}
