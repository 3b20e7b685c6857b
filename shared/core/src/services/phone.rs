//! The account's phone and SMS codes. A number is added unverified and
//! verified with a 6-digit code sent to it; a verified number can become a
//! second factor. A code is stored as a keyed hash, lives 10 minutes, allows
//! 5 tries, and a new one voids the one before. Sending is limited against
//! SMS pumping: per account and number, per account, per client IP and for
//! the whole deployment.

use crate::domain::UserId;
use crate::error::{ApiError, FactorError, RequestError};
use rand::RngExt;
use serde_json::json;

use super::mfa::Factors;
use super::second_factor::{sms_purpose, SMS_CODE_SECONDS, SMS_CODE_TRIES};
use super::security::ClientMeta;
use super::sessions::Sessions;
use crate::app::{Core, Mail};
use crate::auth::totp;
use crate::crypto::sha256_b64;
use crate::domain::{AuditType, MfaMethod, Phone, Profile};
use crate::email::{EmailJob, EmailKind, SecurityChange};
use crate::Caller;

/// Codes one account may send to one number: 3 per 10 minutes, 10 per day
/// (so no account can use up another account's budget for a number).
const PER_ACCOUNT_AND_NUMBER: [(u32, i64); 2] = [(3, 600), (10, 86_400)];
/// Codes one account may send, whatever the numbers: 5 per hour, 20 per day.
const PER_ACCOUNT: [(u32, i64); 2] = [(5, 3600), (20, 86_400)];
const DAY_SECONDS: i64 = 86_400;

/// A verification code's store entry names the number it was sent to.
fn verify_purpose(user_id: &UserId) -> String {
    format!("phone_code#{user_id}")
}

impl<S> Factors<'_, Mail<'_>, S> {
    /// `POST /v1/auth/phone` (sensitive): sets an unverified number,
    /// replacing any other, and texts it a code.
    pub async fn add_phone(
        &self,
        caller: &Caller,
        raw: &str,
        meta: &ClientMeta,
    ) -> Result<(), ApiError> {
        let phone = Phone::parse(raw, &self.core.settings.sms_allowed_regions)
            .map_err(|message| ApiError::field("phone", message))?;
        self.core.require_recent_sign_in(caller).await?;
        let user_id = caller.user_id();
        self.core.verified_user(user_id).await?;
        if !self.core.store.set_phone(user_id, phone.as_str()).await? {
            return Err(FactorError::SmsIsOn.into());
        }
        let purpose = verify_purpose(user_id);
        self.send_sms_code(&purpose, user_id, phone.as_str(), meta)
            .await
    }

    /// `POST /v1/auth/phone/verify`: the code sent to the current number.
    pub async fn verify_phone(
        &self,
        caller: &Caller,
        code: &str,
        meta: &ClientMeta,
    ) -> Result<Profile, ApiError> {
        let user_id = caller.user_id();
        let factors = self.core.store.mfa(user_id).await?;
        let phone = factors.phone.ok_or(FactorError::NoPhone)?;
        let purpose = verify_purpose(user_id);
        let taken = self
            .core
            .take_sms_code(&purpose, user_id, &phone, code)
            .await?;
        if !taken || !self.core.store.verify_phone(user_id, &phone).await? {
            return Err(FactorError::WrongCode.into());
        }
        self.core
            .audit(AuditType::PhoneVerified, Some(user_id), meta, json!({}))
            .await?;
        let profile = self.core.profile(user_id).await?;
        self.mail
            .notify_owner(&profile.user, SecurityChange::PhoneVerified)
            .await;
        Ok(profile)
    }

    /// `DELETE /v1/auth/phone` (sensitive); `409` while SMS MFA is on.
    pub async fn remove_phone(&self, caller: &Caller) -> Result<(), ApiError> {
        self.core.require_recent_sign_in(caller).await?;
        let before = self.core.profile(caller.user_id()).await?;
        if !self.core.store.remove_phone(caller.user_id()).await? {
            return Err(FactorError::SmsIsOn.into());
        }
        if before.phone_verified {
            self.mail
                .notify_owner(&before.user, SecurityChange::PhoneRemoved)
                .await;
        }
        Ok(())
    }

    /// `POST /v1/auth/mfa/sms/send`: a sign-in code for `reauthenticate` or `mfa/disable`.
    pub async fn send_sign_in_code(
        &self,
        caller: &Caller,
        meta: &ClientMeta,
    ) -> Result<(), ApiError> {
        self.text_sign_in_code(caller.user_id(), meta).await
    }

    /// `POST /v1/auth/login/mfa/sms`: the code for a pending MFA login.
    pub async fn send_login_code(
        &self,
        mfa_token: &str,
        meta: &ClientMeta,
    ) -> Result<(), ApiError> {
        let pending = self.core.pending_login(mfa_token).await?;
        self.text_sign_in_code(pending.user_id(), meta).await
    }

    async fn text_sign_in_code(&self, user_id: &UserId, meta: &ClientMeta) -> Result<(), ApiError> {
        let factors = self.core.store.mfa(user_id).await?;
        let phone = factors.sms_phone().ok_or(FactorError::NoPhone)?;
        self.send_sms_code(&sms_purpose(user_id), user_id, phone, meta)
            .await
    }

    /// Within the limits, stores a fresh code's hash for the user under
    /// `purpose` (voiding the code before) and queues the sealed text to `phone`.
    async fn send_sms_code(
        &self,
        purpose: &str,
        user_id: &UserId,
        phone: &str,
        meta: &ClientMeta,
    ) -> Result<(), ApiError> {
        self.limit_sms(user_id, phone, meta).await?;
        let now = self.core.clock.now_secs();
        let code = format!("{:06}", rand::rng().random_range(0..1_000_000));
        let subject = self.core.sms_code_subject(purpose, &code, phone);
        self.core
            .store
            .replace(purpose, user_id, &subject, now + SMS_CODE_SECONDS)
            .await?;
        let sealed_code = self.core.keys.sms_jobs.seal(code.as_bytes(), phone);
        let job = EmailJob::new(phone, EmailKind::SmsCode { sealed_code });
        self.mail.enqueue(&job).await
    }
}

impl<M, S> Factors<'_, M, S> {
    /// Every SMS limit, each answered `429 rate_limited`: the client IP, the
    /// account, the account and number, then the deployment's daily budget.
    async fn limit_sms(
        &self,
        user_id: &UserId,
        phone: &str,
        meta: &ClientMeta,
    ) -> Result<(), ApiError> {
        self.core.limit_ip("sms", meta).await?;
        let now = self.core.clock.now_secs();
        for (max, window) in PER_ACCOUNT {
            let key = format!("sms_account#{window}#{user_id}");
            self.core.limit(&key, max, window, now).await?;
        }
        let number = sha256_b64(phone);
        for (max, window) in PER_ACCOUNT_AND_NUMBER {
            let key = format!("sms#{window}#{user_id}#{number}");
            self.core.limit(&key, max, window, now).await?;
        }
        let daily = self.core.settings.sms_daily_limit;
        self.core
            .limit("sms_deployment", daily, DAY_SECONDS, now)
            .await
    }
}

impl Factors<'_, Mail<'_>, Sessions<'_>> {
    /// `POST /v1/auth/mfa/sms/enable` (sensitive): needs a verified phone.
    pub async fn enable_sms_mfa(
        &self,
        caller: &Caller,
        meta: &ClientMeta,
    ) -> Result<Vec<String>, ApiError> {
        self.core.require_recent_sign_in(caller).await?;
        let user_id = caller.user_id();
        if !self.core.store.enable_sms(user_id).await? {
            return Err(FactorError::PhoneNotVerified.into());
        }
        self.factor_enabled(caller, MfaMethod::Sms, meta).await
    }
}

impl Core {
    /// Uses up the user's current code under `purpose` if it is `code` and
    /// was sent to `phone`; after 5 tries in 10 minutes none is accepted.
    pub(super) async fn take_sms_code(
        &self,
        purpose: &str,
        user_id: &UserId,
        phone: &str,
        code: &str,
    ) -> Result<bool, ApiError> {
        let code = code.trim();
        if !totp::is_six_digits(code) {
            return Ok(false);
        }
        let now = self.clock.now_secs();
        let key = format!("sms_tries#{purpose}#{user_id}");
        match self
            .limit(&key, SMS_CODE_TRIES, SMS_CODE_SECONDS, now)
            .await
        {
            Err(ApiError::Request(RequestError::RateLimited { .. })) => return Ok(false),
            other => other?,
        }
        let subject = self.sms_code_subject(purpose, code, phone);
        Ok(self.store.take_if(purpose, user_id, &subject, now).await?)
    }
}
