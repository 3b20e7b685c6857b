//! The caller's provider identities: listing, and unlinking one (sensitive),
//! never the last way the account can sign in.

use serde_json::json;

use super::security::ClientMeta;
use crate::domain::{AuditType, Identity};
use crate::email::SecurityChange;
use crate::error::ApiError;
use crate::{App, Caller, Claim};

impl App {
    /// `GET /v1/auth/identities`.
    pub async fn my_identities(&self, claim: Claim) -> Result<Vec<Identity>, ApiError> {
        let user_id = claim.user_id().to_owned();
        let read = async { Ok(self.store.identities_of(&user_id).await?) };
        let (_, identities) = self.admit_with(claim, read).await?;
        Ok(identities)
    }

    /// `DELETE /v1/auth/identities/{provider}`: `404` if the caller has none
    /// there, `409` if it is their last way to sign in (no password, no other identity).
    pub async fn unlink_identity(
        &self,
        caller: &Caller,
        provider: &str,
        meta: &ClientMeta,
    ) -> Result<(), ApiError> {
        self.require_recent_sign_in(caller).await?;
        let user_id = caller.user_id();
        let (record, identities) = tokio::try_join!(
            self.store.user_by_id(user_id),
            self.store.identities_of(user_id)
        )?;
        let record = record.ok_or(ApiError::Unauthorized)?;
        if !identities.iter().any(|i| i.provider == provider) {
            return Err(ApiError::NotFound);
        }
        if !record.has_password() && identities.len() < 2 {
            return Err(ApiError::Conflict);
        }
        if !self.store.unlink_identity(user_id, provider).await? {
            return Err(ApiError::NotFound);
        }
        let detail = json!({ "provider": provider });
        self.audit(AuditType::IdentityUnlinked, Some(user_id), meta, detail)
            .await?;
        let provider = provider.to_string();
        let change = SecurityChange::IdentityUnlinked { provider };
        self.notify_owner(&record.user, change).await;
        Ok(())
    }
}
