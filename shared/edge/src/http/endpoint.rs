//! The wrapper every handler runs in: body limit, problem documents, request id,
//! security headers, CORS and `Cache-Control: no-store` under `/v1/auth/`
//! (unless the route set its own).

use std::future::Future;
use think_tank_core::error::{ApiError, RequestError, SignInError};

use http::{HeaderMap, HeaderValue, Response};
use lambda_http::{Body, Request};
use tracing::Instrument;

use super::reply::{problem, Reply};
use super::{cors, Ctx, MAX_BODY_BYTES};
use think_tank_core::settings::Settings;

const SECURITY_HEADERS: [(&str, &str); 4] = [
    (
        "content-security-policy",
        "default-src 'none'; frame-ancestors 'none'; base-uri 'none'",
    ),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "no-referrer"),
    (
        "strict-transport-security",
        "max-age=63072000; includeSubDomains",
    ),
];

/// A failure that carries extra problem members (e.g. `mfa_token`).
pub struct Failure {
    pub error: ApiError,
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl From<ApiError> for Failure {
    fn from(error: ApiError) -> Self {
        let mut extra = serde_json::Map::new();
        if let ApiError::SignIn(SignInError::MfaRequired { mfa_token, methods }) = &error {
            extra.insert("mfa_token".into(), mfa_token.clone().into());
            extra.insert("mfa_methods".into(), serde_json::json!(methods));
        }
        Self { error, extra }
    }
}

/// CORS answers for `settings.allowed_origins`; problems point at
/// `settings.problem_base_url`.
pub async fn endpoint<F, Fut>(settings: &Settings, req: Request, handler: F) -> Response<Body>
where
    F: FnOnce(Ctx) -> Fut,
    Fut: Future<Output = Result<Reply, ApiError>>,
{
    let ctx = Ctx::from_request(req);
    let origin = ctx.header("origin").map(str::to_owned);
    let path = ctx.path.clone();
    let request_id = ctx.request_id.clone();
    // Every log line of the request carries these; `user_id` once authenticated.
    let span = tracing::info_span!(
        "request",
        request_id = %request_id,
        route = %ctx.route,
        user_id = tracing::field::Empty,
    );
    let handled = async {
        let result = if ctx.body.len() > MAX_BODY_BYTES {
            Err(ApiError::Request(RequestError::TooLarge))
        } else {
            handler(ctx).await
        };
        let base = settings.problem_base_url.as_deref();
        result.unwrap_or_else(|err| failure_reply(err.into(), &request_id, base))
    };
    let reply = handled.instrument(span).await;
    finish(
        reply,
        &path,
        &request_id,
        origin.as_deref(),
        &settings.allowed_origins,
    )
}

fn failure_reply(failure: Failure, request_id: &str, base: Option<&str>) -> Reply {
    match &failure.error {
        ApiError::Internal(e) | ApiError::Unavailable(e) => {
            tracing::error!(request_id, code = super::status::code(&failure.error), error.cause_chain = ?e, "request failed");
        }
        e => tracing::debug!(request_id, code = super::status::code(e), "request refused"),
    }
    problem(&failure.error, request_id, failure.extra, base)
}

pub fn finish(
    reply: Reply,
    path: &str,
    request_id: &str,
    origin: Option<&str>,
    allowed_origins: &[String],
) -> Response<Body> {
    let mut headers: HeaderMap = reply.headers;
    for (name, value) in SECURITY_HEADERS {
        headers.insert(name, HeaderValue::from_static(value));
    }
    if let Ok(id) = HeaderValue::from_str(request_id) {
        headers.insert("x-request-id", id);
    }
    // A route may say how long its answer keeps (the public keys); nothing
    // else under /v1/auth/ is ever stored.
    if path.starts_with("/v1/auth/") && !headers.contains_key(http::header::CACHE_CONTROL) {
        headers.insert(
            http::header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        );
    }
    cors::apply(&mut headers, origin, allowed_origins);
    let body = reply.body.map(Body::Text).unwrap_or(Body::Empty);
    let mut response = Response::new(body);
    *response.status_mut() = reply.status;
    *response.headers_mut() = headers;
    response
}
