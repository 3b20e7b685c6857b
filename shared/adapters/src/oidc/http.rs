//! The HTTP client the OpenID Connect library calls: hyper with rustls on
//! aws-lc (the stack the AWS SDK already brings), the system's roots, and a
//! timeout so a stuck provider fails fast.

use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use openidconnect::{HttpRequest, HttpResponse};

const TIMEOUT: Duration = Duration::from_secs(5);
/// Discovery documents and key sets are small; anything bigger is refused.
const MAX_BODY_BYTES: usize = 1 << 20;

/// Its connection pool belongs to the runtime that uses it, so each set of
/// providers has its own client (tests run many runtimes in one process).
pub type HttpsClient = Client<HttpsConnector<HttpConnector>, Full<Bytes>>;

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct HttpError(String);

/// `None` when the system has no TLS roots (every request then fails).
pub fn client() -> Option<HttpsClient> {
    let https = hyper_rustls::HttpsConnectorBuilder::new()
        .with_native_roots()
        .inspect_err(|e| tracing::error!(error = %e, "no TLS roots for OpenID Connect"))
        .ok()?
        .https_or_http()
        .enable_http1()
        .build();
    Some(Client::builder(TokioExecutor::new()).build(https))
}

/// One request and its whole (bounded) response.
pub async fn send(
    client: Option<HttpsClient>,
    request: HttpRequest,
) -> Result<HttpResponse, HttpError> {
    let client = client.ok_or_else(|| HttpError("no TLS roots".into()))?;
    let (parts, body) = request.into_parts();
    let request = http::Request::from_parts(parts, Full::new(Bytes::from(body)));
    let call = client.request(request);
    let response = tokio::time::timeout(TIMEOUT, call)
        .await
        .map_err(|_| HttpError("the provider did not answer in time".into()))?
        .map_err(|e| HttpError(format!("request failed: {e}")))?;
    let (parts, body) = response.into_parts();
    let limited = http_body_util::Limited::new(body, MAX_BODY_BYTES);
    let bytes = tokio::time::timeout(TIMEOUT, limited.collect())
        .await
        .map_err(|_| HttpError("the provider's answer was too slow".into()))?
        .map_err(|e| HttpError(format!("reading the answer failed: {e}")))?
        .to_bytes();
    Ok(http::Response::from_parts(parts, bytes.to_vec()))
}
