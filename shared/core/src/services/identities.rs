//! The caller's provider identities: listing, and unlinking one (sensitive),
//! never the last way the account can sign in.

use crate::error::{AccessError, AccountError, ApiError};
use serde_json::json;

use super::oidc::Oidc;
use super::oidc::{FlowMode, SignInStarted, StartSignIn};
use super::security::ClientMeta;
use crate::app::{Mail, Providers};
use crate::domain::{AuditType, Identity};
use crate::email::SecurityChange;
use crate::ports::Unlink;
use crate::{Caller, Claim};

/// `POST /v1/auth/identities/{provider}`: what the app asked for.
pub struct StartLink {
    pub provider: String,
    pub redirect_uri: String,
    /// A browser (cookie) caller: the flow is bound to it like a web sign-in.
    pub browser: bool,
    pub api_base_url: String,
}

impl<M, S> Oidc<'_, Providers<'_>, M, S> {
    /// Starts a provider flow whose identity is linked to the caller's
    /// account (sensitive): the authorization URL the app opens, and for a
    /// browser the cookie that binds the flow to it.
    pub async fn start_identity_link(
        &self,
        caller: &Caller,
        input: StartLink,
        meta: &ClientMeta,
    ) -> Result<SignInStarted, ApiError> {
        self.core.require_recent_sign_in(caller).await?;
        let mode = match input.browser {
            true => FlowMode::Web,
            false => FlowMode::Mobile,
        };
        let start = StartSignIn {
            provider: input.provider,
            redirect_uri: input.redirect_uri,
            mode,
            app_state: None,
            app_code_challenge: None,
            api_base_url: input.api_base_url,
            link_to: Some(caller.user_id().clone()),
        };
        self.start_oidc_sign_in(start, meta).await
    }
}

impl<P, M, S> Oidc<'_, P, M, S> {
    /// `GET /v1/auth/identities`.
    pub async fn my_identities(&self, claim: Claim) -> Result<Vec<Identity>, ApiError> {
        let user_id = claim.user_id().to_owned();
        let read = async { Ok(self.core.store.identities_of(&user_id).await?) };
        let (_, identities) = self.core.admit_with(claim, read).await?;
        Ok(identities)
    }
}

impl<P, S> Oidc<'_, P, Mail<'_>, S> {
    /// `DELETE /v1/auth/identities/{provider}`: `404` if the caller has none
    /// there, `409` if it is their last way to sign in (no password, no other identity).
    pub async fn unlink_identity(
        &self,
        caller: &Caller,
        provider: &str,
        meta: &ClientMeta,
    ) -> Result<(), ApiError> {
        self.core.require_recent_sign_in(caller).await?;
        let user_id = caller.user_id();
        let record = self.core.store.user_by_id(user_id).await?;
        let record = record.ok_or(AccessError::Unauthenticated)?;
        let has_password = record.has_password();
        match self
            .core
            .store
            .unlink_identity(user_id, provider, has_password)
            .await?
        {
            Unlink::Unlinked => {}
            Unlink::NotLinked => return Err(AccountError::IdentityNotLinked.into()),
            Unlink::LastWayToSignIn => return Err(AccountError::LastWayToSignIn.into()),
        }
        let detail = json!({ "provider": provider });
        self.core
            .audit(AuditType::IdentityUnlinked, Some(user_id), meta, detail)
            .await?;
        let provider = provider.to_string();
        let change = SecurityChange::IdentityUnlinked { provider };
        self.mail.notify_owner(&record.user, change).await;
        Ok(())
    }
}
