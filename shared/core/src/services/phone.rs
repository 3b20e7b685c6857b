//! The account's phone and SMS codes. A number is added unverified and
//! verified with a 6-digit code sent to it; a verified number can become a
//! second factor. Codes are stored as keyed hashes, live 10 minutes and allow
//! 5 tries; sending is limited per number and per client IP (SMS pumping).

use rand::Rng;
use serde_json::json;

use super::second_factor::{sms_purpose, SMS_CODE_SECONDS, SMS_CODE_TRIES};
use super::security::ClientMeta;
use crate::auth::totp;
use crate::crypto::sha256_b64;
use crate::domain::{AuditType, MfaMethod, Phone, Profile};
use crate::email::{EmailJob, EmailKind};
use crate::error::ApiError;
use crate::{App, Caller};

/// SMS codes one number may receive: 3 per 10 minutes, 10 per day.
const PER_NUMBER: [(u32, i64); 2] = [(3, 600), (10, 86_400)];

/// A verification code's store entry names the number it was sent to.
fn verify_purpose(user_id: &str) -> String {
    format!("phone_code#{user_id}")
}

impl App {
    /// `POST /v1/auth/phone` (sensitive): sets an unverified number,
    /// replacing any other, and texts it a code.
    pub async fn add_phone(
        &self,
        caller: &Caller,
        raw: &str,
        meta: &ClientMeta,
    ) -> Result<(), ApiError> {
        let phone = Phone::parse(raw, &self.settings.sms_allowed_country_codes)
            .map_err(|message| ApiError::field("phone", message))?;
        self.require_recent_sign_in(caller).await?;
        let user_id = caller.user_id();
        self.verified_user(user_id).await?;
        if !self.store.set_phone(user_id, phone.as_str()).await? {
            return Err(ApiError::Conflict);
        }
        let purpose = verify_purpose(user_id);
        self.send_sms_code(&purpose, phone.as_str(), phone.as_str(), meta)
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
        let factors = self.store.mfa(user_id).await?;
        let phone = factors.phone.ok_or(ApiError::Conflict)?;
        let sent_to = self
            .take_sms_code(&verify_purpose(user_id), user_id, code)
            .await?;
        let matches = sent_to.as_deref() == Some(phone.as_str());
        if !matches || !self.store.verify_phone(user_id, &phone).await? {
            return Err(ApiError::InvalidCode);
        }
        self.audit(AuditType::PhoneVerified, Some(user_id), meta, json!({}))
            .await?;
        self.profile(user_id).await
    }

    /// `DELETE /v1/auth/phone` (sensitive); `409` while SMS MFA is on.
    pub async fn remove_phone(&self, caller: &Caller) -> Result<(), ApiError> {
        self.require_recent_sign_in(caller).await?;
        if !self.store.remove_phone(caller.user_id()).await? {
            return Err(ApiError::Conflict);
        }
        Ok(())
    }

    /// `POST /v1/auth/mfa/sms/enable` (sensitive): needs a verified phone.
    pub async fn enable_sms_mfa(
        &self,
        caller: &Caller,
        meta: &ClientMeta,
    ) -> Result<Vec<String>, ApiError> {
        self.require_recent_sign_in(caller).await?;
        let user_id = caller.user_id();
        if !self.store.enable_sms(user_id).await? {
            return Err(ApiError::Conflict);
        }
        self.factor_enabled(caller, MfaMethod::Sms, meta).await
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
        let pending = self.pending_login(mfa_token).await?;
        self.text_sign_in_code(pending.user_id(), meta).await
    }

    async fn text_sign_in_code(&self, user_id: &str, meta: &ClientMeta) -> Result<(), ApiError> {
        let factors = self.store.mfa(user_id).await?;
        let phone = factors.sms_phone().ok_or(ApiError::Conflict)?;
        self.send_sms_code(&sms_purpose(user_id), user_id, phone, meta)
            .await
    }

    /// Within the limits, stores a fresh code's hash under `purpose` (naming
    /// `subject`) and queues the text to `phone`.
    async fn send_sms_code(
        &self,
        purpose: &str,
        subject: &str,
        phone: &str,
        meta: &ClientMeta,
    ) -> Result<(), ApiError> {
        self.limit_ip("sms", meta).await?;
        let now = self.clock.now_secs();
        let number_key = sha256_b64(phone);
        for (max, window) in PER_NUMBER {
            let key = format!("sms#{window}#{number_key}");
            self.limit(&key, max, window, now).await?;
        }
        let code = loop {
            let code = format!("{:06}", rand::rng().random_range(0..1_000_000));
            let hash = self.sms_code_hash(purpose, &code);
            let expires = now + SMS_CODE_SECONDS;
            // A code still outstanding with the same digits is drawn again.
            if self
                .store
                .put_once(purpose, &hash, subject, expires, now)
                .await?
            {
                break code;
            }
        };
        let job = EmailJob::new(phone, EmailKind::SmsCode { code });
        Ok(self.email_queue.enqueue(&job).await?)
    }

    /// Uses up an unexpired code sent under `purpose`, giving its subject;
    /// after 5 tries in 10 minutes none is accepted.
    pub(super) async fn take_sms_code(
        &self,
        purpose: &str,
        user_id: &str,
        code: &str,
    ) -> Result<Option<String>, ApiError> {
        let code = code.trim();
        if !totp::is_six_digits(code) {
            return Ok(None);
        }
        let now = self.clock.now_secs();
        let key = format!("sms_tries#{purpose}#{user_id}");
        match self
            .limit(&key, SMS_CODE_TRIES, SMS_CODE_SECONDS, now)
            .await
        {
            Err(ApiError::RateLimited { .. }) => return Ok(None),
            other => other?,
        }
        let hash = self.sms_code_hash(purpose, code);
        Ok(self.store.take(purpose, &hash, now).await?)
    }
}
