//! Sign-in with OpenID Connect providers (README, "Sign in with a provider").
//! Each handler: parse, call one service, answer.

#[cfg(feature = "openapi")]
pub mod docs;

mod finish;

use edge::auth::signed_in::TokenResponse;
use edge::auth::Gate;
use edge::http::cookies;
use edge::http::{endpoint, Reply};
use http::header::LOCATION;
use http::{Response, StatusCode};
use lambda_http::{Body, Request};
use serde::{Deserialize, Serialize};
use think_tank_core::app::{Absent, Core, Mail, Providers};
use think_tank_core::services::identities::StartLink;
use think_tank_core::services::oidc::Oidc;
use think_tank_core::services::oidc::{FlowMode, StartSignIn, FLOW_SECONDS};
use think_tank_core::services::oidc_callback::Callback;
use think_tank_core::services::sessions::Sessions;
use think_tank_core::services::validate::Checks;
use think_tank_core::ApiError;

shared::handlers! {
    OIDC_PROVIDERS: "oidc-providers" => providers(&Core);
    OIDC_AUTHORIZE: "oidc-authorize" => authorize(Oidc<Providers>);
    OIDC_CALLBACK: "oidc-callback" => callback(Oidc<Providers, Mail, Sessions>);
    OIDC_TOKEN: "oidc-token" => token(Oidc<Absent, Absent, Sessions>);
    IDENTITIES_LIST: "identities-list" => identities(Oidc);
    IDENTITY_LINK: "identity-link" => link(Oidc<Providers>);
    IDENTITY_UNLINK: "identity-unlink" => unlink(Oidc<Absent, Mail>);
}

#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
struct IdentityList<'a> {
    items: &'a [think_tank_core::domain::Identity],
}

#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = Provider))]
struct ProviderView {
    name: String,
}

#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
struct ProviderList {
    items: Vec<ProviderView>,
}

/// `GET /v1/auth/oidc/providers` (no auth).
pub async fn providers(core: &Core, req: Request) -> Response<Body> {
    endpoint(&core.settings, req, |ctx| async move {
        ctx.no_body()?;
        let items = core
            .oidc_providers()
            .into_iter()
            .map(|name| ProviderView { name })
            .collect();
        Reply::ok(&ProviderList { items })
    })
    .await
}

fn mode(raw: Option<&str>) -> Result<FlowMode, ApiError> {
    match raw {
        Some("web") => Ok(FlowMode::Web),
        Some("mobile") => Ok(FlowMode::Mobile),
        _ => Err(ApiError::field("mode", "must be web or mobile")),
    }
}

/// `GET /v1/auth/oidc/{provider}/authorize`: `302` to the provider.
pub async fn authorize(oidc: Oidc<'_, Providers<'_>>, req: Request) -> Response<Body> {
    let core = oidc.core();
    endpoint(&core.settings, req, |ctx| async move {
        let redirect_uri = ctx.query("redirect_uri").unwrap_or_default().to_string();
        let input = StartSignIn {
            provider: ctx.path_id("provider")?,
            redirect_uri,
            mode: mode(ctx.query("mode"))?,
            app_state: ctx.query("state").map(str::to_string),
            app_code_challenge: ctx.query("code_challenge").map(str::to_string),
            api_base_url: ctx.public_base_url(&core.settings.api_base_url)?,
            link_to: None,
        };
        let started = oidc
            .start_oidc_sign_in(input, &ctx.client_meta(core))
            .await?;
        let reply = Reply::empty(StatusCode::FOUND).header(LOCATION, &started.location);
        Ok(match started.browser_binding {
            Some(value) => reply.cookies([cookies::oidc_flow(&value, FLOW_SECONDS)]),
            None => reply,
        })
    })
    .await
}

/// `GET /v1/auth/oidc/{provider}/callback`: `303` back to the app, or
/// `400 invalid_token` when no live flow has this `state`.
pub async fn callback(
    oidc: Oidc<'_, Providers<'_>, Mail<'_>, Sessions<'_>>,
    req: Request,
) -> Response<Body> {
    let core = oidc.core();
    endpoint(&core.settings, req, |ctx| async move {
        let input = Callback {
            provider: ctx.path_id("provider")?,
            state: ctx.query("state").map(str::to_string),
            code: ctx.query("code").map(str::to_string),
            error: ctx.query("error").map(str::to_string),
            browser_binding: ctx.cookie(cookies::OIDC_FLOW),
            api_base_url: ctx.public_base_url(&core.settings.api_base_url)?,
        };
        let outcome = oidc
            .finish_oidc_sign_in(input, &ctx.client_meta(core))
            .await?;
        let now = core.clock.now_secs();
        Ok(finish::redirect_to_app(outcome, &core.keys.csrf, now))
    })
    .await
}

#[derive(Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = OidcTokenBody))]
#[serde(deny_unknown_fields)]
struct TokenBody {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 512))]
    code: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 128))]
    code_verifier: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 100))]
    device_name: Option<String>,
}

/// `POST /v1/auth/oidc/token`: a mobile app's login code, redeemed with
/// its PKCE verifier; `200` as `POST /v1/auth/login`.
pub async fn token(oidc: Oidc<'_, Absent, Absent, Sessions<'_>>, req: Request) -> Response<Body> {
    let core = oidc.core();
    endpoint(&core.settings, req, |ctx| async move {
        let body = ctx.body::<TokenBody>()?;
        let mut checks = Checks::default();
        checks.text("code", &body.code, 1, 512);
        checks.text("code_verifier", &body.code_verifier, 1, 128);
        let device_name = body
            .device_name
            .map(|d| checks.text("device_name", &d, 0, 100))
            .filter(|d| !d.is_empty());
        checks.finish()?;
        let meta = ctx.client_meta(core);
        let issued = oidc
            .redeem_login_code(&body.code, &body.code_verifier, device_name, &meta)
            .await?;
        Reply::ok(&TokenResponse::new(&issued, core.clock.now_secs()))
    })
    .await
}

/// `GET /v1/auth/identities`: the caller's linked identities.
pub async fn identities(oidc: Oidc<'_>, req: Request) -> Response<Body> {
    let core = oidc.core();
    endpoint(&core.settings, req, |ctx| async move {
        let items = oidc.my_identities(core.claim(&ctx)?).await?;
        Reply::ok(&IdentityList { items: &items })
    })
    .await
}

#[derive(Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
struct LinkBody {
    /// Where the provider flow ends: `?linked=<provider>` or `?error=<code>`.
    redirect_uri: String,
}

/// `POST /v1/auth/identities/{provider}`'s answer.
#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
struct LinkStarted {
    /// Open it (a browser, or the platform's authentication session).
    authorize_url: String,
}

/// `POST /v1/auth/identities/{provider}` (sensitive): starts a flow that
/// links the provider's identity to the caller's account.
pub async fn link(oidc: Oidc<'_, Providers<'_>>, req: Request) -> Response<Body> {
    let core = oidc.core();
    endpoint(&core.settings, req, |ctx| async move {
        let caller = core.authenticate(&ctx).await?;
        let body = ctx.body::<LinkBody>()?;
        let input = StartLink {
            provider: ctx.path_id("provider")?,
            redirect_uri: body.redirect_uri,
            browser: caller.via_cookie(),
            api_base_url: ctx.public_base_url(&core.settings.api_base_url)?,
        };
        let meta = ctx.client_meta(core);
        let started = oidc.start_identity_link(&caller, input, &meta).await?;
        let reply = Reply::ok(&LinkStarted {
            authorize_url: started.location,
        })?;
        Ok(match started.browser_binding {
            Some(value) => reply.cookies([cookies::oidc_flow(&value, FLOW_SECONDS)]),
            None => reply,
        })
    })
    .await
}

/// `DELETE /v1/auth/identities/{provider}` (sensitive).
pub async fn unlink(oidc: Oidc<'_, Absent, Mail<'_>>, req: Request) -> Response<Body> {
    let core = oidc.core();
    endpoint(&core.settings, req, |ctx| async move {
        ctx.no_body()?;
        let caller = core.authenticate(&ctx).await?;
        let provider: String = ctx.path_id("provider")?;
        oidc.unlink_identity(&caller, &provider, &ctx.client_meta(core))
            .await?;
        Ok(Reply::empty(StatusCode::NO_CONTENT))
    })
    .await
}

// Their field types are the whole check.
edge::typed_bodies!(TokenBody, LinkBody);
