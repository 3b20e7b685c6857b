//! The HTTP side: hyper connections, CORS preflights, and one handler call per request.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use think_tank_core::error::{ApiError, RequestError};

use bytes::Bytes;
use edge::http::endpoint::finish;
use edge::http::{cors, reply};
use http::{Method, Request, Response, StatusCode};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use hyper_util::server::graceful::GracefulShutdown;
use local_adapters::blobs::{LocalBlobs, PATH_PREFIX};
use think_tank_core::App;
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::event::{api_gateway_v2_event, into_request, Incoming as EventInput};
use crate::router::Router;

/// API Gateway's own payload limit; the handlers enforce the API's 64 KiB.
const MAX_PAYLOAD_BYTES: usize = 10 * 1024 * 1024;

/// What every connection shares.
pub struct Gateway {
    pub router: Router,
    pub app: Arc<App>,
    /// The local blob endpoint, when the memory backend serves uploads itself.
    pub blobs: Option<Arc<LocalBlobs>>,
}

pub async fn serve(listener: TcpListener, gateway: Arc<Gateway>, mut stop: watch::Receiver<bool>) {
    let graceful = GracefulShutdown::new();
    loop {
        let (stream, peer) = tokio::select! {
            _ = stop.changed() => break,
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    tracing::warn!(error = %e, "accept failed");
                    continue;
                }
            },
        };
        let _ = stream.set_nodelay(true);
        let gateway = gateway.clone();
        let service = service_fn(move |req| handle(gateway.clone(), peer, req));
        let conn = hyper::server::conn::http1::Builder::new()
            .serve_connection(TokioIo::new(stream), service);
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            let _ = conn.await;
        });
    }
    drop(listener);
    let _ = tokio::time::timeout(Duration::from_secs(10), graceful.shutdown()).await;
}

async fn handle(
    gateway: Arc<Gateway>,
    peer: SocketAddr,
    req: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let (router, app) = (&gateway.router, gateway.app.clone());
    let (parts, body) = req.into_parts();
    let origin = parts
        .headers
        .get("origin")
        .and_then(|o| o.to_str().ok())
        .map(str::to_owned);
    let path = parts.uri.path().to_string();
    let body = match Limited::new(body, MAX_PAYLOAD_BYTES).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => {
            return Ok(gateway_problem(
                &app,
                ApiError::Request(RequestError::TooLarge),
                &path,
                origin.as_deref(),
            ))
        }
    };
    if let Some(blobs) = gateway
        .blobs
        .as_ref()
        .filter(|_| path.starts_with(PATH_PREFIX))
    {
        return Ok(
            crate::blobs::handle(blobs, &parts, &body, &app.core.settings.allowed_origins).await,
        );
    }
    if parts.method == Method::OPTIONS && router.knows_path(&path) {
        return Ok(preflight(&app, origin.as_deref()));
    }
    let Some(matched) = router.find(parts.method.as_str(), &path) else {
        return Ok(gateway_problem(
            &app,
            ApiError::Request(RequestError::NotFound),
            &path,
            origin.as_deref(),
        ));
    };
    let event = api_gateway_v2_event(EventInput {
        parts: &parts,
        body: &body,
        source_ip: peer.ip(),
        route_key: format!(
            "{} {}",
            matched.route.route.method, matched.route.route.path
        ),
        path_parameters: matched.params,
    });
    let response = (matched.route.handler)(app, into_request(event)).await;
    Ok(to_hyper(response))
}

fn to_hyper(response: Response<lambda_http::Body>) -> Response<Full<Bytes>> {
    let (parts, body) = response.into_parts();
    let bytes = match body {
        lambda_http::Body::Text(t) => Bytes::from(t),
        lambda_http::Body::Binary(b) => Bytes::from(b),
        _ => Bytes::new(),
    };
    Response::from_parts(parts, Full::new(bytes))
}

fn preflight(app: &App, origin: Option<&str>) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::new()));
    *response.status_mut() = StatusCode::NO_CONTENT;
    *response.headers_mut() = cors::preflight(origin, &app.core.settings.allowed_origins);
    response
}

/// Answers the gateway itself gives (unknown route, oversized payload), in the API's problem format.
fn gateway_problem(
    app: &App,
    error: ApiError,
    path: &str,
    origin: Option<&str>,
) -> Response<Full<Bytes>> {
    let request_id = uuid::Uuid::new_v4().to_string();
    let base = app.core.settings.problem_base_url.as_deref();
    let reply = reply::problem(&error, &request_id, serde_json::Map::new(), base);
    to_hyper(finish(
        reply,
        path,
        &request_id,
        origin,
        &app.core.settings.allowed_origins,
    ))
}
