//! The local gateway: every function's real handler behind an HTTP server that
//! routes like API Gateway (from `template.yaml`), plus the email queue's event
//! source. `BACKEND=memory` runs embedded; `BACKEND=aws` uses the SDK clients.

pub mod apart;
pub mod asyncapi;
pub mod blobs;
pub mod event;
pub mod invoke;
pub mod openapi;
pub mod queue;
pub mod router;
pub mod server;
pub mod stack;
pub mod stream;
pub mod template;
pub mod websocket;

use std::collections::HashMap;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;

use adapters::aws::{AwsClients, SqsQueue};
use anyhow::Context;
use edge::http::Handler;
use local_adapters::blobs::LocalBlobs;
use local_adapters::memory::MemoryQueue;
use local_adapters::sockets::LocalSockets;
use shared::config::{Backend, LocalConfig};
use shared::Config;
use think_tank_core::clock::Clock;
use think_tank_core::App;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// Every handler linked into this binary, by its function name.
pub fn linked_handlers() -> HashMap<&'static str, Handler> {
    think_tank_lambda::routes()
        .into_iter()
        .map(|route| (route.name, route.handler))
        .collect()
}

pub struct Settings {
    pub config: Config,
    pub local: LocalConfig,
    pub clock: Arc<dyn Clock>,
}

pub struct Running {
    pub http_addr: SocketAddr,
    pub ws_addr: SocketAddr,
    pub sockets: Arc<LocalSockets>,
    pub app: Arc<App>,
    pub memory_queue: Option<Arc<MemoryQueue>>,
    pub routes: usize,
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl Running {
    /// Stops accepting, lets in-flight requests finish, stops the queue poller.
    pub async fn stop(mut self) {
        let _ = self.stop.send(true);
        for task in std::mem::take(&mut self.tasks) {
            let _ = task.await;
        }
    }
}

impl Drop for Running {
    /// A gateway dropped without [`Running::stop`] stops all the same: its
    /// realtime thread (WebSocket API, fan-out, stream polling) runs on a
    /// runtime of its own and would otherwise outlive it.
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

pub async fn start(settings: Settings) -> anyhow::Result<Running> {
    let functions = template::functions(template::TEMPLATE).context("read template.yaml")?;
    let routes = functions
        .iter()
        .flat_map(|f| f.http_routes.clone())
        .collect();
    let router = router::Router::new(routes, &linked_handlers())?;
    let mut local = settings.local;
    let listener = tokio::net::TcpListener::bind(local.http_addr)
        .await
        .with_context(|| format!("LOCAL_HTTP_ADDR: cannot listen on {}", local.http_addr))?;
    let http_addr = listener.local_addr()?;
    let ws_listener = tokio::net::TcpListener::bind(local.ws_addr)
        .await
        .with_context(|| format!("LOCAL_WS_ADDR: cannot listen on {}", local.ws_addr))?;
    let ws_addr = ws_listener.local_addr()?;
    (local.http_addr, local.ws_addr) = (http_addr, ws_addr);
    let mut config = settings.config;
    config.settings.websocket_url = format!("ws://{ws_addr}");
    if config.settings.api_base_url.is_empty() {
        // Unless the gateway is reached some other way (a tunnel, `localhost`).
        config.settings.api_base_url = format!("http://{http_addr}");
    }
    config.websocket_management_url = format!("http://{ws_addr}");
    let sockets = Arc::new(LocalSockets::default());
    let ws_routes = websocket_routes(&functions)?;
    let (stop, stopped) = watch::channel(false);
    let backend = local.backend;
    let local_blobs = Arc::new(LocalBlobs::new(&config, &local, settings.clock.clone()));
    let (app, memory_queue, poller, fan_out): (_, _, _, Pin<Box<dyn Future<Output = ()> + Send>>) =
        match backend {
            Backend::Memory => {
                let (app, queue, changes) =
                    local_adapters::in_memory_with_feed(config, &local, settings.clock);
                let app = Arc::new(app.with_notifier(sockets.clone()));
                let source = queue::Memory(queue.clone());
                let poller = tokio::spawn(queue::run(app.clone(), source, stopped.clone()));
                let fan_out = stream::feed(app.clone(), changes, stopped.clone());
                (app, Some(queue), poller, Box::pin(fan_out))
            }
            Backend::Aws => {
                if config.email_queue_url.is_empty() {
                    anyhow::bail!(
                        "invalid configuration: EMAIL_QUEUE_URL: is required with BACKEND=aws"
                    );
                }
                let clients = AwsClients::from_env().await;
                let sqs = SqsQueue::new(clients.sqs(), &config.email_queue_url);
                let arn = stream::arn(&clients, &config.table_name).await?;
                let streams = stream::client(&clients);
                let app = Arc::new(shared::wiring::on_aws_with(
                    config,
                    &clients,
                    settings.clock,
                ));
                let poller =
                    tokio::spawn(queue::run(app.clone(), queue::Sqs(sqs), stopped.clone()));
                let fan_out = stream::poll(app.clone(), streams, arn, stopped.clone());
                (app, None, poller, Box::pin(fan_out))
            }
        };
    app.service::<think_tank_core::app::Providers>()
        .warm()
        .await;
    let routes_count = router.routes().count();
    let blobs = (backend == Backend::Memory).then_some(local_blobs);
    let gateway = Arc::new(server::Gateway {
        router,
        app: app.clone(),
        blobs,
    });
    let server = tokio::spawn(server::serve(listener, gateway, stopped.clone()));
    let ws_gateway = Arc::new(websocket::WsGateway {
        app: app.clone(),
        routes: ws_routes,
        sockets: sockets.clone(),
    });
    let ws_listener = ws_listener.into_std()?;
    let realtime = move || async move {
        let ws_server = async {
            match tokio::net::TcpListener::from_std(ws_listener) {
                Ok(listener) => websocket::serve(listener, ws_gateway, stopped).await,
                Err(e) => tracing::error!(error = %e, "the WebSocket listener cannot start"),
            }
        };
        tokio::join!(ws_server, fan_out);
    };
    // The SDK's connection pool ties each connection to the runtime that
    // opened it: with the SDK clients, the realtime side stays on this one.
    let realtime = match backend {
        Backend::Memory => apart::run(realtime)?,
        Backend::Aws => tokio::spawn(realtime()),
    };
    Ok(Running {
        http_addr,
        ws_addr,
        sockets,
        app,
        memory_queue,
        routes: routes_count,
        stop,
        tasks: vec![server, poller, realtime],
    })
}

/// The `$connect`, `$disconnect` and `$default` handlers, by the template's route keys.
fn websocket_routes(
    functions: &[template::TemplateFunction],
) -> anyhow::Result<websocket::WsRoutes> {
    let handlers = linked_handlers();
    let routes = template::websocket_routes(template::TEMPLATE)?;
    let handler = |key: &str| -> anyhow::Result<Handler> {
        let function = routes
            .get(key)
            .with_context(|| format!("template has no WebSocket route {key}"))?;
        let handler = functions
            .iter()
            .find(|f| &f.logical_id == function)
            .map(|f| f.handler.as_str())
            .with_context(|| format!("route {key} targets unknown function {function}"))?;
        handlers
            .get(handler)
            .copied()
            .with_context(|| format!("no handler linked for function {handler}"))
    };
    Ok(websocket::WsRoutes {
        connect: handler("$connect")?,
        disconnect: handler("$disconnect")?,
        default: handler("$default")?,
    })
}
