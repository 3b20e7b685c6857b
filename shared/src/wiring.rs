//! Composition: the core's `App` built from a `Config` and adapters, embedded
//! (memory, outbox, local blobs) or on AWS (DynamoDB, SQS, SES, S3, API
//! Gateway's management API).

use std::sync::Arc;

use secrecy::ExposeSecret;

use crate::adapters::aws::{
    ApiGatewayNotifier, AwsClients, DynamoStore, S3Blobs, SesSender, SnsSender, SqsQueue,
};
#[cfg(any(test, feature = "local"))]
use crate::adapters::local_blobs::LocalBlobs;
#[cfg(any(test, feature = "local"))]
use crate::adapters::local_sockets::LocalSockets;
#[cfg(any(test, feature = "local"))]
use crate::adapters::memory::{MemoryQueue, MemoryStore};
use crate::adapters::oidc::ConfiguredProviders;
use crate::adapters::outbox::OutboxSender;
use crate::adapters::unwired::Unwired;
use crate::auth::jwt::JwtKeys;
#[cfg(any(test, feature = "local"))]
use crate::config::LocalConfig;
use crate::config::{Config, EmailDelivery, SmsDelivery};
use think_tank_core::app::{App, Keys};
use think_tank_core::auth::sealed::SealingKey;
use think_tank_core::clock::{Clock, SystemClock};
use think_tank_core::crypto::derive_key;
use think_tank_core::ports::{
    BlobStore, EmailQueue, EmailSender, IdentityProviders, Notifier, SmsSender, Store,
};

/// The ports a function may use besides the table. A function's wiring
/// builds only those it names; the others fail loudly if reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Port {
    /// SQS: the background email queue.
    EmailQueue,
    /// SES (or the local outbox).
    EmailSender,
    /// S3: presigned uploads and downloads, object checks.
    Blobs,
    /// API Gateway's management API: pushes to and closes WebSockets.
    Notifier,
    /// SNS (or the local outbox): text messages.
    SmsSender,
    /// The OpenID Connect providers (HTTPS to each), warmed during init.
    IdentityProviders,
}

/// One Lambda: its binary name, the ports its wiring builds (beyond the
/// table, which every function but `jwks` reads), and its handler.
#[derive(Clone, Copy)]
pub struct Route {
    pub name: &'static str,
    pub ports: &'static [Port],
    pub handler: crate::http::Handler,
}

/// A function package's routes: `CONST: "binary" => handler uses [Port, ...];`
/// makes `CONST` (what the binary's `main` serves) and `routes()`.
#[macro_export]
macro_rules! handlers {
    ($($id:ident: $name:literal => $f:path, uses [$($port:ident),*];)*) => {
        $(
            pub const $id: $crate::wiring::Route = $crate::wiring::Route {
                name: $name,
                ports: &[$($crate::wiring::Port::$port),*],
                handler: |app, req| Box::pin($f(app, req)),
            };
        )*

        pub fn routes() -> Vec<$crate::wiring::Route> {
            vec![$($id),*]
        }
    };
}

/// Every port: the local gateway and the tests that run all routes in one process.
pub const ALL_PORTS: &[Port] = &[
    Port::EmailQueue,
    Port::EmailSender,
    Port::Blobs,
    Port::Notifier,
    Port::SmsSender,
    Port::IdentityProviders,
];

/// The app over the given adapters; no pushes, no texts and no providers
/// until `with_notifier`, `with_sms_sender` and `with_identity_providers`.
pub fn assemble(
    config: Config,
    store: Arc<dyn Store>,
    email_queue: Arc<dyn EmailQueue>,
    email_sender: Arc<dyn EmailSender>,
    blobs: Arc<dyn BlobStore>,
    clock: Arc<dyn Clock>,
) -> App {
    let secret = config.app_secret.expose_secret();
    let keys = Keys {
        csrf: derive_key(secret, "csrf"),
        cursor: derive_key(secret, "cursor"),
        ip_pepper: config.ip_hash_pepper.expose_secret().to_vec(),
        codes: derive_key(secret, "mfa-codes"),
        pending_logins: SealingKey::derived(secret, "mfa-login"),
        sms_jobs: SealingKey::derived(secret, "sms-jobs"),
        seeds: config
            .mfa_encryption_key
            .as_ref()
            .map(|key| SealingKey::derived(key.expose_secret(), "totp-seeds")),
    };
    App {
        tokens: Arc::new(JwtKeys::from_config(&config)),
        settings: Arc::new(config.settings),
        clock,
        keys,
        store,
        email_queue,
        email_sender,
        blobs,
        notifier: Arc::new(Unwired("notifier")),
        sms_sender: Arc::new(Unwired("sms sender")),
        identity_providers: Arc::new(Unwired("identity providers")),
    }
}

fn identity_providers(config: &Config) -> Arc<dyn IdentityProviders> {
    Arc::new(ConfiguredProviders::new(
        config.settings.oidc_providers.clone(),
        config.oidc_client_secrets.clone(),
    ))
}

/// Embedded, in-process adapters; returns the queue so a local event source can drain it.
#[cfg(any(test, feature = "local"))]
pub fn in_memory(
    config: Config,
    local: &LocalConfig,
    clock: Arc<dyn Clock>,
) -> (App, Arc<MemoryQueue>) {
    let queue = Arc::new(MemoryQueue::default());
    let sender = Arc::new(OutboxSender::new(&local.outbox_dir));
    let blobs = Arc::new(LocalBlobs::new(&config, local, clock.clone()));
    let store = Arc::new(MemoryStore::default());
    let providers = identity_providers(&config);
    let app = assemble(config, store, queue.clone(), sender.clone(), blobs, clock)
        .with_sms_sender(sender)
        .with_identity_providers(providers)
        .with_notifier(Arc::new(LocalSockets::default()));
    (app, queue)
}

/// The real AWS SDK clients (pointed at emulators by `AWS_ENDPOINT_URL_*`).
pub async fn on_aws(config: Config) -> App {
    on_aws_with(config, &AwsClients::from_env().await, Arc::new(SystemClock))
}

pub fn on_aws_with(config: Config, clients: &AwsClients, clock: Arc<dyn Clock>) -> App {
    on_aws_for(config, clients, clock, ALL_PORTS)
}

/// The app with the table and only the given ports on AWS.
pub fn on_aws_for(
    config: Config,
    clients: &AwsClients,
    clock: Arc<dyn Clock>,
    ports: &[Port],
) -> App {
    let uses = |port| ports.contains(&port);
    let store = Arc::new(DynamoStore::new(clients.dynamodb(), &config.table_name));
    let queue: Arc<dyn EmailQueue> = match uses(Port::EmailQueue) {
        true => Arc::new(SqsQueue::new(clients.sqs(), &config.email_queue_url)),
        false => Arc::new(Unwired("email queue")),
    };
    let sender: Arc<dyn EmailSender> = match (uses(Port::EmailSender), &config.email_delivery) {
        (true, EmailDelivery::Ses) => Arc::new(SesSender::new(clients.ses())),
        (true, EmailDelivery::Outbox(dir)) => Arc::new(OutboxSender::new(dir)),
        (false, _) => Arc::new(Unwired("email sender")),
    };
    let blobs: Arc<dyn BlobStore> = match uses(Port::Blobs) {
        true => Arc::new(S3Blobs::new(
            clients.s3(),
            clients.credentials.clone(),
            &config.bucket_name,
            &clients.region,
            clients.s3_endpoint.as_deref(),
        )),
        false => Arc::new(Unwired("blob store")),
    };
    let notifier: Arc<dyn Notifier> = match uses(Port::Notifier) {
        true => Arc::new(ApiGatewayNotifier::new(
            clients.websocket_management(&config.websocket_management_url),
        )),
        false => Arc::new(Unwired("notifier")),
    };
    let sms: Arc<dyn SmsSender> = match (uses(Port::SmsSender), &config.sms_delivery) {
        (true, SmsDelivery::Sns) => Arc::new(SnsSender::new(clients.sns())),
        (true, SmsDelivery::Outbox(dir)) => Arc::new(OutboxSender::new(dir)),
        (false, _) => Arc::new(Unwired("sms sender")),
    };
    let providers: Arc<dyn IdentityProviders> = match uses(Port::IdentityProviders) {
        true => identity_providers(&config),
        false => Arc::new(Unwired("identity providers")),
    };
    assemble(config, store, queue, sender, blobs, clock)
        .with_notifier(notifier)
        .with_sms_sender(sms)
        .with_identity_providers(providers)
}
