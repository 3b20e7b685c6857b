//! Sign-in with OpenID Connect providers (README, "Sign in with a provider").
//! Each handler: parse, call one service, answer.

use std::sync::Arc;

use http::header::LOCATION;
use http::{Response, StatusCode};
use lambda_http::{Body, Request};
use serde::Serialize;
use shared::auth::cookies;
use shared::auth::Gate;
use shared::http::{endpoint, Reply};
use shared::services::oidc::{FlowMode, StartSignIn, FLOW_SECONDS};
use shared::{ApiError, App};

shared::handlers! {
    OIDC_PROVIDERS: "oidc-providers" => providers, uses [];
    OIDC_AUTHORIZE: "oidc-authorize" => authorize, uses [IdentityProviders];
    IDENTITIES_LIST: "identities-list" => identities, uses [];
    IDENTITY_UNLINK: "identity-unlink" => unlink, uses [];
}

#[derive(Serialize)]
struct IdentityList<'a> {
    items: &'a [shared::domain::Identity],
}

#[derive(Serialize)]
struct ProviderView {
    name: String,
}

#[derive(Serialize)]
struct ProviderList {
    items: Vec<ProviderView>,
}

/// `GET /v1/auth/oidc/providers` (no auth).
pub async fn providers(app: Arc<App>, req: Request) -> Response<Body> {
    let app = &*app;
    endpoint(&app.settings.allowed_origins, req, |ctx| async move {
        ctx.no_body()?;
        let items = app
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
pub async fn authorize(app: Arc<App>, req: Request) -> Response<Body> {
    let app = &*app;
    endpoint(&app.settings.allowed_origins, req, |ctx| async move {
        let redirect_uri = ctx.query("redirect_uri").unwrap_or_default().to_string();
        let input = StartSignIn {
            provider: ctx.path_id("provider")?.to_string(),
            redirect_uri,
            mode: mode(ctx.query("mode"))?,
            app_state: ctx.query("state").map(str::to_string),
            app_code_challenge: ctx.query("code_challenge").map(str::to_string),
            api_base_url: ctx.public_base_url(&app.settings.api_base_url)?,
        };
        let started = app.start_oidc_sign_in(input).await?;
        let reply = Reply::empty(StatusCode::FOUND).header(LOCATION, &started.location);
        Ok(match started.browser_binding {
            Some(value) => reply.cookies([cookies::oidc_flow(&value, FLOW_SECONDS)]),
            None => reply,
        })
    })
    .await
}

/// `GET /v1/auth/identities`: the caller's linked identities.
pub async fn identities(app: Arc<App>, req: Request) -> Response<Body> {
    let app = &*app;
    endpoint(&app.settings.allowed_origins, req, |ctx| async move {
        let items = app.my_identities(app.claim(&ctx)?).await?;
        Reply::ok(&IdentityList { items: &items })
    })
    .await
}

/// `DELETE /v1/auth/identities/{provider}` (sensitive).
pub async fn unlink(app: Arc<App>, req: Request) -> Response<Body> {
    let app = &*app;
    endpoint(&app.settings.allowed_origins, req, |ctx| async move {
        ctx.no_body()?;
        let caller = app.authenticate(&ctx).await?;
        let provider = ctx.path_id("provider")?;
        app.unlink_identity(&caller, provider, &ctx.client_meta(app))
            .await?;
        Ok(Reply::empty(StatusCode::NO_CONTENT))
    })
    .await
}
