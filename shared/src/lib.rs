//! The crate every Think-Tank Lambda uses: configuration, HTTP conventions,
//! JWTs, CSRF and cookies, the adapters (memory and AWS) and the wiring that
//! builds the core's `App` from them. The core's modules (domain, ports, use
//! cases) are re-exported under the same names.

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
pub use think_tank_core::{
    app, caller, clock, crypto, domain, email, error, ports, rbac, services, settings, tokens,
};
pub use think_tank_core::{ApiError, App, Caller, Claim, Settings, StoreError};
