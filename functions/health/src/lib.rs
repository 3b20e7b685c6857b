//! `GET /v1/health`: a real check of each dependency, no auth, no secrets.

#[cfg(feature = "openapi")]
pub mod docs;

use edge::http::{endpoint, Reply};
use http::{Response, StatusCode};
use lambda_http::{Body, Request};
use think_tank_core::app::Core;
use think_tank_core::services::health::HealthCheck;

shared::handlers! {
    HEALTH: "health" => health(HealthCheck);
    OPENAPI: "openapi" => openapi(&Core);
}

pub async fn health(health: HealthCheck<'_>, req: Request) -> Response<Body> {
    let core = health.core();
    endpoint(&core.settings, req, |ctx| async move {
        ctx.no_body()?;
        let report = health.health().await;
        let status = if report.is_ok() {
            StatusCode::OK
        } else {
            StatusCode::SERVICE_UNAVAILABLE
        };
        Reply::json(status, &report)
    })
    .await
}

/// The API's OpenAPI 3.1 description, as committed (a test keeps it equal to
/// the one the routes' docs generate).
pub const OPENAPI_DOCUMENT: &str = include_str!("../../../infra/openapi.json");

/// `GET /v1/openapi.json`.
pub async fn openapi(core: &Core, req: Request) -> Response<Body> {
    endpoint(&core.settings, req, |ctx| async move {
        ctx.no_body()?;
        Ok(Reply::raw_json(StatusCode::OK, OPENAPI_DOCUMENT)
            .header(http::header::CACHE_CONTROL, "public, max-age=300"))
    })
    .await
}
