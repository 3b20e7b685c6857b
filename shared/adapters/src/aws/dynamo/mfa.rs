//! Second factors beside their user: one `MFA` item (sealed TOTP seeds, the
//! last accepted step, the phone and whether SMS MFA is on), one item per
//! backup code hash.

use async_trait::async_trait;
use aws_sdk_dynamodb::types::{AttributeValue, Delete, Put, TransactWriteItem};
use think_tank_core::domain::UserId;

use super::item::*;
use super::keys;
use super::{sdk_error, DynamoStore};
use think_tank_core::domain::MfaRecord;
use think_tank_core::error::StoreResult;
use think_tank_core::ports::MfaStore;

impl DynamoStore {
    /// The hashes of the user's backup codes.
    /// Every stored code's hash, and whether it was used.
    async fn backup_code_hashes(&self, user_id: &UserId) -> StoreResult<Vec<(String, bool)>> {
        let (pk, prefix) = keys::backup_codes_of(user_id);
        let items = self.query_prefix(pk, prefix).await?;
        Ok(items
            .iter()
            .filter_map(|i| Some((get_s(i, "hash")?, get_b(i, "used"))))
            .collect())
    }

    /// One transaction: deletes `gone`, puts `new`.
    async fn swap_backup_codes(
        &self,
        user_id: &UserId,
        gone: &[String],
        new: &[String],
    ) -> StoreResult<()> {
        let mut writes = Vec::new();
        for hash in gone {
            let delete = Delete::builder()
                .table_name(self.table())
                .set_key(Some(keys::backup_code(user_id, hash)))
                .build()
                .map_err(anyhow::Error::from)?;
            writes.push(TransactWriteItem::builder().delete(delete).build());
        }
        for hash in new {
            let mut item = keys::backup_code(user_id, hash);
            item.insert("hash".into(), s(hash));
            let put = Put::builder()
                .table_name(self.table())
                .set_item(Some(item))
                .build()
                .map_err(anyhow::Error::from)?;
            writes.push(TransactWriteItem::builder().put(put).build());
        }
        if writes.is_empty() {
            return Ok(());
        }
        self.client()
            .transact_write_items()
            .set_transact_items(Some(writes))
            .send()
            .await
            .map_err(|e| sdk_error("dynamodb swap backup codes", e))?;
        Ok(())
    }
}

impl DynamoStore {
    /// One conditional update of the `MFA` item; `false` when the condition fails.
    async fn update_mfa(
        &self,
        user_id: &UserId,
        update: &str,
        condition: &str,
        values: &[(&str, AttributeValue)],
    ) -> StoreResult<bool> {
        let values = (!values.is_empty()).then(|| {
            values
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect()
        });
        let req = self
            .client()
            .update_item()
            .table_name(self.table())
            .set_key(Some(keys::mfa(user_id)))
            .update_expression(update)
            .condition_expression(condition)
            .set_expression_attribute_values(values);
        Ok(self.update_if(req, "dynamodb update mfa").await?.is_some())
    }
}

#[async_trait]
impl MfaStore for DynamoStore {
    async fn mfa(&self, user_id: &UserId) -> StoreResult<MfaRecord> {
        let item = self.get(keys::mfa(user_id)).await?;
        Ok(item.map_or_else(MfaRecord::default, |i| MfaRecord {
            totp: get_s(&i, "totp"),
            pending_totp: get_s(&i, "pending"),
            last_step: get_n(&i, "last_step").map(|s| s as u64),
            phone: get_s(&i, "phone"),
            phone_verified: get_b(&i, "phone_verified"),
            sms_enabled: get_b(&i, "sms"),
        }))
    }

    async fn set_pending_totp(&self, user_id: &UserId, sealed: &str) -> StoreResult<bool> {
        let req = self
            .client()
            .update_item()
            .table_name(self.table())
            .set_key(Some(keys::mfa(user_id)))
            .update_expression("SET pending = :sealed")
            .condition_expression("attribute_not_exists(totp)")
            .expression_attribute_values(":sealed", s(sealed));
        Ok(self
            .update_if(req, "dynamodb set pending totp")
            .await?
            .is_some())
    }

    async fn activate_totp(&self, user_id: &UserId, step: u64) -> StoreResult<bool> {
        let req = self
            .client()
            .update_item()
            .table_name(self.table())
            .set_key(Some(keys::mfa(user_id)))
            .update_expression("SET totp = pending, last_step = :step REMOVE pending")
            .condition_expression("attribute_exists(pending) AND attribute_not_exists(totp)")
            .expression_attribute_values(":step", n(step as i64));
        Ok(self
            .update_if(req, "dynamodb activate totp")
            .await?
            .is_some())
    }

    async fn accept_totp_step(&self, user_id: &UserId, step: u64) -> StoreResult<bool> {
        let req = self
            .client()
            .update_item()
            .table_name(self.table())
            .set_key(Some(keys::mfa(user_id)))
            .update_expression("SET last_step = :step")
            .condition_expression(
                "attribute_exists(totp) AND (attribute_not_exists(last_step) OR last_step < :step)",
            )
            .expression_attribute_values(":step", n(step as i64));
        Ok(self
            .update_if(req, "dynamodb accept totp step")
            .await?
            .is_some())
    }

    async fn replace_backup_codes(&self, user_id: &UserId, hashes: &[String]) -> StoreResult<()> {
        let old = self.backup_code_hashes(user_id).await?;
        let gone: Vec<String> = old
            .into_iter()
            .map(|(h, _)| h)
            .filter(|h| !hashes.contains(h))
            .collect();
        self.swap_backup_codes(user_id, &gone, hashes).await
    }

    /// Marks the code used (it stays until the set is replaced), so that a
    /// retry of a use that landed still finds it, as its own.
    async fn use_backup_code(&self, user_id: &UserId, hash: &str) -> StoreResult<bool> {
        let req = self
            .client()
            .update_item()
            .table_name(self.table())
            .set_key(Some(keys::backup_code(user_id, hash)))
            .update_expression("SET used = :used")
            .condition_expression("attribute_exists(pk) AND attribute_not_exists(used)")
            .expression_attribute_values(":used", b(true));
        Ok(self
            .update_if(req, "dynamodb use backup code")
            .await?
            .is_some())
    }

    async fn backup_codes_left(&self, user_id: &UserId) -> StoreResult<usize> {
        let codes = self.backup_code_hashes(user_id).await?;
        Ok(codes.iter().filter(|(_, used)| !used).count())
    }

    async fn clear_mfa(&self, user_id: &UserId) -> StoreResult<()> {
        let codes: Vec<String> = self
            .backup_code_hashes(user_id)
            .await?
            .into_iter()
            .map(|(h, _)| h)
            .collect();
        self.swap_backup_codes(user_id, &codes, &[]).await?;
        self.update_mfa(
            user_id,
            "REMOVE totp, pending, last_step, sms",
            "attribute_exists(pk)",
            &[],
        )
        .await
        .map(|_| ())
    }

    async fn set_phone(&self, user_id: &UserId, phone: &str) -> StoreResult<bool> {
        self.update_mfa(
            user_id,
            "SET phone = :phone, phone_verified = :no",
            "attribute_not_exists(sms) OR sms = :no",
            &[(":phone", s(phone)), (":no", b(false))],
        )
        .await
    }

    async fn verify_phone(&self, user_id: &UserId, phone: &str) -> StoreResult<bool> {
        self.update_mfa(
            user_id,
            "SET phone_verified = :yes",
            "phone = :phone",
            &[(":phone", s(phone)), (":yes", b(true))],
        )
        .await
    }

    async fn remove_phone(&self, user_id: &UserId) -> StoreResult<bool> {
        self.update_mfa(
            user_id,
            "REMOVE phone, phone_verified",
            "attribute_not_exists(sms) OR sms = :no",
            &[(":no", b(false))],
        )
        .await
    }

    async fn enable_sms(&self, user_id: &UserId) -> StoreResult<bool> {
        self.update_mfa(
            user_id,
            "SET sms = :yes",
            "phone_verified = :yes",
            &[(":yes", b(true))],
        )
        .await
    }
}
