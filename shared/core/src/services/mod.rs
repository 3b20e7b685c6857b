//! Use cases, free of HTTP and AWS types: handlers call these.

pub mod accounts;
pub mod admin;
pub mod fanout;
pub mod files;
pub mod health;
pub mod identities;
pub mod invitations;
pub mod login;
pub mod mail;
pub mod members;
pub mod mfa;
pub mod mfa_login;
pub mod oidc;
pub mod oidc_accounts;
pub mod oidc_callback;
pub mod passwords;
pub mod phone;
pub mod realtime;
pub mod reauth;
pub mod second_factor;
pub mod security;
pub mod sessions;
pub mod tasks;
pub mod validate;
pub mod workspaces;
