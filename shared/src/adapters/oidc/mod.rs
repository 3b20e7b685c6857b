//! The configured OpenID Connect providers, through `openidconnect`: each
//! provider's discovery document (and so its keys) is fetched once per cold
//! start (`warm`, during init) and kept; one that could not be reached is
//! fetched again when it is next used.

mod http;

use std::collections::HashMap;
use std::sync::Arc;

use anyhow::anyhow;
use async_trait::async_trait;
use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::{
    ClientId, CsrfToken, IssuerUrl, Nonce, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope,
};
use secrecy::SecretString;
use tokio::sync::RwLock;

use crate::error::{StoreError, StoreResult};
use crate::ports::{AuthorizationRequest, IdentityProviders};
use crate::settings::OidcProvider;

pub struct ConfiguredProviders {
    providers: Vec<OidcProvider>,
    #[allow(dead_code)] // the token exchange (callback) uses them
    secrets: HashMap<String, SecretString>,
    discovered: RwLock<HashMap<String, Arc<CoreProviderMetadata>>>,
}

impl ConfiguredProviders {
    pub fn new(providers: Vec<OidcProvider>, secrets: HashMap<String, SecretString>) -> Self {
        Self {
            providers,
            secrets,
            discovered: RwLock::default(),
        }
    }

    fn provider(&self, name: &str) -> Option<&OidcProvider> {
        self.providers.iter().find(|p| p.name == name)
    }

    /// The provider's metadata, fetched now if it is not known yet.
    async fn metadata(&self, provider: &OidcProvider) -> StoreResult<Arc<CoreProviderMetadata>> {
        if let Some(known) = self.discovered.read().await.get(&provider.name) {
            return Ok(known.clone());
        }
        let issuer = IssuerUrl::new(provider.issuer.clone()).map_err(anyhow::Error::from)?;
        let metadata = CoreProviderMetadata::discover_async(issuer, &http::send)
            .await
            .map_err(|e| {
                StoreError::Unavailable(anyhow!("discovery of {} failed: {e}", provider.name))
            })?;
        let metadata = Arc::new(metadata);
        self.discovered
            .write()
            .await
            .insert(provider.name.clone(), metadata.clone());
        Ok(metadata)
    }
}

#[async_trait]
impl IdentityProviders for ConfiguredProviders {
    async fn warm(&self) {
        for provider in &self.providers {
            if let Err(e) = self.metadata(provider).await {
                tracing::warn!(provider = %provider.name, error.cause_chain = ?e, "provider discovery failed; retried on use");
            }
        }
    }

    async fn authorization_url(
        &self,
        provider: &str,
        request: &AuthorizationRequest<'_>,
    ) -> StoreResult<Option<String>> {
        let Some(provider) = self.provider(provider) else {
            return Ok(None);
        };
        let metadata = self.metadata(provider).await?;
        let redirect =
            RedirectUrl::new(request.redirect_uri.to_string()).map_err(anyhow::Error::from)?;
        let client = CoreClient::from_provider_metadata(
            (*metadata).clone(),
            ClientId::new(provider.client_id.clone()),
            None,
        )
        .set_redirect_uri(redirect);
        let (state, nonce) = (request.state.to_string(), request.nonce.to_string());
        let verifier = PkceCodeVerifier::new(request.code_verifier.to_string());
        let challenge = PkceCodeChallenge::from_code_verifier_sha256(&verifier);
        let mut authorize = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                move || CsrfToken::new(state),
                move || Nonce::new(nonce),
            )
            .set_pkce_challenge(challenge);
        for scope in provider.scopes.iter().filter(|s| *s != "openid") {
            authorize = authorize.add_scope(Scope::new(scope.clone()));
        }
        let (url, _, _) = authorize.url();
        Ok(Some(url.to_string()))
    }
}
