//! The edge of every handler: HTTP conventions (the endpoint wrapper, bodies,
//! RFC 9457 problems, status, ETags, cookies, CORS), the gate, CSRF, sign-in
//! replies and cursors. Depends on the core only.

pub mod auth;
pub mod http;
#[cfg(feature = "openapi")]
pub mod openapi;
pub mod pagination;
