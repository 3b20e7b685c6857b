//! What every Lambda `main` does: JSON tracing, config from the environment,
//! the AWS adapters built once, then the runtime loop.

use std::future::Future;
use std::sync::Arc;

use http::Response;
use lambda_http::{service_fn, Body, Error, Request};
use tracing_subscriber::EnvFilter;

use crate::config::{Config, MissingSecrets};
use crate::App;

pub fn init_json_tracing() {
    let _ = tracing_subscriber::fmt()
        .json()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_current_span(false)
        .with_ansi(false)
        .without_time()
        .try_init();
}

pub async fn lambda_app() -> Result<Arc<App>, Error> {
    init_json_tracing();
    let config = Config::from_env(MissingSecrets::Fail)?;
    Ok(Arc::new(App::on_aws(config).await))
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
