//! Composition: the core's `App` built from a `Config` and adapters, on AWS
//! (DynamoDB, SQS, SES, S3, API Gateway's management API) or, through
//! `local_adapters::in_memory`, embedded.

use std::sync::Arc;

use secrecy::ExposeSecret;

use crate::config::{Config, EmailDelivery, SmsDelivery};
use crate::jwt::JwtKeys;
use adapters::aws::{
    ApiGatewayNotifier, AwsClients, DynamoStore, S3Blobs, SesSender, SnsSender, SqsQueue,
};
use adapters::oidc::ConfiguredProviders;
use adapters::outbox::OutboxSender;
use think_tank_core::app::{App, Core, Keys, Port, Ports};
use think_tank_core::auth::sealed::SealingKey;
use think_tank_core::clock::{Clock, SystemClock};
use think_tank_core::crypto::derive_key;
use think_tank_core::ports::{
    BlobStore, EmailQueue, EmailSender, IdentityProviders, Notifier, SmsSender, Store,
};

/// One Lambda: its binary name, the ports its service's type names (beyond
/// the table, which every function but `jwks` reads), and its handler.
#[derive(Clone, Copy)]
pub struct Route {
    pub name: &'static str,
    pub ports: Ports,
    pub handler: edge::http::Handler,
}

/// A function package's routes: `CONST: "binary" => handler(Service);` makes
/// `CONST` (what the binary's `main` serves) and `routes()`. The handler gets
/// the service, built per request from the function's `App`; the route's
/// ports are the service's, so the wiring builds exactly those.
#[macro_export]
macro_rules! handlers {
    ($($id:ident: $name:literal => $f:ident($service:ty);)*) => {
        $(
            pub const $id: $crate::wiring::Route = $crate::wiring::Route {
                name: $name,
                ports: <$service as ::think_tank_core::app::Service>::PORTS,
                handler: |app, req| {
                    Box::pin(async move { $f(app.service::<$service>(), req).await })
                },
            };
        )*

        pub fn routes() -> Vec<$crate::wiring::Route> {
            vec![$($id),*]
        }
    };
}

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
    App::new(core(config, store, clock))
        .with_email_queue(email_queue)
        .with_email_sender(email_sender)
        .with_blobs(blobs)
}

/// The settings, the keys derived from the secrets, the token keys and the table.
fn core(config: Config, store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> Core {
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
    Core {
        tokens: Arc::new(JwtKeys::from_config(&config)),
        settings: Arc::new(config.settings),
        clock,
        keys,
        store,
    }
}

fn identity_providers(config: &Config) -> Arc<dyn IdentityProviders> {
    Arc::new(ConfiguredProviders::new(
        config.settings.oidc_providers.clone(),
        config.oidc_client_secrets.clone(),
    ))
}

/// The real AWS SDK clients (pointed at emulators by `AWS_ENDPOINT_URL_*`).
pub async fn on_aws(config: Config) -> App {
    on_aws_with(config, &AwsClients::from_env().await, Arc::new(SystemClock))
}

pub fn on_aws_with(config: Config, clients: &AwsClients, clock: Arc<dyn Clock>) -> App {
    on_aws_for(config, clients, clock, Ports::ALL, &aws::ALL).expect("every port is linked")
}

/// The app with the table and only the given ports on AWS, each built by
/// its entry in `linked`; a port with no entry there is an error (the
/// binary does not link that service).
pub fn on_aws_for(
    config: Config,
    clients: &AwsClients,
    clock: Arc<dyn Clock>,
    ports: Ports,
    linked: &[AwsPort],
) -> Result<App, UnlinkedPort> {
    let store = Arc::new(DynamoStore::new(clients.dynamodb(), &config.table_name));
    let adapters = ports
        .iter()
        .map(|port| Ok((AwsPort::find(linked, port)?.build)(&config, clients)))
        .collect::<Result<Vec<Adapter>, UnlinkedPort>>()?;
    let app = App::new(core(config, store, clock));
    Ok(adapters.into_iter().fold(app, Adapter::wire))
}

/// A function asked for a port its binary was built without.
#[derive(Debug, thiserror::Error)]
#[error("this binary does not link the {0:?} adapter")]
pub struct UnlinkedPort(pub Port);

/// One port's adapter, before it joins the app.
enum Adapter {
    EmailQueue(Arc<dyn EmailQueue>),
    EmailSender(Arc<dyn EmailSender>),
    SmsSender(Arc<dyn SmsSender>),
    Blobs(Arc<dyn BlobStore>),
    Notifier(Arc<dyn Notifier>),
    IdentityProviders(Arc<dyn IdentityProviders>),
}

impl Adapter {
    fn wire(app: App, adapter: Adapter) -> App {
        match adapter {
            Adapter::EmailQueue(a) => app.with_email_queue(a),
            Adapter::EmailSender(a) => app.with_email_sender(a),
            Adapter::SmsSender(a) => app.with_sms_sender(a),
            Adapter::Blobs(a) => app.with_blobs(a),
            Adapter::Notifier(a) => app.with_notifier(a),
            Adapter::IdentityProviders(a) => app.with_identity_providers(a),
        }
    }
}

/// How one port's AWS adapter is made: `prepare` builds its SDK client,
/// CPU work (endpoint rules) a cold start does while it waits for its
/// secrets; `build` makes the adapter once the configuration is known.
///
/// A Lambda binary lists the ones its functions use, and only code it names
/// is linked: a binary without [`BLOBS`] carries no S3 SDK, one without
/// [`EMAIL_SENDER`] no SES SDK nor email templates (infra/perf.md,
/// "Artifact size").
#[derive(Clone, Copy)]
pub struct AwsPort {
    pub port: Port,
    prepare: fn(&AwsClients),
    build: fn(&Config, &AwsClients) -> Adapter,
}

impl AwsPort {
    /// Builds the SDK clients of the linked ports that `ports` names.
    pub fn prepare_all(linked: &[AwsPort], ports: Ports, clients: &AwsClients) {
        for entry in linked.iter().filter(|entry| ports.contains(entry.port)) {
            (entry.prepare)(clients);
        }
    }

    fn find(linked: &[AwsPort], port: Port) -> Result<&AwsPort, UnlinkedPort> {
        linked
            .iter()
            .find(|entry| entry.port == port)
            .ok_or(UnlinkedPort(port))
    }
}

/// Each port's AWS adapter: a binary's `main` names those it links.
pub mod aws {
    use super::*;

    /// Every adapter: the local gateway's `BACKEND=aws` and the tests.
    pub const ALL: [AwsPort; 6] = [
        EMAIL_QUEUE,
        EMAIL_SENDER,
        SMS_SENDER,
        BLOBS,
        NOTIFIER,
        IDENTITY_PROVIDERS,
    ];

    pub const EMAIL_QUEUE: AwsPort = AwsPort {
        port: Port::EmailQueue,
        prepare: |clients| drop(clients.sqs()),
        build: |config, clients| {
            Adapter::EmailQueue(Arc::new(SqsQueue::new(
                clients.sqs(),
                &config.email_queue_url,
            )))
        },
    };

    pub const EMAIL_SENDER: AwsPort = AwsPort {
        port: Port::EmailSender,
        prepare: |clients| drop(clients.ses()),
        build: |config, clients| {
            Adapter::EmailSender(match &config.email_delivery {
                EmailDelivery::Ses => Arc::new(SesSender::new(clients.ses())),
                EmailDelivery::Outbox(dir) => Arc::new(OutboxSender::new(dir)),
            })
        },
    };

    pub const SMS_SENDER: AwsPort = AwsPort {
        port: Port::SmsSender,
        prepare: |clients| drop(clients.sns()),
        build: |config, clients| {
            Adapter::SmsSender(match &config.sms_delivery {
                SmsDelivery::Sns => Arc::new(SnsSender::new(clients.sns())),
                SmsDelivery::Outbox(dir) => Arc::new(OutboxSender::new(dir)),
            })
        },
    };

    pub const BLOBS: AwsPort = AwsPort {
        port: Port::Blobs,
        prepare: |clients| drop(clients.s3()),
        build: |config, clients| {
            Adapter::Blobs(Arc::new(S3Blobs::new(
                clients.s3(),
                clients.credentials.clone(),
                &config.bucket_name,
                &clients.region,
                clients.s3_endpoint.as_deref(),
            )))
        },
    };

    pub const NOTIFIER: AwsPort = AwsPort {
        port: Port::Notifier,
        prepare: |_| {},
        build: |config, clients| {
            Adapter::Notifier(Arc::new(ApiGatewayNotifier::new(
                clients.websocket_management(&config.websocket_management_url),
            )))
        },
    };

    pub const IDENTITY_PROVIDERS: AwsPort = AwsPort {
        port: Port::IdentityProviders,
        prepare: |_| {},
        build: |config, _| Adapter::IdentityProviders(identity_providers(config)),
    };
}
