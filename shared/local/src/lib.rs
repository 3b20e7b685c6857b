//! The embedded adapters (the memory store and queue, local blobs, local
//! sockets) and the app built on them. The local gateway and the tests use
//! this crate; the Lambda binary never links it.

pub mod blobs;
pub mod memory;
pub mod sockets;

use std::sync::Arc;

use adapters::oidc::ConfiguredProviders;
use adapters::outbox::OutboxSender;
use shared::config::LocalConfig;
use shared::Config;
use think_tank_core::app::App;
use think_tank_core::clock::Clock;

use blobs::LocalBlobs;
use memory::{MemoryQueue, MemoryStore};
use sockets::LocalSockets;

/// Embedded, in-process adapters; returns the queue so a local event source can drain it.
pub fn in_memory(
    config: Config,
    local: &LocalConfig,
    clock: Arc<dyn Clock>,
) -> (App, Arc<MemoryQueue>) {
    let (app, queue, _) = in_memory_with_feed(config, local, clock);
    (app, queue)
}

/// [`in_memory`], with the store's change feed for a fan-out to consume.
pub fn in_memory_with_feed(
    config: Config,
    local: &LocalConfig,
    clock: Arc<dyn Clock>,
) -> (
    App,
    Arc<MemoryQueue>,
    tokio::sync::mpsc::UnboundedReceiver<think_tank_core::services::fanout::ChangeRecord>,
) {
    let queue = Arc::new(MemoryQueue::default());
    let sender = Arc::new(OutboxSender::new(&local.outbox_dir));
    let blobs = Arc::new(LocalBlobs::new(&config, local, clock.clone()));
    let store = Arc::new(MemoryStore::default());
    let changes = store.changes();
    let providers = Arc::new(ConfiguredProviders::new(
        config.settings.oidc_providers.clone(),
        config.oidc_client_secrets.clone(),
    ));
    let app = shared::wiring::assemble(config, store, queue.clone(), sender.clone(), blobs, clock)
        .with_sms_sender(sender)
        .with_identity_providers(providers)
        .with_notifier(Arc::new(LocalSockets::default()));
    (app, queue, changes)
}
