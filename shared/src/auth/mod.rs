//! Authentication building blocks: password hashing, JWTs, CSRF and cookies.

pub mod cookies;
pub mod csrf;
pub mod jwt;
pub mod keys;
pub mod password;
pub mod principal;
pub mod refresh;

pub use principal::Principal;
