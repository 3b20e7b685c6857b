//! The end of a provider sign-in: the provider sends the browser back with a
//! `code` and our `state`. The flow is taken once (unknown, used or expired
//! is `400 invalid_token`); from then on every failure goes back to the app's
//! `redirect_uri` as an `error` code.

use crate::domain::UserId;
use crate::error::{AccessError, ApiError, SignInError, StoreError};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::mfa_login::PendingLogin;
use super::oidc::Oidc;
use super::oidc::{callback_url, Flow, FlowMode, FLOW_PURPOSE};
use super::oidc_accounts::{Destination, PendingLink};
use super::security::ClientMeta;
use super::sessions::IssuedSession;
use super::sessions::Sessions;
use crate::app::{Mail, Providers};
use crate::crypto::{constant_time_eq, sha256_b64};
use crate::domain::{AuditType, MfaMethod, UserRecord};
use crate::ports::{Redemption, VerifiedIdentity};

/// How long a mobile app has to redeem its login code.
pub const LOGIN_CODE_SECONDS: i64 = 60;
const LOGIN_CODE_PURPOSE: &str = "oidc_login_code";

/// What the provider sent back, and what the browser carried.
pub struct Callback {
    pub provider: String,
    pub state: Option<String>,
    pub code: Option<String>,
    /// The provider's `error`, when it did not sign the user in.
    pub error: Option<String>,
    /// Web mode: the `__Host-oidc_flow` cookie's value.
    pub browser_binding: Option<String>,
    pub api_base_url: String,
}

/// Why a known flow failed, as the app sees it in `?error=`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CallbackError {
    AccessDenied,
    InvalidState,
    InvalidIdToken,
    EmailNotVerified,
    AccountLocked,
    /// The address has an account this identity may not link itself to.
    AccountExists,
    /// A link flow's identity belongs to another account.
    IdentityTaken,
    ServerError,
}

impl CallbackError {
    pub fn as_str(self) -> &'static str {
        match self {
            CallbackError::AccessDenied => "access_denied",
            CallbackError::InvalidState => "invalid_state",
            CallbackError::InvalidIdToken => "invalid_id_token",
            CallbackError::EmailNotVerified => "email_not_verified",
            CallbackError::AccountLocked => "account_locked",
            CallbackError::AccountExists => "account_exists",
            CallbackError::IdentityTaken => "identity_taken",
            CallbackError::ServerError => "server_error",
        }
    }
}

impl From<ApiError> for CallbackError {
    fn from(error: ApiError) -> Self {
        match error {
            ApiError::SignIn(SignInError::AccountLocked { .. }) => CallbackError::AccountLocked,
            other => {
                tracing::error!(error = %other, "a provider sign-in failed");
                CallbackError::ServerError
            }
        }
    }
}

impl From<StoreError> for CallbackError {
    fn from(error: StoreError) -> Self {
        ApiError::from(error).into()
    }
}

/// How a successful provider sign-in ends.
pub enum ProviderSignIn {
    /// Web mode: the session whose cookies the browser gets.
    Web(Box<IssuedSession>),
    /// Mobile mode: the single-use login code for `POST /v1/auth/oidc/token`.
    Mobile { code: String },
    /// A second factor is on: the app finishes with `POST /v1/auth/login/mfa`.
    MfaRequired {
        mfa_token: String,
        methods: Vec<MfaMethod>,
    },
    /// A link flow: the identity now signs in to the account that started it.
    Linked { provider: String },
}

/// Where the callback sends the browser, and with what.
pub struct CallbackOutcome {
    pub redirect_uri: String,
    pub app_state: Option<String>,
    pub mode: FlowMode,
    pub result: Result<ProviderSignIn, CallbackError>,
}

/// A mobile login code's record: whose it is and the app's PKCE challenge.
#[derive(Serialize, Deserialize)]
struct LoginCode {
    user_id: UserId,
    provider: String,
    code_challenge: String,
    /// The account's credential generation: a change before the code is
    /// redeemed voids it.
    #[serde(default)]
    generation: u64,
    /// An identity to link once the second factor is given.
    #[serde(default)]
    link: Option<PendingLink>,
}

impl Oidc<'_, Providers<'_>, Mail<'_>, Sessions<'_>> {
    /// `GET /v1/auth/oidc/{provider}/callback`. Each one may redeem a code
    /// at the provider: `IP_RATE_LIMIT` per client IP applies.
    pub async fn finish_oidc_sign_in(
        &self,
        input: Callback,
        meta: &ClientMeta,
    ) -> Result<CallbackOutcome, ApiError> {
        self.core.limit_ip("oidc_callback", meta).await?;
        let flow = self.take_flow(input.state.as_deref()).await?;
        let result = self.complete_flow(&flow, &input, meta).await;
        Ok(CallbackOutcome {
            redirect_uri: flow.redirect_uri,
            app_state: flow.app_state,
            mode: flow.mode,
            result,
        })
    }

    async fn complete_flow(
        &self,
        flow: &Flow,
        input: &Callback,
        meta: &ClientMeta,
    ) -> Result<ProviderSignIn, CallbackError> {
        if flow.provider != input.provider || !started_in_this_browser(flow, input) {
            return Err(CallbackError::InvalidState);
        }
        if let Some(error) = &input.error {
            return Err(provider_refusal(error));
        }
        let code = input.code.as_deref().ok_or(CallbackError::AccessDenied)?;
        let callback = callback_url(&input.api_base_url, &flow.provider);
        let redemption = Redemption {
            code,
            code_verifier: &flow.verifier,
            nonce: &flow.nonce,
            redirect_uri: &callback,
        };
        let identity = self
            .providers
            .0
            .redeem(&flow.provider, &redemption)
            .await?
            .ok_or(CallbackError::InvalidIdToken)?;
        if let Some(user_id) = &flow.link_to {
            return self.link_to_account(user_id, flow, &identity, meta).await;
        }
        let destination = self.destination(&flow.provider, &identity).await?;
        self.provider_sign_in(destination, &identity, flow, meta)
            .await
    }

    /// A link flow started from the account: the identity signs in to it from
    /// now on, unless it belongs to another account.
    async fn link_to_account(
        &self,
        user_id: &UserId,
        flow: &Flow,
        identity: &VerifiedIdentity,
        meta: &ClientMeta,
    ) -> Result<ProviderSignIn, CallbackError> {
        let record = self.core.store.user_by_id(user_id).await?;
        let record = record.ok_or(CallbackError::AccessDenied)?;
        let link = PendingLink::of(&flow.provider, identity);
        self.sign_in()
            .link(&link, &record, json!({ "from_account": true }), meta)
            .await?;
        Ok(ProviderSignIn::Linked {
            provider: flow.provider.clone(),
        })
    }

    /// Signs in under the lockout, like a right password, before anything is
    /// written: refused while locked, a second factor still asked for. With
    /// a factor on, a link by email waits for it (it rides in the pending
    /// sign-in). A web sign-in with a factor on goes back with an
    /// `mfa_token`; a mobile one gets its login code as usual and
    /// `POST /v1/auth/oidc/token` asks for the factor, so only the app
    /// holding the PKCE verifier ever sees the `mfa_token`.
    async fn provider_sign_in(
        &self,
        destination: Destination,
        identity: &VerifiedIdentity,
        flow: &Flow,
        meta: &ClientMeta,
    ) -> Result<ProviderSignIn, CallbackError> {
        let email = destination.email()?;
        self.core.reserve_attempt(&email).await?;
        let provider = flow.provider.as_str();
        if let Some(record) = destination.guarded_account() {
            let factors = self.core.store.mfa(&record.user.id).await?;
            if !factors.login_methods().is_empty() {
                // Not a failure, but cleared only once the second factor is right.
                self.core.store.release_attempt(&email).await?;
                let link = matches!(destination, Destination::LinkByEmail(_))
                    .then(|| PendingLink::of(provider, identity));
                return self
                    .second_factor_first(record, &factors, link, flow, meta)
                    .await;
            }
        }
        self.core.store.clear_attempts(&email).await?;
        let record = self.settle(provider, identity, destination, meta).await?;
        match flow.mode {
            FlowMode::Web => {
                let issued = self.provider_session(&record, provider, None, meta);
                Ok(ProviderSignIn::Web(Box::new(issued.await?)))
            }
            FlowMode::Mobile => {
                let challenge = flow.app_code_challenge.clone().unwrap_or_default();
                let code = self.login_code(&record, provider, challenge, None);
                Ok(ProviderSignIn::Mobile { code: code.await? })
            }
        }
    }

    /// An account with a factor on: web gets the `mfa_token`, mobile its
    /// login code; `link` is written only once the factor is given.
    async fn second_factor_first(
        &self,
        record: &UserRecord,
        factors: &crate::domain::MfaRecord,
        link: Option<PendingLink>,
        flow: &Flow,
        meta: &ClientMeta,
    ) -> Result<ProviderSignIn, CallbackError> {
        let provider = flow.provider.as_str();
        if flow.mode == FlowMode::Mobile {
            let challenge = flow.app_code_challenge.clone().unwrap_or_default();
            let code = self.login_code(record, provider, challenge, link).await?;
            return Ok(ProviderSignIn::Mobile { code });
        }
        let pending = PendingLogin::new(record, true, None).with_link(link);
        let prompt = self.core.second_factor_prompt(factors, pending);
        let (mfa_token, methods) = prompt.ok_or(CallbackError::ServerError)?;
        let detail = json!({ "provider": provider, "mfa_required": true });
        self.core
            .audit(AuditType::OidcLogin, Some(&record.user.id), meta, detail)
            .await?;
        Ok(ProviderSignIn::MfaRequired { mfa_token, methods })
    }
}

impl<P, M, S> Oidc<'_, P, M, S> {
    /// The flow started with `state`, removed so that it works once.
    async fn take_flow(&self, state: Option<&str>) -> Result<Flow, ApiError> {
        let state = state.ok_or(AccessError::InvalidSingleUseToken)?;
        self.core.take_single_use(FLOW_PURPOSE, state).await
    }

    async fn login_code(
        &self,
        account: &UserRecord,
        provider: &str,
        code_challenge: String,
        link: Option<PendingLink>,
    ) -> Result<String, ApiError> {
        let record = LoginCode {
            user_id: account.user.id.clone(),
            provider: provider.to_string(),
            code_challenge,
            generation: account.credential_generation,
            link,
        };
        let json = serde_json::to_string(&record).map_err(anyhow::Error::from)?;
        self.core
            .single_use_token(LOGIN_CODE_PURPOSE, &json, LOGIN_CODE_SECONDS)
            .await
    }
}

impl<P, M> Oidc<'_, P, M, Sessions<'_>> {
    /// Starts the session of a provider sign-in and audits it.
    async fn provider_session(
        &self,
        record: &UserRecord,
        provider: &str,
        device_name: Option<String>,
        meta: &ClientMeta,
    ) -> Result<IssuedSession, ApiError> {
        let issued = self
            .sessions
            .start_session(record, device_name, meta)
            .await?;
        let detail = json!({ "provider": provider, "session_id": issued.session.id });
        self.core
            .audit(AuditType::OidcLogin, Some(&record.user.id), meta, detail)
            .await?;
        Ok(issued)
    }

    /// `POST /v1/auth/oidc/token`: a mobile app redeems its login code with
    /// the verifier of the challenge it started with. The code is gone after
    /// the first try, right or wrong, so a verifier cannot be guessed at.
    pub async fn redeem_login_code(
        &self,
        code: &str,
        code_verifier: &str,
        device_name: Option<String>,
        meta: &ClientMeta,
    ) -> Result<IssuedSession, ApiError> {
        let login: LoginCode = self.core.take_single_use(LOGIN_CODE_PURPOSE, code).await?;
        if !constant_time_eq(&sha256_b64(code_verifier), &login.code_challenge) {
            return Err(AccessError::InvalidSingleUseToken.into());
        }
        let record = self.core.store.user_by_id(&login.user_id).await?;
        let record = record
            .filter(|r| r.credential_generation == login.generation)
            .ok_or(AccessError::InvalidSingleUseToken)?;
        let factors = self.core.store.mfa(&record.user.id).await?;
        let pending =
            PendingLogin::new(&record, false, device_name.clone()).with_link(login.link.clone());
        if let Some((mfa_token, methods)) = self.core.second_factor_prompt(&factors, pending) {
            let detail = json!({ "provider": login.provider, "mfa_required": true });
            self.core
                .audit(AuditType::OidcLogin, Some(&record.user.id), meta, detail)
                .await?;
            return Err(ApiError::SignIn(SignInError::MfaRequired {
                mfa_token,
                methods,
            }));
        }
        if login.link.is_some() {
            // A link waits for the second factor the account had at the
            // callback; turning factors off moves the credential generation,
            // so a code that carries one always meets the prompt above.
            return Err(AccessError::InvalidSingleUseToken.into());
        }
        self.provider_session(&record, &login.provider, device_name, meta)
            .await
    }
}

/// Web mode: the browser that comes back carries the cookie set when the
/// flow started (so nobody can finish their own sign-in in a victim's browser).
fn started_in_this_browser(flow: &Flow, input: &Callback) -> bool {
    match (&flow.browser, &input.browser_binding) {
        (None, _) => flow.mode == FlowMode::Mobile,
        (Some(expected), Some(value)) => constant_time_eq(expected, &sha256_b64(value)),
        (Some(_), None) => false,
    }
}

/// The provider's `error`: the user (or the provider's policy) said no, or
/// something is wrong with the provider or our registration there.
fn provider_refusal(error: &str) -> CallbackError {
    tracing::info!(
        provider_error = error,
        "the provider did not sign the user in"
    );
    match error {
        "access_denied"
        | "login_required"
        | "consent_required"
        | "interaction_required"
        | "account_selection_required" => CallbackError::AccessDenied,
        // Our registration or the provider is at fault, not the user.
        _ => CallbackError::ServerError,
    }
}
