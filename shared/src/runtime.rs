//! What every Lambda `main` does: JSON tracing, config from the environment,
//! the AWS adapters built once, then the runtime loop.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use lambda_http::{service_fn, Body, Error, IntoResponse, Request, Response};

use std::collections::HashMap;

use crate::config::{Config, MissingSecrets};
use crate::wiring::{AwsPort, Route};
use adapters::aws::{AwsClients, DynamoStore};
use think_tank_core::app::{App, Port, Ports, Providers};
use think_tank_core::clock::SystemClock;
use think_tank_core::ports::Probe;

/// Once per cold start: config from the environment, secrets from Secrets
/// Manager (see [`deployed_config`]) while the DynamoDB connection opens and
/// the SDK clients of the function's ports are built, then their adapters.
pub async fn lambda_app(ports: Ports, linked: &[AwsPort]) -> Result<Arc<App>, Error> {
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
    AwsPort::prepare_all(linked, ports, &clients);
    let config = reads.await??;
    let app = crate::wiring::on_aws_for(config, &clients, Arc::new(SystemClock), ports, linked)?;
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

/// Runs one route as an API Gateway v2 Lambda, wired with the route's ports
/// from the adapters its binary links.
pub async fn serve_http(route: Route, linked: &[AwsPort]) -> Result<(), Error> {
    let app = lambda_app(route.ports, linked).await?;
    let metrics = crate::metrics::init(route.name);
    lambda_http::run(service_fn(move |req: Request| {
        let app = app.clone();
        async move {
            let response = (route.handler)(app, req).await;
            crate::metrics::flush(metrics);
            Ok::<_, Error>(AsBuilt(response))
        }
    }))
    .await
}

/// A handler's response, handed to Lambda as it was built. `lambda_http`'s
/// own conversion of a `Response<Body>` parses its content type, looks up
/// the character set's decoder and copies every text body once more; our
/// handlers already build UTF-8 text bodies (and binary ones as binary), so
/// that work changes nothing but costs time on every invocation and links
/// every legacy encoding's tables into every binary.
pub struct AsBuilt(pub Response<Body>);

impl IntoResponse for AsBuilt {
    fn into_response(self) -> Pin<Box<dyn Future<Output = Response<Body>> + Send>> {
        Box::pin(std::future::ready(self.0))
    }
}

/// Runs one batch handler, `name`, as a Lambda behind an event source
/// mapping (an SQS queue, a DynamoDB stream).
pub async fn serve_events<E, R, F, Fut>(
    name: &str,
    ports: Ports,
    linked: &[AwsPort],
    handler: F,
) -> Result<(), Error>
where
    E: serde::de::DeserializeOwned + Send + 'static,
    R: serde::Serialize,
    F: Fn(Arc<App>, E) -> Fut + Copy + Send + 'static,
    Fut: Future<Output = R> + Send,
{
    let app = lambda_app(ports, linked).await?;
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

#[cfg(test)]
mod tests {
    use std::convert::Infallible;

    use lambda_http::request::LambdaRequest;
    use lambda_http::{Context, LambdaEvent, Service};

    use super::*;

    const EVENT: &str = r#"{"version":"2.0","routeKey":"GET /v1/health","rawPath":"/v1/health",
        "rawQueryString":"","headers":{},"requestContext":{"http":{"method":"GET",
        "path":"/v1/health","protocol":"HTTP/1.1","sourceIp":"192.0.2.1","userAgent":"t"},
        "requestId":"r","routeKey":"GET /v1/health","stage":"$default","timeEpoch":0,
        "accountId":"1","apiId":"a","domainName":"d","domainPrefix":"d","time":"t"},
        "isBase64Encoded":false}"#;

    fn answer(content_type: Option<&str>, body: Body) -> Response<Body> {
        let mut builder = Response::builder().status(200).header("x-request-id", "r");
        if let Some(content_type) = content_type {
            builder = builder.header("content-type", content_type);
        }
        builder.body(body).unwrap()
    }

    fn body(text: &'static str) -> Body {
        match text {
            "" => Body::Empty,
            text => Body::Text(text.into()),
        }
    }

    /// The response document Lambda receives for what `service` answers.
    async fn document<S>(service: S) -> serde_json::Value
    where
        S: Service<Request, Error = Infallible> + Send,
        S::Response: IntoResponse,
        S::Future: Send + 'static,
    {
        let request: LambdaRequest = serde_json::from_str(EVENT).unwrap();
        let mut adapter = lambda_http::Adapter::from(service);
        let event = LambdaEvent::new(request, Context::default());
        serde_json::to_value(adapter.call(event).await.unwrap()).unwrap()
    }

    #[tokio::test]
    async fn a_response_as_built_reaches_lambda_as_lambda_https_own_conversion_sends_it() {
        let kinds = [
            (Some("application/json"), "{\"name\":\"Zoë\"}"),
            (
                Some("application/problem+json; charset=utf-8"),
                "{\"code\":\"x\"}",
            ),
            (Some("text/html"), "<p>ok</p>"),
            (None, ""),
        ];
        for (content_type, text) in kinds {
            let ours = document(service_fn(move |_: Request| async move {
                Ok::<_, Infallible>(AsBuilt(answer(content_type, body(text))))
            }));
            let theirs = document(service_fn(move |_: Request| async move {
                Ok::<_, Infallible>(answer(content_type, body(text)))
            }));
            let (ours, theirs) = (ours.await, theirs.await);
            assert_eq!(ours["statusCode"], theirs["statusCode"], "{content_type:?}");
            assert_eq!(ours["headers"], theirs["headers"], "{content_type:?}");
            assert_eq!(ours["isBase64Encoded"], false, "{content_type:?}");
            let sent = |doc: &serde_json::Value| doc["body"].as_str().unwrap_or("").to_string();
            assert_eq!(sent(&ours), sent(&theirs), "{content_type:?}");
            assert_eq!(sent(&ours), text);
        }
    }
}
