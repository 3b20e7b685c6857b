//! What every Lambda `main` does: JSON tracing, config from the environment,
//! the AWS adapters built once, then the runtime loop.

use std::future::Future;
use std::sync::Arc;

use lambda_http::{service_fn, Error, Request};

use std::collections::HashMap;

use crate::config::{Config, MissingSecrets};
use crate::wiring::Route;
use adapters::aws::{AwsClients, DynamoStore};
use think_tank_core::app::{App, Port, Ports, Providers};
use think_tank_core::clock::SystemClock;
use think_tank_core::ports::Probe;

/// Once per cold start: config from the environment, secrets from Secrets
/// Manager (see [`deployed_config`]) while the DynamoDB connection opens and
/// the SDK clients of the function's ports are built, then their adapters.
pub async fn lambda_app(ports: Ports) -> Result<Arc<App>, Error> {
    crate::logging::init_lambda();
    let clients = AwsClients::for_lambda().await;
    let vars: HashMap<String, String> = std::env::vars().collect();
    let table = vars.get("TABLE_NAME").cloned().unwrap_or_default();
    let reads = tokio::spawn({
        let clients = clients.clone();
        async move {
            let warm = warm_connection(&clients, &table);
            tokio::join!(deployed_config(vars, &clients), warm).0
        }
    });
    clients.build_for(ports);
    let config = reads.await??;
    let app = crate::wiring::on_aws_for(config, &clients, Arc::new(SystemClock), ports);
    warm_providers(&app, ports).await;
    Ok(Arc::new(app))
}

/// What a cold start does before its first request, so that request does
/// not pay for it: opens the DynamoDB connection (TCP and TLS) by reading
/// the fixed `HEALTH` item, which every role may read.
pub async fn warm_connection(clients: &AwsClients, table: &str) {
    let store = DynamoStore::new(clients.dynamodb(), table);
    if let Err(e) = store.ping().await {
        tracing::warn!(error.cause_chain = ?e, "warming the DynamoDB connection failed");
    }
}

/// For the provider routes, the other half of the warm-up: discovery and keys.
pub async fn warm_providers(app: &App, ports: Ports) {
    if ports.contains(Port::IdentityProviders) {
        app.service::<Providers>().warm().await;
    }
}

/// The deployed configuration: the environment (with `JWT_PUBLIC_KEYS`), the
/// secret behind `SECRETS_ARN` (`APP_SECRET`, `IP_HASH_PEPPER`, for every
/// function), only where tokens are minted the one behind
/// `SIGNING_KEY_SECRET_ARN` (`JWT_SIGNING_KEY`), and only where TOTP seeds
/// are read or written the one behind `MFA_KEY_SECRET_ARN` (`MFA_ENCRYPTION_KEY`),
/// and only where provider codes are redeemed the one behind `OIDC_SECRETS_ARN`
/// (the whole secret is `OIDC_CLIENT_SECRETS`).
pub async fn deployed_config(
    mut vars: HashMap<String, String>,
    clients: &AwsClients,
) -> Result<Config, Error> {
    // Read at once: a minter's two secrets cost one round trip, not two.
    let client = &aws_sdk_secretsmanager::Client::new(&clients.sdk);
    let reads = SECRETS.iter().filter_map(|(arn_var, take)| {
        let arn = vars.get(*arn_var).filter(|a| !a.is_empty())?.clone();
        Some(async move { secrets(client, arn_var, &arn, take).await })
    });
    for read in futures::future::try_join_all(reads).await? {
        vars.extend(read);
    }
    Ok(Config::from_map(&vars, MissingSecrets::Fail)?)
}

/// Each secret and what is taken from it.
const SECRETS: [(&str, Take); 4] = [
    ("SECRETS_ARN", Take::Keys(&["APP_SECRET", "IP_HASH_PEPPER"])),
    ("SIGNING_KEY_SECRET_ARN", Take::Keys(&["JWT_SIGNING_KEY"])),
    ("MFA_KEY_SECRET_ARN", Take::Keys(&["MFA_ENCRYPTION_KEY"])),
    ("OIDC_SECRETS_ARN", Take::Whole("OIDC_CLIENT_SECRETS")),
];

enum Take {
    /// Only these keys of the secret's JSON object, as variables.
    Keys(&'static [&'static str]),
    /// The whole secret (itself a JSON object) as this one variable.
    Whole(&'static str),
}

async fn secrets(
    client: &aws_sdk_secretsmanager::Client,
    arn_var: &'static str,
    arn: &str,
    take: &Take,
) -> Result<HashMap<String, String>, Error> {
    let out = client
        .get_secret_value()
        .secret_id(arn)
        .send()
        .await
        .map_err(|e| {
            tracing::error!(secret = arn_var, error.cause_chain = ?e, "cannot read the secret");
            format!("{arn_var}: cannot read the secret")
        })?;
    let text = out.secret_string().unwrap_or_default();
    let all: HashMap<String, String> = serde_json::from_str(text)
        .map_err(|_| format!("{arn_var}: the secret must be a JSON object of strings"))?;
    Ok(match take {
        Take::Keys(keys) => all
            .into_iter()
            .filter(|(k, _)| keys.contains(&k.as_str()))
            .collect(),
        Take::Whole(var) => HashMap::from([(var.to_string(), text.to_string())]),
    })
}

/// Runs one route as an API Gateway v2 Lambda, wired with the route's ports.
pub async fn serve_http(route: Route) -> Result<(), Error> {
    let app = lambda_app(route.ports).await?;
    let metrics = crate::metrics::init(route.name);
    lambda_http::run(service_fn(move |req: Request| {
        let app = app.clone();
        async move {
            let response = (route.handler)(app, req).await;
            crate::metrics::flush(metrics);
            Ok::<_, Error>(response)
        }
    }))
    .await
}

/// Runs one batch handler, `name`, as a Lambda behind an event source
/// mapping (an SQS queue, a DynamoDB stream).
pub async fn serve_events<E, R, F, Fut>(name: &str, ports: Ports, handler: F) -> Result<(), Error>
where
    E: serde::de::DeserializeOwned + Send + 'static,
    R: serde::Serialize,
    F: Fn(Arc<App>, E) -> Fut + Copy + Send + 'static,
    Fut: Future<Output = R> + Send,
{
    let app = lambda_app(ports).await?;
    let metrics = crate::metrics::init(name);
    lambda_runtime::run(service_fn(move |event: lambda_runtime::LambdaEvent<E>| {
        let app = app.clone();
        async move {
            let response = handler(app, event.payload).await;
            crate::metrics::flush(metrics);
            Ok::<_, Error>(response)
        }
    }))
    .await
}
