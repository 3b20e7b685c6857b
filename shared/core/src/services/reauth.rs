//! "Sudo mode": sensitive changes need a sign-in within `REAUTH_SECONDS`. A
//! login starts a session signed in; `reauthenticate` renews that proof on
//! the current session. A stolen session alone cannot pass the gate.

use crate::error::{AccessError, ApiError, FactorError};
use secrecy::SecretString;
use serde_json::json;

use super::accounts::stored_email;
use super::second_factor::Credentials;
use super::security::ClientMeta;
use crate::app::Core;
use crate::domain::AuditType;
use crate::Caller;

impl Credentials<'_> {
    /// Checks the caller's password and, with MFA on, a code from a second
    /// factor (wrong ones count towards the lockout), and marks the current
    /// session as just signed in.
    pub async fn reauthenticate(
        &self,
        caller: &Caller,
        password: SecretString,
        code: Option<&str>,
        meta: &ClientMeta,
    ) -> Result<(), ApiError> {
        let record = self
            .core
            .store
            .user_by_id(caller.user_id())
            .await?
            .ok_or(AccessError::Unauthenticated)?;
        let email = stored_email(&record.user)?;
        let checked = self.check_password(&email, password, Some(&record), meta);
        let (checked, factors) = tokio::join!(checked, self.core.store.mfa(caller.user_id()));
        checked?;
        let factors = factors?;
        if !factors.enabled().is_empty() {
            // The password was right: it never stays counted, whatever follows.
            self.core.store.release_attempt(&email).await?;
            let code =
                code.ok_or_else(|| ApiError::field("code", "is required while MFA is on"))?;
            self.check_second_factor(
                &record,
                &factors,
                code,
                meta,
                ApiError::Factor(FactorError::WrongCode),
            )
            .await?;
        }
        self.core.store.clear_attempts(&email).await?;
        let now = self.core.clock.now_secs();
        let marked = self
            .core
            .store
            .mark_authenticated(caller.user_id(), caller.session_id(), now)
            .await?;
        if !marked {
            return Err(AccessError::Unauthenticated.into());
        }
        let detail = json!({ "session_id": caller.session_id() });
        self.core
            .audit(
                AuditType::Reauthenticated,
                Some(caller.user_id()),
                meta,
                detail,
            )
            .await
    }
}

impl Core {
    /// The gate of every sensitive route: `403 reauthentication_required`
    /// unless the caller's session proved who they are recently.
    pub async fn require_recent_sign_in(&self, caller: &Caller) -> Result<(), ApiError> {
        let session = self
            .store
            .session(caller.user_id(), caller.session_id())
            .await?
            .ok_or(AccessError::Unauthenticated)?;
        let now = self.clock.now_secs();
        if session.is_recent(now, self.settings.reauth_seconds) {
            Ok(())
        } else {
            Err(ApiError::Access(AccessError::ReauthenticationRequired))
        }
    }
}
