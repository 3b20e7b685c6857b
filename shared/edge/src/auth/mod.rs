//! Authentication at the edge: CSRF, and the gate that turns a request into a
//! [`think_tank_core::Claim`] or a [`think_tank_core::Caller`]; how a sign-in
//! answers.

pub mod csrf;
pub mod gate;
pub mod signed_in;

pub use gate::Gate;
