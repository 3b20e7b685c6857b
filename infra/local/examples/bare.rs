//! The cheapest server that answers like the gateway: the same hyper HTTP/1
//! stack and Tokio runtime, and for each path prefix fixed bytes read from a
//! file (a real answer of the gateway, captured). `infra/perf/load.sh` loads
//! it beside the gateway and prints how many times faster it is: the price
//! of everything the gateway does per request (API Gateway event, handler,
//! token check, storage, JSON), measured the same day on the same machine.
//!
//! Usage: `bare <addr> <path prefix>=<file>...`

use std::convert::Infallible;
use std::sync::Arc;

use anyhow::Context;
use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;

type Routes = Arc<Vec<(String, Bytes)>>;

fn answer(routes: &Routes, req: &Request<Incoming>) -> Response<Full<Bytes>> {
    let path = req.uri().path();
    let body = routes
        .iter()
        .find(|(prefix, _)| path.starts_with(prefix.as_str()))
        .map(|(_, body)| body.clone())
        .unwrap_or_default();
    let mut response = Response::new(Full::new(body));
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/json"),
    );
    response
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let addr = args
        .next()
        .context("usage: bare <addr> <path prefix>=<file>...")?;
    let routes: Vec<(String, Bytes)> = args
        .map(|arg| {
            let (prefix, file) = arg.split_once('=').context("<path prefix>=<file>")?;
            let body = std::fs::read(file).with_context(|| format!("read {file}"))?;
            Ok((prefix.to_string(), Bytes::from(body)))
        })
        .collect::<anyhow::Result<_>>()?;
    let routes: Routes = Arc::new(routes);
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    loop {
        let (stream, _) = listener.accept().await?;
        let routes = routes.clone();
        tokio::spawn(async move {
            let service = service_fn(move |req: Request<Incoming>| {
                let response = answer(&routes, &req);
                async move { Ok::<_, Infallible>(response) }
            });
            let connection = hyper::server::conn::http1::Builder::new();
            let _ = connection
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}
