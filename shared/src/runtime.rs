//! What every Lambda `main` does: JSON tracing, config from the environment,
//! the AWS adapters built once, then the runtime loop.

use std::future::Future;
use std::sync::Arc;

use http::Response;
use lambda_http::{service_fn, Body, Error, Request};

use std::collections::HashMap;

use crate::adapters::aws::AwsClients;
use crate::clock::SystemClock;
use crate::config::{Config, MissingSecrets};
use crate::App;

/// Once per cold start: config from the environment, secrets from Secrets
/// Manager (`SECRETS_ARN`, a JSON object of `JWT_SIGNING_KEYS`, `APP_SECRET`,
/// `IP_HASH_PEPPER`), then the AWS adapters.
pub async fn lambda_app() -> Result<Arc<App>, Error> {
    crate::logging::init(crate::logging::LogFormat::Json);
    let clients = AwsClients::from_env().await;
    let config = deployed_config(std::env::vars().collect(), &clients).await?;
    Ok(Arc::new(App::on_aws_with(
        config,
        &clients,
        Arc::new(SystemClock),
    )))
}

/// The deployed configuration: the environment plus the secret behind `SECRETS_ARN`.
pub async fn deployed_config(
    mut vars: HashMap<String, String>,
    clients: &AwsClients,
) -> Result<Config, Error> {
    if let Some(arn) = vars.get("SECRETS_ARN").filter(|a| !a.is_empty()).cloned() {
        vars.extend(secrets(clients, &arn).await?);
    }
    Ok(Config::from_map(&vars, MissingSecrets::Fail)?)
}

const SECRET_KEYS: [&str; 3] = ["JWT_SIGNING_KEYS", "APP_SECRET", "IP_HASH_PEPPER"];

async fn secrets(clients: &AwsClients, arn: &str) -> Result<HashMap<String, String>, Error> {
    let client = aws_sdk_secretsmanager::Client::new(&clients.sdk);
    let out = client
        .get_secret_value()
        .secret_id(arn)
        .send()
        .await
        .map_err(|e| {
            tracing::error!(error.cause_chain = ?e, "SECRETS_ARN: cannot read the secret");
            "SECRETS_ARN: cannot read the secret"
        })?;
    let all: HashMap<String, String> =
        serde_json::from_str(out.secret_string().unwrap_or_default())
            .map_err(|_| "SECRETS_ARN: the secret must be a JSON object of strings")?;
    Ok(all
        .into_iter()
        .filter(|(k, _)| SECRET_KEYS.contains(&k.as_str()))
        .collect())
}

/// Runs one HTTP handler as an API Gateway v2 Lambda.
pub async fn serve_http<F, Fut>(handler: F) -> Result<(), Error>
where
    F: Fn(Arc<App>, Request) -> Fut + Copy + Send + 'static,
    Fut: Future<Output = Response<Body>> + Send,
{
    let app = lambda_app().await?;
    lambda_http::run(service_fn(move |req: Request| {
        let app = app.clone();
        async move { Ok::<_, Error>(handler(app, req).await) }
    }))
    .await
}

/// Runs one SQS batch handler as a Lambda behind an event source mapping.
pub async fn serve_sqs<F, Fut>(handler: F) -> Result<(), Error>
where
    F: Fn(Arc<App>, aws_lambda_events::event::sqs::SqsEvent) -> Fut + Copy + Send + 'static,
    Fut: Future<Output = aws_lambda_events::event::sqs::SqsBatchResponse> + Send,
{
    let app = lambda_app().await?;
    lambda_runtime::run(service_fn(
        move |event: lambda_runtime::LambdaEvent<aws_lambda_events::event::sqs::SqsEvent>| {
            let app = app.clone();
            async move { Ok::<_, Error>(handler(app, event.payload).await) }
        },
    ))
    .await
}
