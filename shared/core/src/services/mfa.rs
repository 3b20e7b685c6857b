//! Enrolling and removing second factors: TOTP setup and enable, backup
//! codes, disabling every factor. Setup and regenerating codes are sensitive
//! (a recent sign-in); every change is audited and mailed to the owner.

use crate::domain::{SessionId, UserId};
use crate::error::{AccessError, ApiError, FactorError};
use secrecy::SecretString;
use serde_json::json;

use super::accounts::stored_email;
use super::second_factor::Credentials;
use super::security::ClientMeta;
use super::sessions::Sessions;
use crate::app::{Absent, Core, Mail};
use crate::auth::{backup_codes, totp};
use crate::domain::{AuditType, MfaMethod, User, UserChanges};
use crate::email::SecurityChange;
use crate::Caller;

/// What an authenticator app needs: the seed in base32 and as a URI.
pub struct TotpSetup {
    pub secret: String,
    pub otpauth_uri: String,
}

/// Second factors: TOTP, backup codes, the phone and SMS codes.
#[derive(Clone, Copy)]
pub struct Factors<'a, M = Absent, S = Absent> {
    pub(super) core: &'a Core,
    pub(super) mail: M,
    pub(super) sessions: S,
}

crate::service!(Factors {
    mail: M,
    sessions: S
});

impl<M, S> Factors<'_, M, S> {
    /// A new pending TOTP seed (replacing a pending one); `409` while TOTP is on.
    pub async fn totp_setup(&self, caller: &Caller) -> Result<TotpSetup, ApiError> {
        self.core.require_recent_sign_in(caller).await?;
        let user = self.core.verified_user(caller.user_id()).await?;
        let seed = totp::new_secret();
        let sealed = self.core.seeds()?.seal(&seed, &user.id);
        if !self.core.store.set_pending_totp(&user.id, &sealed).await? {
            return Err(FactorError::TotpAlreadyOn.into());
        }
        let otpauth_uri = totp::otpauth_uri(&seed, &user.email)
            .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("otpauth URI")))?;
        Ok(TotpSetup {
            secret: totp::base32(&seed),
            otpauth_uri,
        })
    }

    async fn new_backup_codes(&self, user_id: &UserId) -> Result<Vec<String>, ApiError> {
        let codes = backup_codes::generate();
        let hashes: Vec<String> = codes
            .iter()
            .filter_map(|c| backup_codes::normalize(c))
            .map(|c| backup_codes::hash(&self.core.keys.codes, user_id, &c))
            .collect();
        self.core
            .store
            .replace_backup_codes(user_id, &hashes)
            .await?;
        Ok(codes)
    }
}

impl<S> Factors<'_, Mail<'_>, S> {
    /// `POST /v1/auth/mfa/backup-codes`: a whole new set; the old one stops working.
    pub async fn regenerate_backup_codes(
        &self,
        caller: &Caller,
        meta: &ClientMeta,
    ) -> Result<Vec<String>, ApiError> {
        self.core.require_recent_sign_in(caller).await?;
        let user_id = caller.user_id();
        let user = self.core.verified_user(user_id).await?;
        if self.core.store.mfa(user_id).await?.enabled().is_empty() {
            return Err(FactorError::NoFactorOn.into());
        }
        let codes = self.new_backup_codes(user_id).await?;
        self.mail
            .notify_owner(&user, SecurityChange::BackupCodesReplaced)
            .await;
        let detail = json!({ "factor": MfaMethod::BackupCode.as_str(), "regenerated": true });
        self.core
            .audit(AuditType::MfaEnabled, Some(user_id), meta, detail)
            .await?;
        Ok(codes)
    }
}

impl Factors<'_, Mail<'_>, Sessions<'_>> {
    /// Confirms the pending seed with a code from the app and turns TOTP on;
    /// the first factor also brings the backup codes.
    pub async fn totp_enable(
        &self,
        caller: &Caller,
        code: &str,
        meta: &ClientMeta,
    ) -> Result<Vec<String>, ApiError> {
        let user_id = caller.user_id();
        let factors = self.core.store.mfa(user_id).await?;
        let pending = match (&factors.totp, &factors.pending_totp) {
            (None, Some(pending)) => pending,
            _ => return Err(FactorError::NoPendingTotp.into()),
        };
        let seed = self.core.open_seed(pending, user_id)?;
        let Some(step) = totp::matching_step(&seed, code, self.core.clock.now_secs()) else {
            let detail = json!({ "factor": "totp", "during": "enable" });
            self.core
                .audit(AuditType::MfaFailure, Some(user_id), meta, detail)
                .await?;
            return Err(FactorError::WrongCode.into());
        };
        if !self.core.store.activate_totp(user_id, step).await? {
            return Err(FactorError::NoPendingTotp.into());
        }
        self.factor_enabled(caller, MfaMethod::Totp, meta).await
    }

    /// Marks the account as using MFA, audits, mails the owner; the backup
    /// codes if this is the first set.
    pub(super) async fn factor_enabled(
        &self,
        caller: &Caller,
        method: MfaMethod,
        meta: &ClientMeta,
    ) -> Result<Vec<String>, ApiError> {
        let user_id = caller.user_id();
        let codes = match self.core.store.backup_codes_left(user_id).await? {
            0 => self.new_backup_codes(user_id).await?,
            _ => Vec::new(),
        };
        let changes = UserChanges {
            mfa_enabled: Some(true),
            ..Default::default()
        };
        // A factor turned on is a credential change: the other sessions go.
        let keep = Some(caller.session_id());
        let (record, revoked) = self
            .sessions
            .change_credentials(user_id, changes, keep)
            .await?;
        let detail = json!({ "factor": method.as_str(), "sessions_revoked": revoked });
        self.core
            .audit(AuditType::MfaEnabled, Some(user_id), meta, detail)
            .await?;
        let factor = method.as_str().to_string();
        self.mail
            .notify_owner(&record.user, SecurityChange::FactorEnabled { factor })
            .await;
        Ok(codes)
    }

    /// `POST /v1/auth/mfa/disable`: every factor off, backup codes gone. Needs
    /// the password (or, for an account without one, a recent sign-in) and a
    /// code from any factor; wrong ones count towards the lockout.
    pub async fn disable_mfa(
        &self,
        caller: &Caller,
        password: Option<SecretString>,
        code: &str,
        meta: &ClientMeta,
    ) -> Result<(), ApiError> {
        let user_id = caller.user_id();
        let record = self
            .core
            .store
            .user_by_id(user_id)
            .await?
            .ok_or(AccessError::Unauthenticated)?;
        let factors = self.core.store.mfa(user_id).await?;
        if factors.enabled().is_empty() {
            return Err(FactorError::NoFactorOn.into());
        }
        let email = stored_email(&record.user)?;
        match (record.has_password(), password) {
            (true, Some(password)) => {
                Credentials::from(self.mail)
                    .check_password(&email, password, Some(&record), meta)
                    .await?
            }
            (true, None) => return Err(ApiError::field("password", "is required")),
            (false, _) => self.core.require_recent_sign_in(caller).await?,
        }
        if record.has_password() {
            // The password was right: only the code's own attempt counts now.
            self.core.store.release_attempt(&email).await?;
        }
        Credentials::from(self.mail)
            .check_second_factor(
                &record,
                &factors,
                code,
                meta,
                ApiError::Factor(FactorError::WrongCode),
            )
            .await?;
        self.core.store.clear_attempts(&email).await?;
        let keep = Some(caller.session_id());
        self.turn_mfa_off(&record.user, keep, meta, json!({ "by": "owner" }))
            .await
    }

    /// Clears every factor, marks the account (a credential change: every
    /// session but `keep` is revoked), audits and mails the owner.
    pub(super) async fn turn_mfa_off(
        &self,
        user: &User,
        keep: Option<&SessionId>,
        meta: &ClientMeta,
        mut detail: serde_json::Value,
    ) -> Result<(), ApiError> {
        self.core.store.clear_mfa(&user.id).await?;
        let changes = UserChanges {
            mfa_enabled: Some(false),
            ..Default::default()
        };
        let (_, revoked) = self
            .sessions
            .change_credentials(&user.id, changes, keep)
            .await?;
        detail["sessions_revoked"] = json!(revoked);
        self.core
            .audit(AuditType::MfaDisabled, Some(&user.id), meta, detail)
            .await?;
        self.mail
            .notify_owner(user, SecurityChange::FactorsDisabled)
            .await;
        Ok(())
    }
}
