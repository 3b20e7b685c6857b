//! The route table: every function of the stack, with what invokes it and
//! what its role may do. `template.yaml` is rendered from it (see
//! `infra/architecture.md`, "Adding a route"); the IAM story
//! (`tests/handlers/iam`) checks each role allows every call its function
//! makes and grants nothing the story does not need.

use super::Function;

mod admin;
mod auth;
mod email_worker;
mod fan_out;
mod files;
mod health;
mod mfa;
mod oidc;
mod realtime;
mod tasks;
mod workspaces;

pub(crate) const ARGON2_MEMORY: (u32, &str) = (
    1024,
    "Argon2id is CPU-bound: 1024 MB buys ~0.6 vCPU (README, \"Memory\").",
);

/// Every function of the stack, in the template's order.
pub fn functions() -> Vec<Function> {
    [
        auth::FUNCTIONS,
        mfa::FUNCTIONS,
        oidc::FUNCTIONS,
        health::FUNCTIONS,
        admin::FUNCTIONS,
        workspaces::FUNCTIONS,
        tasks::FUNCTIONS,
        realtime::FUNCTIONS,
        files::FUNCTIONS,
        email_worker::FUNCTIONS,
        fan_out::FUNCTIONS,
    ]
    .concat()
}
