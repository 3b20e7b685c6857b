//! The configured OpenID Connect providers, through `openidconnect`: each
//! provider's discovery document (and so its keys) is fetched once per cold
//! start (`warm`, during init) and kept; one that could not be reached is
//! fetched again when it is next used.

mod http;

use std::collections::HashMap;
use std::sync::Arc;

use anyhow::anyhow;
use async_trait::async_trait;
use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreIdToken, CoreProviderMetadata};
use openidconnect::{
    AuthorizationCode, ClaimsVerificationError, ClientId, ClientSecret, CsrfToken, IssuerUrl,
    Nonce, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope, TokenResponse,
};
use secrecy::{ExposeSecret, SecretString};
use tokio::sync::RwLock;

use think_tank_core::error::{StoreError, StoreResult};
use think_tank_core::ports::{
    AuthorizationRequest, IdentityProviders, Redemption, VerifiedIdentity,
};
use think_tank_core::settings::OidcProvider;

pub struct ConfiguredProviders {
    providers: Vec<OidcProvider>,
    secrets: HashMap<String, SecretString>,
    discovered: RwLock<HashMap<String, Arc<CoreProviderMetadata>>>,
    http: Option<http::HttpsClient>,
}

impl ConfiguredProviders {
    pub fn new(providers: Vec<OidcProvider>, secrets: HashMap<String, SecretString>) -> Self {
        Self {
            providers,
            secrets,
            discovered: RwLock::default(),
            http: http::client(),
        }
    }

    fn provider(&self, name: &str) -> Option<&OidcProvider> {
        self.providers.iter().find(|p| p.name == name)
    }

    /// Forgets what discovery found, so the next use fetches it (and the keys) again.
    async fn forget(&self, provider: &OidcProvider) {
        self.discovered.write().await.remove(&provider.name);
    }

    fn client(
        &self,
        provider: &OidcProvider,
        metadata: &CoreProviderMetadata,
        redirect_uri: &str,
    ) -> StoreResult<ProviderClient> {
        let secret = self
            .secrets
            .get(&provider.name)
            .map(|s| ClientSecret::new(s.expose_secret().to_string()));
        let redirect = RedirectUrl::new(redirect_uri.to_string()).map_err(anyhow::Error::from)?;
        Ok(CoreClient::from_provider_metadata(
            metadata.clone(),
            ClientId::new(provider.client_id.clone()),
            secret,
        )
        .set_redirect_uri(redirect))
    }

    /// The code exchanged (with the PKCE verifier and the client secret) for an ID token.
    async fn exchange(
        &self,
        client: &ProviderClient,
        redemption: &Redemption<'_>,
    ) -> StoreResult<Result<CoreIdToken, Rejected>> {
        let request = client
            .exchange_code(AuthorizationCode::new(redemption.code.to_string()))
            .map_err(anyhow::Error::from)?
            .set_pkce_verifier(PkceCodeVerifier::new(redemption.code_verifier.to_string()));
        let client = self.http.clone();
        let send = move |request| http::send(client.clone(), request);
        let response = match request.request_async(&send).await {
            Ok(response) => response,
            Err(e) => return Ok(Err(Rejected::Code(e.to_string()))),
        };
        Ok(response
            .id_token()
            .cloned()
            .ok_or_else(|| Rejected::Token("no ID token".into())))
    }

    /// The provider's metadata, fetched now if it is not known yet.
    async fn metadata(&self, provider: &OidcProvider) -> StoreResult<Arc<CoreProviderMetadata>> {
        if let Some(known) = self.discovered.read().await.get(&provider.name) {
            return Ok(known.clone());
        }
        let issuer = IssuerUrl::new(provider.issuer.clone()).map_err(anyhow::Error::from)?;
        let client = self.http.clone();
        let send = move |request| http::send(client.clone(), request);
        let metadata = CoreProviderMetadata::discover_async(issuer, &send)
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

    async fn redeem(
        &self,
        provider: &str,
        redemption: &Redemption<'_>,
    ) -> StoreResult<Option<VerifiedIdentity>> {
        let Some(provider) = self.provider(provider) else {
            return Ok(None);
        };
        let metadata = self.metadata(provider).await?;
        let client = self.client(provider, &metadata, redemption.redirect_uri)?;
        let nonce = Nonce::new(redemption.nonce.to_string());
        let id_token = match self.exchange(&client, redemption).await? {
            Ok(id_token) => id_token,
            Err(why) => return Ok(refused(provider, why)),
        };
        let mut verified = verify(&client, &id_token, &nonce);
        if matches!(verified, Err(Rejected::Signature(_))) {
            // Perhaps a key the provider rotated in since discovery: fetch the
            // keys once more and check the same token again.
            self.forget(provider).await;
            let fresh = self.metadata(provider).await?;
            let client = self.client(provider, &fresh, redemption.redirect_uri)?;
            verified = verify(&client, &id_token, &nonce);
        }
        Ok(verified.map_or_else(|why| refused(provider, why), Some))
    }
}

fn refused(provider: &OidcProvider, why: Rejected) -> Option<VerifiedIdentity> {
    tracing::warn!(provider = %provider.name, reason = %why, "sign-in refused");
    None
}

type ProviderClient = CoreClient<
    openidconnect::EndpointSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointMaybeSet,
    openidconnect::EndpointMaybeSet,
>;

/// The ID token's claims, once its signature, `iss`, `aud`, `azp`, `exp`, `iat` and `nonce` pass.
fn verify(
    client: &ProviderClient,
    id_token: &CoreIdToken,
    nonce: &Nonce,
) -> Result<VerifiedIdentity, Rejected> {
    let verifier = client
        .id_token_verifier()
        .set_issue_time_verifier_fn(|iat| issued_recently(iat.timestamp()));
    let claims = id_token.claims(&verifier, nonce).map_err(|e| match e {
        ClaimsVerificationError::SignatureVerification(e) => Rejected::Signature(e.to_string()),
        e => Rejected::Token(e.to_string()),
    })?;
    // `openidconnect` leaves `azp` to its users; when present it must be us.
    if let Some(party) = claims.authorized_party() {
        if **party != **client.client_id() {
            return Err(Rejected::Token(format!("azp is {}", **party)));
        }
    }
    Ok(VerifiedIdentity {
        subject: claims.subject().to_string(),
        email: claims.email().map(|e| e.to_string()),
        email_verified: claims.email_verified().unwrap_or(false),
        name: claims
            .name()
            .and_then(|n| n.get(None))
            .map(|n| n.to_string()),
    })
}

/// An ID token comes straight from the token endpoint: it was issued just
/// now, give or take the two clocks' skew.
fn issued_recently(iat: i64) -> Result<(), String> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    match iat - now {
        ahead if ahead > MAX_CLOCK_SKEW_SECONDS => Err(format!("iat is {ahead} s ahead")),
        ahead if -ahead > MAX_ID_TOKEN_AGE_SECONDS => Err(format!("iat is {} s old", -ahead)),
        _ => Ok(()),
    }
}

const MAX_CLOCK_SKEW_SECONDS: i64 = 300;
const MAX_ID_TOKEN_AGE_SECONDS: i64 = 3600;

/// Why a redemption was refused (logged, never shown to the client).
#[derive(Debug, thiserror::Error)]
enum Rejected {
    #[error("the provider refused the code: {0}")]
    Code(String),
    #[error("the ID token failed a check: {0}")]
    Token(String),
    #[error("the ID token's signature failed: {0}")]
    Signature(String),
}
