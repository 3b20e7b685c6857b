//! Sign-in with an OpenID Connect provider, as its OAuth client: the
//! authorization code flow with PKCE (S256), `state` and `nonce`. Starting
//! one stores the flow for 10 minutes under a hash of its `state`; in web
//! mode it is also bound to the browser by a cookie (no login CSRF).

use crate::domain::UserId;
use crate::error::{AccountError, ApiError};
use serde::{Deserialize, Serialize};

use super::login::SignIn;
use super::security::ClientMeta;
use super::sessions::Sessions;
use crate::app::{Absent, Core, Mail, Providers};
use crate::crypto::{random_token, sha256_b64};
use crate::ports::AuthorizationRequest;

pub const FLOW_SECONDS: i64 = 600;
pub(super) const FLOW_PURPOSE: &str = "oidc_flow";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FlowMode {
    /// Cookies at the end, bound to this browser.
    Web,
    /// A single-use login code, redeemed with the app's own PKCE verifier.
    Mobile,
}

pub struct StartSignIn {
    pub provider: String,
    pub redirect_uri: String,
    pub mode: FlowMode,
    /// Handed back to the app untouched.
    pub app_state: Option<String>,
    /// Mobile: S256 of the app's verifier.
    pub app_code_challenge: Option<String>,
    /// Where this API is reached; the provider calls back below it.
    pub api_base_url: String,
    /// A link flow: the signed-in account the identity is to be linked to.
    pub link_to: Option<UserId>,
}

/// What the callback needs to finish the flow.
#[derive(Debug, Serialize, Deserialize)]
pub struct Flow {
    pub provider: String,
    pub verifier: String,
    pub nonce: String,
    pub redirect_uri: String,
    pub mode: FlowMode,
    pub app_state: Option<String>,
    pub app_code_challenge: Option<String>,
    /// Web: the hash of the `__Host-oidc_flow` cookie's value.
    pub browser: Option<String>,
    /// A link flow: the account that started it.
    #[serde(default)]
    pub link_to: Option<UserId>,
}

/// Where to send the browser, and (web) the cookie that binds the flow to it.
pub struct SignInStarted {
    pub location: String,
    pub browser_binding: Option<String>,
}

fn is_code_challenge(text: &str) -> bool {
    text.len() == 43
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Sign-in with OpenID Connect providers, and the identities linked to an account.
#[derive(Clone, Copy)]
pub struct Oidc<'a, P = Absent, M = Absent, S = Absent> {
    pub(super) core: &'a Core,
    pub(super) providers: P,
    pub(super) mail: M,
    pub(super) sessions: S,
}

crate::service!(Oidc {
    providers: P,
    mail: M,
    sessions: S
});

impl<'a, P> Oidc<'a, P, Mail<'a>, Sessions<'a>> {
    /// The sign-in steps a provider sign-in shares with a password one.
    pub(super) fn sign_in(&self) -> SignIn<'a> {
        SignIn {
            core: self.core,
            mail: self.mail,
            sessions: self.sessions,
        }
    }
}

impl Core {
    /// The configured providers' names.
    pub fn oidc_providers(&self) -> Vec<String> {
        let providers = &self.settings.oidc_providers;
        providers.iter().map(|p| p.name.clone()).collect()
    }
}

impl<M, S> Oidc<'_, Providers<'_>, M, S> {
    /// `GET /v1/auth/oidc/{provider}/authorize`: stores the flow and answers
    /// where to send the browser. A `redirect_uri` outside the allowlist is
    /// refused before anything else, so it is never redirected to. Every
    /// flow is a write: `IP_RATE_LIMIT` per client IP applies.
    pub async fn start_oidc_sign_in(
        &self,
        input: StartSignIn,
        meta: &ClientMeta,
    ) -> Result<SignInStarted, ApiError> {
        if !self
            .core
            .settings
            .oauth_redirect_uris
            .contains(&input.redirect_uri)
        {
            return Err(ApiError::field(
                "redirect_uri",
                "is not an allowed redirect URI",
            ));
        }
        if !self.core.oidc_providers().contains(&input.provider) {
            return Err(AccountError::ProviderNotFound.into());
        }
        let challenge = input.app_code_challenge.as_deref();
        match (input.mode, challenge) {
            (FlowMode::Mobile, None) if input.link_to.is_none() => {
                return Err(ApiError::field(
                    "code_challenge",
                    "is required in mobile mode",
                ))
            }
            (_, Some(c)) if !is_code_challenge(c) => {
                return Err(ApiError::field(
                    "code_challenge",
                    "must be a base64url S256 challenge",
                ))
            }
            _ => {}
        }
        self.core.limit_ip("oidc_authorize", meta).await?;
        let (state, nonce, verifier) = (random_token(32), random_token(32), random_token(32));
        let browser_binding = (input.mode == FlowMode::Web).then(|| random_token(32));
        let flow = Flow {
            provider: input.provider,
            verifier,
            nonce,
            redirect_uri: input.redirect_uri,
            mode: input.mode,
            app_state: input.app_state,
            app_code_challenge: input.app_code_challenge,
            browser: browser_binding.as_deref().map(sha256_b64),
            link_to: input.link_to,
        };
        let callback = callback_url(&input.api_base_url, &flow.provider);
        let request = AuthorizationRequest {
            state: &state,
            nonce: &flow.nonce,
            code_verifier: &flow.verifier,
            redirect_uri: &callback,
        };
        let location = self
            .providers
            .0
            .authorization_url(&flow.provider, &request)
            .await?
            .ok_or(AccountError::ProviderNotFound)?;
        let now = self.core.clock.now_secs();
        let json = serde_json::to_string(&flow).map_err(anyhow::Error::from)?;
        let key = sha256_b64(&state);
        self.core
            .store
            .put_once(FLOW_PURPOSE, &key, &json, now + FLOW_SECONDS, now)
            .await?;
        Ok(SignInStarted {
            location,
            browser_binding,
        })
    }
}

/// This API's callback for `provider`, which the provider must have registered.
pub fn callback_url(api_base_url: &str, provider: &str) -> String {
    let base = api_base_url.trim_end_matches('/');
    format!("{base}/v1/auth/oidc/{provider}/callback")
}
