//! Passwords, refresh secrets, TOTP, backup codes and secrets sealed at rest.

pub mod backup_codes;
pub mod password;
pub mod refresh;
pub mod sealed;
pub mod totp;
