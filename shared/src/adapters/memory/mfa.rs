//! Second factors, each change under the store's lock.

use std::collections::HashSet;

use async_trait::async_trait;

use super::{lock, MemoryStore};
use crate::domain::TotpRecord;
use crate::error::StoreResult;
use crate::ports::MfaStore;

#[derive(Default)]
pub(super) struct Factors {
    totp: TotpRecord,
    backup_codes: HashSet<String>,
}

impl MemoryStore {
    fn with_factors<T>(&self, user_id: &str, change: impl FnOnce(&mut Factors) -> T) -> T {
        let mut all = lock(&self.mfa);
        change(all.entry(user_id.to_string()).or_default())
    }
}

#[async_trait]
impl MfaStore for MemoryStore {
    async fn totp(&self, user_id: &str) -> StoreResult<TotpRecord> {
        Ok(self.with_factors(user_id, |f| f.totp.clone()))
    }

    async fn set_pending_totp(&self, user_id: &str, sealed: &str) -> StoreResult<bool> {
        Ok(self.with_factors(user_id, |f| {
            let free = f.totp.active.is_none();
            if free {
                f.totp.pending = Some(sealed.to_string());
            }
            free
        }))
    }

    async fn activate_totp(&self, user_id: &str, step: u64) -> StoreResult<bool> {
        Ok(self.with_factors(user_id, |f| {
            if f.totp.active.is_some() || f.totp.pending.is_none() {
                return false;
            }
            f.totp.active = f.totp.pending.take();
            f.totp.last_step = Some(step);
            true
        }))
    }

    async fn accept_totp_step(&self, user_id: &str, step: u64) -> StoreResult<bool> {
        Ok(self.with_factors(user_id, |f| {
            let fresh = f.totp.active.is_some() && f.totp.last_step.is_none_or(|last| last < step);
            if fresh {
                f.totp.last_step = Some(step);
            }
            fresh
        }))
    }

    async fn replace_backup_codes(&self, user_id: &str, hashes: &[String]) -> StoreResult<()> {
        self.with_factors(user_id, |f| {
            f.backup_codes = hashes.iter().cloned().collect()
        });
        Ok(())
    }

    async fn use_backup_code(&self, user_id: &str, hash: &str) -> StoreResult<bool> {
        Ok(self.with_factors(user_id, |f| f.backup_codes.remove(hash)))
    }

    async fn backup_codes_left(&self, user_id: &str) -> StoreResult<usize> {
        Ok(self.with_factors(user_id, |f| f.backup_codes.len()))
    }

    async fn clear_mfa(&self, user_id: &str) -> StoreResult<()> {
        lock(&self.mfa).remove(user_id);
        Ok(())
    }
}
