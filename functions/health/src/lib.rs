//! `GET /v1/health`: a real check of each dependency, no auth, no secrets.

use std::sync::Arc;

use http::{Response, StatusCode};
use lambda_http::{Body, Request};
use shared::http::{endpoint, Reply};
use shared::App;

shared::handlers! {
    HEALTH: "health" => health, uses [EmailQueue, Blobs];
}

pub async fn health(app: Arc<App>, req: Request) -> Response<Body> {
    let app = &*app;
    endpoint(&app.settings.allowed_origins, req, |ctx| async move {
        ctx.no_body()?;
        let report = app.health().await;
        let status = if report.is_ok() {
            StatusCode::OK
        } else {
            StatusCode::SERVICE_UNAVAILABLE
        };
        Reply::json(status, &report)
    })
    .await
}
