//! The caller's provider identities: listing, and unlinking one (sensitive),
//! never the last way the account can sign in.

use serde_json::json;

use super::security::ClientMeta;
use crate::domain::{AuditType, Identity};
use crate::email::SecurityChange;
use crate::error::ApiError;
use crate::ports::Unlink;
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
        let record = self.store.user_by_id(user_id).await?;
        let record = record.ok_or(ApiError::Unauthorized)?;
        let has_password = record.has_password();
        match self
            .store
            .unlink_identity(user_id, provider, has_password)
            .await?
        {
            Unlink::Unlinked => {}
            Unlink::NotLinked => return Err(ApiError::NotFound),
            Unlink::LastWayToSignIn => return Err(ApiError::Conflict),
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
