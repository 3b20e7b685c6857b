//! The local gateway: every function's real handler behind an HTTP server that
//! routes like API Gateway (from `template.yaml`), plus the email queue's event
//! source. `BACKEND=memory` runs embedded; `BACKEND=aws` uses the SDK clients.

pub mod blobs;
pub mod event;
pub mod queue;
pub mod router;
pub mod server;
pub mod template;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use shared::adapters::aws::{AwsClients, SqsQueue};
use shared::adapters::local_blobs::LocalBlobs;
use shared::adapters::memory::MemoryQueue;
use shared::clock::Clock;
use shared::config::Backend;
use shared::http::Handler;
use shared::{App, Config};
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// Every handler linked into this binary, by its Lambda binary name.
pub fn linked_handlers() -> HashMap<&'static str, Handler> {
    [
        auth::handlers(),
        admin::handlers(),
        health::handlers(),
        tasks::handlers(),
        files::handlers(),
    ]
    .into_iter()
    .flatten()
    .collect()
}

pub struct Settings {
    pub config: Config,
    pub http_addr: SocketAddr,
    pub clock: Arc<dyn Clock>,
}

pub struct Running {
    pub http_addr: SocketAddr,
    pub app: Arc<App>,
    pub memory_queue: Option<Arc<MemoryQueue>>,
    pub routes: usize,
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl Running {
    /// Stops accepting, lets in-flight requests finish, stops the queue poller.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        for task in self.tasks {
            let _ = task.await;
        }
    }
}

pub async fn start(settings: Settings) -> anyhow::Result<Running> {
    let functions = template::functions(template::TEMPLATE).context("read template.yaml")?;
    let routes = functions
        .iter()
        .flat_map(|f| f.http_routes.clone())
        .collect();
    let router = router::Router::new(routes, &linked_handlers())?;
    let listener = tokio::net::TcpListener::bind(settings.http_addr)
        .await
        .with_context(|| format!("LOCAL_HTTP_ADDR: cannot listen on {}", settings.http_addr))?;
    let http_addr = listener.local_addr()?;
    let mut config = settings.config;
    config.local_base_url = format!("http://{http_addr}");
    let (stop, stopped) = watch::channel(false);
    let backend = config.backend;
    let local_blobs = Arc::new(LocalBlobs::new(&config, settings.clock.clone()));
    let (app, memory_queue, poller) = match backend {
        Backend::Memory => {
            let (app, queue) = App::in_memory(config, settings.clock);
            let app = Arc::new(app);
            let poller = tokio::spawn(queue::run_memory(
                app.clone(),
                queue.clone(),
                stopped.clone(),
            ));
            (app, Some(queue), poller)
        }
        Backend::Aws => {
            if config.email_queue_url.is_empty() {
                anyhow::bail!(
                    "invalid configuration: EMAIL_QUEUE_URL: is required with BACKEND=aws"
                );
            }
            let clients = AwsClients::from_env().await;
            let sqs = SqsQueue::new(clients.sqs.clone(), &config.email_queue_url);
            let app = Arc::new(App::on_aws_with(config, &clients, settings.clock));
            let poller = tokio::spawn(queue::run_sqs(app.clone(), sqs, stopped.clone()));
            (app, None, poller)
        }
    };
    let routes_count = router.routes().count();
    let blobs = (backend == Backend::Memory).then_some(local_blobs);
    let gateway = Arc::new(server::Gateway {
        router,
        app: app.clone(),
        blobs,
    });
    let server = tokio::spawn(server::serve(listener, gateway, stopped));
    Ok(Running {
        http_addr,
        app,
        memory_queue,
        routes: routes_count,
        stop,
        tasks: vec![server, poller],
    })
}
