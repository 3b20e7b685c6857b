//! Passwords, refresh secrets, TOTP and secrets sealed at rest.

pub mod password;
pub mod refresh;
pub mod sealed;
pub mod totp;
