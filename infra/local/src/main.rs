//! `cargo run --release -p local`: the whole API on this machine.

use std::process::ExitCode;
use std::sync::Arc;

use shared::config::{Backend, LocalConfig, MissingSecrets};
use shared::Config;
use think_tank_core::clock::SystemClock;
use tokio::signal::unix::{signal, Signal, SignalKind};

#[tokio::main]
async fn main() -> ExitCode {
    shared::logging::init(shared::logging::LogFormat::Text);
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("local: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> anyhow::Result<()> {
    match std::env::args().nth(1).as_deref() {
        None => serve().await,
        Some("provision") => provision().await,
        Some("invoke") => invoke().await,
        Some("keygen") => keygen(),
        Some("openapi") => openapi(),
        Some("asyncapi") => asyncapi(),
        Some("template") => {
            print!("{}", local::stack::template());
            Ok(())
        }
        Some(other) => anyhow::bail!("unknown command {other:?}; usage: local [provision | invoke <Function> --event <file> | keygen [kid] | openapi | asyncapi | template]"),
    }
}

/// Creates the table and email queues in the emulators `AWS_ENDPOINT_URL_*` point at.
async fn provision() -> anyhow::Result<()> {
    let config = Config::from_env(MissingSecrets::GenerateEphemeral)?;
    let clients = adapters::aws::AwsClients::from_env().await;
    adapters::aws::provision::create_table(&clients, &config.table_name).await?;
    let queues =
        adapters::aws::provision::create_email_queues(&clients, "think-tank-email").await?;
    adapters::aws::provision::create_bucket(&clients, &config.bucket_name).await?;
    println!("export TABLE_NAME={}", config.table_name);
    println!("export BUCKET_NAME={}", config.bucket_name);
    println!("export EMAIL_QUEUE_URL={}", queues.queue_url);
    Ok(())
}

/// Prints the OpenAPI document (`cargo run -p local -- openapi > infra/openapi.json`).
fn openapi() -> anyhow::Result<()> {
    let template = std::fs::read_to_string("template.yaml")?;
    println!("{}", local::openapi::render(&template)?);
    Ok(())
}

/// Prints the AsyncAPI document (`cargo run -p local -- asyncapi > infra/asyncapi.json`).
fn asyncapi() -> anyhow::Result<()> {
    println!("{}", local::asyncapi::render()?);
    Ok(())
}

/// A new RS256 key pair for access tokens: the private half for the signing
/// key secret, the public half for `JWT_PUBLIC_KEYS`.
fn keygen() -> anyhow::Result<()> {
    let kid = std::env::args().nth(2).unwrap_or_else(|| {
        let day = time::OffsetDateTime::now_utc().date();
        format!("k{}", day.to_string().replace('-', ""))
    });
    let (private, public) =
        shared::config::keys::SigningKey::generate(&kid).map_err(anyhow::Error::msg)?;
    println!("JWT_SIGNING_KEY={private}");
    println!("JWT_PUBLIC_KEY={public}");
    Ok(())
}

/// Runs one function's handler with an event file and prints the response.
async fn invoke() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(2).collect();
    let (name, event_path) = match args.as_slice() {
        [name, flag, path] if flag == "--event" || flag == "-e" => (name, path),
        _ => anyhow::bail!("usage: local invoke <Function> --event <file>"),
    };
    let function = local::invoke::find_function(name)?;
    let event = std::fs::read_to_string(event_path)
        .map_err(|e| anyhow::anyhow!("--event {event_path}: {e}"))?;
    let config = Config::from_env(MissingSecrets::GenerateEphemeral)?;
    let local = LocalConfig::from_env()?;
    let app = match local.backend {
        Backend::Memory => local_adapters::in_memory(config, &local, Arc::new(SystemClock)).0,
        Backend::Aws => shared::wiring::on_aws(config).await,
    };
    let response = local::invoke::invoke(Arc::new(app), &function, &event).await?;
    println!("{}", serde_json::to_string_pretty(&response)?);
    Ok(())
}

async fn serve() -> anyhow::Result<()> {
    let signals = ShutdownSignals::register()?;
    let config = Config::from_env(MissingSecrets::GenerateEphemeral)?;
    let local = LocalConfig::from_env()?;
    let backend = match local.backend {
        Backend::Memory => "memory",
        Backend::Aws => "aws",
    };
    let outbox = local.outbox_dir.clone();
    let running = local::start(local::Settings {
        config,
        local,
        clock: Arc::new(SystemClock),
    })
    .await?;
    println!("Think-Tank local gateway (BACKEND={backend})");
    println!(
        "  HTTP API   http://{}  ({} routes)",
        running.http_addr, running.routes
    );
    println!(
        "  WebSocket  ws://{}  (@connections on http://{})",
        running.ws_addr, running.ws_addr
    );
    println!("  Health     http://{}/v1/health", running.http_addr);
    println!("  Outbox     {outbox}");
    println!("Press Ctrl-C to stop.");
    signals.received().await;
    println!("Stopping...");
    running.stop().await;
    Ok(())
}

/// Registered before the URL is printed, so a signal sent right after start is not lost.
struct ShutdownSignals {
    interrupt: Signal,
    terminate: Signal,
}

impl ShutdownSignals {
    fn register() -> anyhow::Result<Self> {
        Ok(Self {
            interrupt: signal(SignalKind::interrupt())?,
            terminate: signal(SignalKind::terminate())?,
        })
    }

    async fn received(mut self) {
        tokio::select! {
            _ = self.interrupt.recv() => {}
            _ = self.terminate.recv() => {}
        }
    }
}
