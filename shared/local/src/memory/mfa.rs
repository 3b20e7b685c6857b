//! Second factors, each change under the store's lock.

use std::collections::HashSet;
use think_tank_core::domain::UserId;

use async_trait::async_trait;

use super::{lock, MemoryStore};
use think_tank_core::domain::MfaRecord;
use think_tank_core::error::StoreResult;
use think_tank_core::ports::MfaStore;

#[derive(Default)]
pub(super) struct Factors {
    record: MfaRecord,
    backup_codes: HashSet<String>,
}

impl MemoryStore {
    fn with_factors<T>(&self, user_id: &UserId, change: impl FnOnce(&mut Factors) -> T) -> T {
        let mut all = lock(&self.mfa);
        change(all.entry(user_id.clone()).or_default())
    }
}

#[async_trait]
impl MfaStore for MemoryStore {
    async fn mfa(&self, user_id: &UserId) -> StoreResult<MfaRecord> {
        Ok(self.with_factors(user_id, |f| f.record.clone()))
    }

    async fn set_pending_totp(&self, user_id: &UserId, sealed: &str) -> StoreResult<bool> {
        Ok(self.with_factors(user_id, |f| {
            let free = f.record.totp.is_none();
            if free {
                f.record.pending_totp = Some(sealed.to_string());
            }
            free
        }))
    }

    async fn activate_totp(&self, user_id: &UserId, step: u64) -> StoreResult<bool> {
        Ok(self.with_factors(user_id, |f| {
            let r = &mut f.record;
            if r.totp.is_some() || r.pending_totp.is_none() {
                return false;
            }
            r.totp = r.pending_totp.take();
            r.last_step = Some(step);
            true
        }))
    }

    async fn accept_totp_step(&self, user_id: &UserId, step: u64) -> StoreResult<bool> {
        Ok(self.with_factors(user_id, |f| {
            let r = &mut f.record;
            let fresh = r.totp.is_some() && r.last_step.is_none_or(|last| last < step);
            if fresh {
                r.last_step = Some(step);
            }
            fresh
        }))
    }

    async fn replace_backup_codes(&self, user_id: &UserId, hashes: &[String]) -> StoreResult<()> {
        self.with_factors(user_id, |f| {
            f.backup_codes = hashes.iter().cloned().collect()
        });
        Ok(())
    }

    async fn use_backup_code(&self, user_id: &UserId, hash: &str) -> StoreResult<bool> {
        Ok(self.with_factors(user_id, |f| f.backup_codes.remove(hash)))
    }

    async fn backup_codes_left(&self, user_id: &UserId) -> StoreResult<usize> {
        Ok(self.with_factors(user_id, |f| f.backup_codes.len()))
    }

    async fn clear_mfa(&self, user_id: &UserId) -> StoreResult<()> {
        self.with_factors(user_id, |f| {
            let phone = f.record.phone.take();
            let verified = f.record.phone_verified;
            *f = Factors::default();
            f.record.phone = phone;
            f.record.phone_verified = verified;
        });
        Ok(())
    }

    async fn set_phone(&self, user_id: &UserId, phone: &str) -> StoreResult<bool> {
        Ok(self.with_factors(user_id, |f| {
            let free = !f.record.sms_enabled;
            if free {
                f.record.phone = Some(phone.to_string());
                f.record.phone_verified = false;
            }
            free
        }))
    }

    async fn verify_phone(&self, user_id: &UserId, phone: &str) -> StoreResult<bool> {
        Ok(self.with_factors(user_id, |f| {
            let same = f.record.phone.as_deref() == Some(phone);
            f.record.phone_verified |= same;
            same
        }))
    }

    async fn remove_phone(&self, user_id: &UserId) -> StoreResult<bool> {
        Ok(self.with_factors(user_id, |f| {
            let free = !f.record.sms_enabled;
            if free {
                f.record.phone = None;
                f.record.phone_verified = false;
            }
            free
        }))
    }

    async fn enable_sms(&self, user_id: &UserId) -> StoreResult<bool> {
        Ok(self.with_factors(user_id, |f| {
            let verified = f.record.phone.is_some() && f.record.phone_verified;
            f.record.sms_enabled |= verified;
            verified
        }))
    }
}
