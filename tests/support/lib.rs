//! Test support: emulator gating, a local gateway per test, an HTTP client and
//! helpers that read like the steps of a user's story.

pub mod api;
mod capacity_units;
pub mod emulators;
pub mod faults;
pub mod oidc;
pub mod openapi;
pub mod recorder;
pub mod teams;

pub use api::{Api, Resp, TestUser, ADMIN, ADMIN_EMAIL};
pub use emulators::{aws_clients_or_skip, oidc_issuer_or_skip, unique_name};
pub use oidc::{sign_in_at_provider, BAD_ID_TOKENS};

/// Runs a scenario once per backend: `memory` always, `aws` against DynamoDB
/// Local and moto when they run (in CI they must).
#[macro_export]
macro_rules! on_both_backends {
    ($name:ident, $overrides:expr, |$api:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn memory() {
                let $api = $crate::Api::start_memory($overrides).await;
                $body
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn aws() {
                let Some($api) = $crate::Api::start_aws($overrides).await else {
                    return;
                };
                $body
                $api.finish().await;
            }
        }
    };
    ($name:ident, |$api:ident| $body:block) => {
        $crate::on_both_backends!($name, &[], |$api| $body);
    };
}
