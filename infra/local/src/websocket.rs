//! The WebSocket API on `LOCAL_WS_ADDR`: each handshake becomes a `$connect`
//! event (a non-200 answer refuses it), each message a `$default` event, each
//! close a `$disconnect` event, handled by the same Lambda handlers. The
//! `@connections/{id}` management API (POST, GET, DELETE, `410` when gone) lets
//! the real SDK client push to these sockets with `BACKEND=aws`.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;

use aws_lambda_events::apigw::{
    ApiGatewayWebsocketProxyRequest, ApiGatewayWebsocketProxyRequestContext,
};
use bytes::Bytes;
use edge::http::Handler;
use futures::{SinkExt, StreamExt};
use http::{HeaderValue, Request, Response, StatusCode};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use lambda_http::request::LambdaRequest;
use local_adapters::sockets::{LocalSockets, Outgoing};
use think_tank_core::App;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::Role;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

/// API Gateway's frame limit for WebSocket messages.
const MAX_MESSAGE_BYTES: usize = 128 * 1024;

/// The handlers behind `$connect`, `$disconnect` and `$default`.
pub struct WsRoutes {
    pub connect: Handler,
    pub disconnect: Handler,
    pub default: Handler,
}

pub struct WsGateway {
    pub app: Arc<App>,
    pub routes: WsRoutes,
    pub sockets: Arc<LocalSockets>,
}

fn event(
    route: &str,
    connection_id: &str,
    peer: SocketAddr,
    parts: Option<&http::request::Parts>,
    body: Option<String>,
) -> lambda_http::Request {
    let mut context = ApiGatewayWebsocketProxyRequestContext::default();
    context.route_key = Some(route.to_string());
    context.event_type = Some(
        match route {
            "$connect" => "CONNECT",
            "$disconnect" => "DISCONNECT",
            _ => "MESSAGE",
        }
        .to_string(),
    );
    context.connection_id = Some(connection_id.to_string());
    context.request_id = Some(uuid::Uuid::new_v4().to_string());
    context.stage = Some("local".into());
    context.apiid = Some("local".into());
    context.identity.source_ip = Some(peer.ip().to_string());
    context.request_time_epoch = time::OffsetDateTime::now_utc().unix_timestamp() * 1000;
    let mut ev = ApiGatewayWebsocketProxyRequest::default();
    if let Some(parts) = parts {
        ev.headers = parts.headers.clone();
        ev.query_string_parameters = parts
            .uri
            .query()
            .unwrap_or_default()
            .parse()
            .unwrap_or_default();
    }
    ev.request_context = context;
    ev.body = body;
    LambdaRequest::WebSocket(ev).into()
}

fn plain(status: StatusCode, body: &'static str) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    response
}

pub async fn serve(
    listener: TcpListener,
    gateway: Arc<WsGateway>,
    mut stop: watch::Receiver<bool>,
) {
    loop {
        let (stream, peer) = tokio::select! {
            _ = stop.changed() => return,
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(_) => continue,
            },
        };
        let gateway = gateway.clone();
        let stop = stop.clone();
        let service = service_fn(move |req| handle(gateway.clone(), peer, req, stop.clone()));
        tokio::spawn(async move {
            let conn = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service);
            let _ = conn.with_upgrades().await;
        });
    }
}

async fn handle(
    gateway: Arc<WsGateway>,
    peer: SocketAddr,
    req: Request<Incoming>,
    stop: watch::Receiver<bool>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    if let Some(id) = req.uri().path().strip_prefix("/@connections/") {
        let id = id.to_string();
        return Ok(manage(&gateway.sockets, req, &id).await);
    }
    Ok(handshake(gateway, peer, req, stop).await)
}

async fn handshake(
    gateway: Arc<WsGateway>,
    peer: SocketAddr,
    mut req: Request<Incoming>,
    stop: watch::Receiver<bool>,
) -> Response<Full<Bytes>> {
    let Some(key) = req
        .headers()
        .get("sec-websocket-key")
        .map(|k| derive_accept_key(k.as_bytes()))
    else {
        return plain(StatusCode::BAD_REQUEST, "expected a WebSocket handshake");
    };
    let connection_id = think_tank_core::crypto::random_token(12);
    let upgrade = hyper::upgrade::on(&mut req);
    let (parts, _) = req.into_parts();
    let connect = event("$connect", &connection_id, peer, Some(&parts), None);
    let answer = (gateway.routes.connect)(gateway.app.clone(), connect).await;
    if answer.status() != StatusCode::OK {
        return plain(answer.status(), "refused");
    }
    let inbox = gateway.sockets.register(&connection_id);
    tokio::spawn(async move {
        match upgrade.await {
            Ok(upgraded) => {
                let socket =
                    WebSocketStream::from_raw_socket(TokioIo::new(upgraded), Role::Server, None)
                        .await;
                run_socket(&gateway, &connection_id, peer, socket, inbox, stop).await;
            }
            Err(e) => tracing::warn!(error = %e, "websocket upgrade failed"),
        }
        gateway.sockets.unregister(&connection_id);
        let disconnect = event("$disconnect", &connection_id, peer, None, None);
        (gateway.routes.disconnect)(gateway.app.clone(), disconnect).await;
    });
    let mut response = plain(StatusCode::SWITCHING_PROTOCOLS, "");
    let headers = response.headers_mut();
    headers.insert(http::header::UPGRADE, HeaderValue::from_static("websocket"));
    headers.insert(
        http::header::CONNECTION,
        HeaderValue::from_static("Upgrade"),
    );
    if let Ok(accept) = HeaderValue::from_str(&key) {
        headers.insert("sec-websocket-accept", accept);
    }
    response
}

async fn run_socket<S>(
    gateway: &WsGateway,
    connection_id: &str,
    peer: SocketAddr,
    mut socket: WebSocketStream<S>,
    mut inbox: tokio::sync::mpsc::UnboundedReceiver<Outgoing>,
    mut stop: watch::Receiver<bool>,
) where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    loop {
        tokio::select! {
            _ = stop.changed() => break,
            incoming = socket.next() => match incoming {
                Some(Ok(Message::Text(text))) if text.len() <= MAX_MESSAGE_BYTES => {
                    let message = event("$default", connection_id, peer, None, Some(text.to_string()));
                    (gateway.routes.default)(gateway.app.clone(), message).await;
                }
                Some(Ok(Message::Ping(_) | Message::Pong(_) | Message::Frame(_))) => {}
                Some(Ok(Message::Text(_) | Message::Binary(_))) => {
                    let error = r#"{"type":"error","code":"bad_request"}"#;
                    if socket.send(Message::text(error)).await.is_err() {
                        break;
                    }
                }
                _ => break,
            },
            outgoing = inbox.recv() => match outgoing {
                Some(Outgoing::Text(text)) => {
                    if socket.send(Message::text(text)).await.is_err() {
                        break;
                    }
                }
                _ => {
                    let _ = socket.close(None).await;
                    break;
                }
            },
        }
    }
}

/// `@connections/{id}` as API Gateway answers it, `410 GoneException` included.
async fn manage(sockets: &LocalSockets, req: Request<Incoming>, id: &str) -> Response<Full<Bytes>> {
    if !sockets.is_open(id) {
        let mut gone = plain(StatusCode::GONE, r#"{"message":"Gone"}"#);
        gone.headers_mut().insert(
            "x-amzn-errortype",
            HeaderValue::from_static("GoneException"),
        );
        gone.headers_mut().insert(
            http::header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        return gone;
    }
    match *req.method() {
        http::Method::POST => {
            let body = match Limited::new(req.into_body(), MAX_MESSAGE_BYTES)
                .collect()
                .await
            {
                Ok(b) => b.to_bytes(),
                Err(_) => return plain(StatusCode::PAYLOAD_TOO_LARGE, ""),
            };
            let text = String::from_utf8_lossy(&body).into_owned();
            let _ = think_tank_core::ports::Notifier::push(sockets, id, &text).await;
            plain(StatusCode::OK, "")
        }
        http::Method::DELETE => {
            let _ = think_tank_core::ports::Notifier::disconnect(sockets, id).await;
            plain(StatusCode::NO_CONTENT, "")
        }
        http::Method::GET => plain(StatusCode::OK, r#"{"identity":{}}"#),
        _ => plain(StatusCode::METHOD_NOT_ALLOWED, ""),
    }
}
