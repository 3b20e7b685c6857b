//! Password hashing and refresh secrets.

pub mod password;
pub mod refresh;
