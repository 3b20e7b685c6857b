//! `cargo run -p local -- invoke <Function> --event <file>`: the Docker-free
//! twin of `sam local invoke`: the same handler, the same event, the response printed.

use std::sync::Arc;

use anyhow::Context;
use aws_lambda_events::event::sqs::SqsEvent;
use think_tank_core::App;

use crate::template::{functions, TemplateFunction, TEMPLATE};

/// A function by its logical id (`RegisterFunction`, or without the suffix) or its name (`Handler`).
pub fn find_function(name: &str) -> anyhow::Result<TemplateFunction> {
    let all = functions(TEMPLATE)?;
    all.into_iter()
        .find(|f| {
            f.logical_id == name || f.logical_id == format!("{name}Function") || f.handler == name
        })
        .with_context(|| format!("no function {name:?} in template.yaml"))
}

/// Runs the function's handler with the event and returns the response as JSON.
pub async fn invoke(
    app: Arc<App>,
    function: &TemplateFunction,
    event: &str,
) -> anyhow::Result<serde_json::Value> {
    if function.stream_event {
        let event: fan_out::StreamEvent = serde_json::from_str(event).context("a stream event")?;
        let response = fan_out::handle(app, event).await;
        return Ok(serde_json::to_value(response)?);
    }
    if function.sqs_event {
        let event: SqsEvent = serde_json::from_str(event).context("an SQS event")?;
        let response = email_worker::handle(app, event).await;
        return Ok(serde_json::to_value(response)?);
    }
    let handler = *crate::linked_handlers()
        .get(function.handler.as_str())
        .with_context(|| format!("no handler linked for function {}", function.handler))?;
    let request = lambda_http::request::from_str(event).context("an API Gateway event")?;
    let response = handler(app, request).await;
    let (parts, body) = response.into_parts();
    let headers: serde_json::Map<String, serde_json::Value> = parts
        .headers
        .iter()
        .filter(|(name, _)| *name != http::header::SET_COOKIE)
        .map(|(name, value)| (name.to_string(), value.to_str().unwrap_or_default().into()))
        .collect();
    let cookies: Vec<&str> = parts
        .headers
        .get_all(http::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    let body = String::from_utf8_lossy(body.as_ref()).into_owned();
    Ok(serde_json::json!({
        "statusCode": parts.status.as_u16(),
        "headers": headers,
        "cookies": cookies,
        "body": body,
    }))
}
