//! Checking a second-factor code: a TOTP code (each step once), an SMS code
//! (hashed, 10 min, 5 tries) or a backup code (each once). Every check runs
//! under the account's lockout, like a password.

use crate::domain::UserId;
use anyhow::anyhow;
use serde_json::json;

use super::accounts::stored_email;
use super::security::ClientMeta;
use crate::app::{Core, Mail};
use crate::auth::sealed::SealingKey;
use crate::auth::{backup_codes, totp};
use crate::crypto::hmac_b64;
use crate::domain::{AuditType, MfaMethod, MfaRecord, User, UserRecord};
use crate::email::SecurityChange;
use crate::error::ApiError;

/// How long an SMS code lives, and how many wrong ones a user gets in that time.
pub const SMS_CODE_SECONDS: i64 = 600;
pub const SMS_CODE_TRIES: u32 = 5;

/// The single-use store's purpose for a user's sign-in SMS codes.
pub(super) fn sms_purpose(user_id: &UserId) -> String {
    format!("sms_code#{user_id}")
}

/// Proofs of identity (passwords, second factors) with the lockout, and the
/// emails a lockout or a used backup code sends.
#[derive(Clone, Copy)]
pub struct Credentials<'a> {
    pub(super) core: &'a Core,
    pub(super) mail: Mail<'a>,
}

crate::service!(Credentials<'a> { mail: Mail<'a> });

impl<'a> From<Mail<'a>> for Credentials<'a> {
    fn from(mail: Mail<'a>) -> Self {
        Credentials {
            core: mail.core,
            mail,
        }
    }
}

impl Credentials<'_> {
    /// One lockout-counted check of `code` against the user's factors: the
    /// factor it matched, or `wrong` (audited as `mfa_failure`, counted, maybe
    /// starting the lock).
    pub(super) async fn check_second_factor(
        &self,
        record: &UserRecord,
        factors: &MfaRecord,
        code: &str,
        meta: &ClientMeta,
        wrong: ApiError,
    ) -> Result<MfaMethod, ApiError> {
        let email = stored_email(&record.user)?;
        let number = self.core.reserve_attempt(&email).await?;
        if let Some(method) = self.accept_code(&record.user, factors, code, meta).await? {
            return Ok(method);
        }
        let failure = AuditType::MfaFailure;
        self.count_failure(&email, Some(record), number, meta, failure)
            .await?;
        Err(wrong)
    }

    async fn accept_code(
        &self,
        user: &User,
        factors: &MfaRecord,
        code: &str,
        meta: &ClientMeta,
    ) -> Result<Option<MfaMethod>, ApiError> {
        let user_id = &user.id;
        let code = code.trim();
        if totp::is_six_digits(code) {
            if let Some(sealed) = &factors.totp {
                if self.accept_totp(user_id, sealed, code).await? {
                    return Ok(Some(MfaMethod::Totp));
                }
            }
            if let Some(phone) = factors.sms_phone() {
                if self.accept_sms_code(user_id, phone, code).await? {
                    return Ok(Some(MfaMethod::Sms));
                }
            }
            return Ok(None);
        }
        if factors.enabled().is_empty() {
            return Ok(None);
        }
        let Some(normalized) = backup_codes::normalize(code) else {
            return Ok(None);
        };
        let hash = backup_codes::hash(&self.core.keys.codes, user_id, &normalized);
        if !self.core.store.use_backup_code(user_id, &hash).await? {
            return Ok(None);
        }
        let left = self.core.store.backup_codes_left(user_id).await?;
        let detail = json!({ "backup_codes_left": left });
        self.core
            .audit(AuditType::BackupCodeUsed, Some(user_id), meta, detail)
            .await?;
        self.mail
            .notify_owner(user, SecurityChange::BackupCodeUsed { left })
            .await;
        Ok(Some(MfaMethod::BackupCode))
    }

    /// A TOTP code of a step not accepted before (no replay, conditional write).
    async fn accept_totp(
        &self,
        user_id: &UserId,
        sealed: &str,
        code: &str,
    ) -> Result<bool, ApiError> {
        let seed = self.core.open_seed(sealed, user_id)?;
        let now = self.core.clock.now_secs();
        match totp::matching_step(&seed, code, now) {
            Some(step) => Ok(self.core.store.accept_totp_step(user_id, step).await?),
            None => Ok(false),
        }
    }

    /// The user's current sign-in SMS code, sent to `phone`, used up by this check.
    async fn accept_sms_code(
        &self,
        user_id: &UserId,
        phone: &str,
        code: &str,
    ) -> Result<bool, ApiError> {
        let purpose = sms_purpose(user_id);
        self.core
            .take_sms_code(&purpose, user_id, phone, code)
            .await
    }
}

impl Core {
    /// What a code is stored as: a keyed hash of it, bound to what it was
    /// sent for and the number it went to.
    pub(super) fn sms_code_subject(&self, purpose: &str, code: &str, phone: &str) -> String {
        hmac_b64(
            &self.keys.codes,
            &[
                b"sms-code",
                purpose.as_bytes(),
                code.as_bytes(),
                phone.as_bytes(),
            ],
        )
    }

    pub(super) fn seeds(&self) -> Result<&SealingKey, ApiError> {
        self.keys
            .seeds
            .as_ref()
            .ok_or_else(|| ApiError::Internal(anyhow!("MFA_ENCRYPTION_KEY is not configured")))
    }

    pub(super) fn open_seed(&self, sealed: &str, user_id: &UserId) -> Result<Vec<u8>, ApiError> {
        self.seeds()?
            .open(sealed, user_id)
            .ok_or_else(|| ApiError::Internal(anyhow!("a TOTP seed does not open")))
    }
}
