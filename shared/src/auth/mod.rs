//! Authentication at the edge: JWT keys, CSRF, cookies and the gate that turns
//! a request into a [`think_tank_core::Claim`] or a [`think_tank_core::Caller`].

pub mod csrf;
pub mod gate;
pub mod jwt;
pub mod signed_in;

pub use gate::Gate;
