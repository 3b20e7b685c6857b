//! Authentication at the edge: JWT keys, CSRF, cookies and the gate that turns
//! a request into a [`crate::Claim`] or a [`crate::Caller`].

pub mod csrf;
pub mod gate;
pub mod jwt;
pub mod signed_in;

pub use gate::Gate;
pub use think_tank_core::auth::{backup_codes, password, refresh, sealed, totp};
