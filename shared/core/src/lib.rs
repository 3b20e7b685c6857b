//! Think-Tank's core: domain types, the ports the adapters implement, and the
//! use cases. No HTTP, Lambda or AWS type reaches this crate; `shared` holds
//! those and re-exports this crate's modules under the same names.

pub mod app;
pub mod auth;
pub mod caller;
pub mod clock;
pub mod crypto;
pub mod domain;
pub mod email;
pub mod error;
pub mod ports;
pub mod rbac;
pub mod services;
pub mod settings;
pub mod tokens;

pub use app::App;
pub use caller::{Caller, Claim};
pub use error::{ApiError, StoreError};
pub use settings::Settings;
