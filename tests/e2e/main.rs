//! End-to-end: a real HTTP client against the local gateway, on the memory
//! backend and on DynamoDB Local + moto SQS.

mod admin;
mod auth;
mod conventions;
mod email_links;
mod files;
mod files_cap;
mod guide;
mod invitations;
mod lockout;
mod mfa;
mod oidc;
mod realtime;
mod reauth;
mod reference;
mod sessions;
mod sms;
mod takeover;
mod tasks;
mod web;
mod workspaces;
