//! The crate every Think-Tank Lambda uses: configuration, HTTP conventions,
//! JWTs, CSRF and cookies, the adapters (memory and AWS) and the wiring that
//! builds the core's `App` from them. The core's own items (domain, ports, use
//! cases, `App`, `ApiError`) are reached through `think_tank_core` only.

pub mod adapters;
pub mod auth;
pub mod config;
pub mod http;
pub mod logging;
pub mod metrics;
#[cfg(feature = "openapi")]
pub mod openapi;
pub mod pagination;
pub mod runtime;
pub mod wiring;

pub use config::Config;
