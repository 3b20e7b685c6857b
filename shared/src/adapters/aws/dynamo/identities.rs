//! Provider identities: a claim per (provider, subject) saying whose it is,
//! and an entry beside the user per provider. Linking puts both in one
//! transaction, each only if absent; unlinking deletes both.

use async_trait::async_trait;
use aws_sdk_dynamodb::types::{Delete, TransactWriteItem};

use super::item::*;
use super::keys;
use super::users::is_taken;
use super::{sdk_error, DynamoStore};
use crate::domain::Identity;
use crate::error::StoreResult;
use crate::ports::IdentityStore;

fn identity_from(item: &Item) -> anyhow::Result<Identity> {
    Ok(Identity {
        provider: require_s(item, "provider")?,
        subject: require_s(item, "subject")?,
        user_id: require_s(item, "user_id")?,
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

    async fn identities_of(&self, user_id: &str) -> StoreResult<Vec<Identity>> {
        let (pk, prefix) = keys::identities_of(user_id);
        let items = self.query_prefix(pk, prefix).await?;
        Ok(items
            .iter()
            .map(identity_from)
            .collect::<anyhow::Result<_>>()?)
    }

    async fn unlink_identity(&self, user_id: &str, provider: &str) -> StoreResult<bool> {
        let entry = keys::user_identity(user_id, provider);
        let Some(found) = self.get(entry.clone()).await? else {
            return Ok(false);
        };
        let identity = identity_from(&found)?;
        let claim = keys::identity_claim(provider, &identity.subject);
        self.client()
            .transact_write_items()
            .transact_items(self.delete_item(entry)?)
            .transact_items(self.delete_item(claim)?)
            .send()
            .await
            .map_err(|e| sdk_error("dynamodb unlink identity", e))?;
        Ok(true)
    }
}
