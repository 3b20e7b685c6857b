//! Provider identities, each link and unlink under the store's lock.

use async_trait::async_trait;
use think_tank_core::domain::UserId;

use super::{lock, MemoryStore};
use think_tank_core::domain::Identity;
use think_tank_core::error::StoreResult;
use think_tank_core::ports::{IdentityStore, Unlink};

#[async_trait]
impl IdentityStore for MemoryStore {
    async fn link_identity(&self, identity: &Identity) -> StoreResult<bool> {
        let mut all = lock(&self.identities);
        let taken = all.iter().any(|i| {
            i.provider == identity.provider
                && (i.subject == identity.subject || i.user_id == identity.user_id)
        });
        if !taken {
            all.push(identity.clone());
        }
        Ok(!taken)
    }

    async fn identity(&self, provider: &str, subject: &str) -> StoreResult<Option<Identity>> {
        let all = lock(&self.identities);
        let found = all
            .iter()
            .find(|i| i.provider == provider && i.subject == subject);
        Ok(found.cloned())
    }

    async fn identities_of(&self, user_id: &UserId) -> StoreResult<Vec<Identity>> {
        let all = lock(&self.identities);
        let mut mine: Vec<Identity> = all
            .iter()
            .filter(|i| i.user_id == user_id)
            .cloned()
            .collect();
        mine.sort_by(|a, b| a.provider.cmp(&b.provider));
        Ok(mine)
    }

    async fn unlink_identity(
        &self,
        user_id: &UserId,
        provider: &str,
        has_password: bool,
    ) -> StoreResult<Unlink> {
        let mut all = lock(&self.identities);
        let mine = all.iter().filter(|i| i.user_id == user_id);
        let (linked, others) = mine.fold((false, 0), |(linked, others), i| {
            match i.provider == provider {
                true => (true, others),
                false => (linked, others + 1),
            }
        });
        if !linked {
            return Ok(Unlink::NotLinked);
        }
        if !has_password && others == 0 {
            return Ok(Unlink::LastWayToSignIn);
        }
        all.retain(|i| !(i.user_id == user_id && i.provider == provider));
        let unlinked = (user_id.clone(), provider.to_string());
        lock(&self.unlinked_identities).insert(unlinked);
        Ok(Unlink::Unlinked)
    }

    async fn was_unlinked(&self, user_id: &UserId, provider: &str) -> StoreResult<bool> {
        let key = (user_id.clone(), provider.to_string());
        Ok(lock(&self.unlinked_identities).contains(&key))
    }
}
