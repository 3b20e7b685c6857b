//! HTTP conventions shared by every handler: JSON bodies, RFC 9457 problems,
//! security headers, CORS (README, "Auth in short" lists the choices).

pub mod body;
pub mod cookies;
pub mod cors;
pub mod ctx;
pub mod endpoint;
pub mod envelope;
pub mod etag;
pub mod reply;
pub mod status;

pub use ctx::Ctx;
pub use endpoint::endpoint;
pub use reply::Reply;

pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// A handler as the local gateway links it: the same function a Lambda `main` runs.
pub type Handler = fn(
    std::sync::Arc<think_tank_core::App>,
    lambda_http::Request,
) -> futures::future::BoxFuture<'static, http::Response<lambda_http::Body>>;
