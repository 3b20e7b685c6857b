//! Shared plumbing for every Think-Tank Lambda: configuration, HTTP conventions,
//! authentication, RBAC, services, storage ports and their adapters.

pub mod adapters;
pub mod app;
pub mod auth;
pub mod clock;
pub mod config;
pub mod crypto;
pub mod domain;
pub mod email;
pub mod error;
pub mod http;
pub mod logging;
pub mod pagination;
pub mod ports;
pub mod rbac;
pub mod runtime;
pub mod services;

pub use app::App;
pub use config::Config;
pub use error::{ApiError, StoreError};
