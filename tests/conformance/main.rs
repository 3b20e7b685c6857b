//! One adapter conformance suite, run unchanged against the memory store and
//! against DynamoDB Local (and the queues against moto's SQS).

mod files;
mod identities;
mod invitations;
mod mfa;
mod oidc;
mod queue;
mod secrets;
mod sessions;
mod sms;
mod support;
mod tasks;
mod tokens;
mod users;
mod workspaces;

/// Generates `<case>::memory` and `<case>::dynamodb` for each `async fn case(&dyn Store)`.
#[macro_export]
macro_rules! conformance {
    ($($case:ident),* $(,)?) => {
        $(
            mod $case {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn memory() {
                    let store = local_adapters::memory::MemoryStore::default();
                    super::$case(&store).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn dynamodb() {
                    let Some(store) = $crate::support::dynamo_store().await else {
                        return;
                    };
                    super::$case(&store).await;
                }
            }
        )*
    };
}
