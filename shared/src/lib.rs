//! The runtime every Think-Tank Lambda shares: configuration, the JWT keys,
//! logging and metrics, the wiring that builds a function's `App` from the
//! adapters its service names, and the Lambda bootstrap. The edge (HTTP,
//! gate) is the `edge` crate, the deployed adapters the `adapters` crate, the
//! embedded ones `local-adapters`; the core's items are reached through
//! `think_tank_core` only.

pub mod config;
pub mod jwt;
pub mod logging;
pub mod metrics;
pub mod runtime;
pub mod wiring;

pub use config::Config;
