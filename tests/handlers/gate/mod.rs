//! A store that makes the reads of one request meet at a barrier: if a
//! handler ran its revocation check and its data read one after the other, the
//! first would wait alone and the gate would report it. Deterministic, no timing.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use adapters::outbox::OutboxSender;
use local_adapters::blobs::LocalBlobs;
use local_adapters::memory::{MemoryQueue, MemoryStore};
use shared::config::MissingSecrets;
use shared::Config;
use think_tank_core::clock::SystemClock;
use think_tank_core::App;
use tokio::sync::Barrier;

mod delegation;
mod workspaces;

#[derive(Default)]
pub struct Gate {
    armed: AtomicBool,
    barrier: std::sync::Mutex<Option<Arc<Barrier>>>,
    waited_alone: AtomicBool,
}

impl Gate {
    /// The next two gated reads must be in flight together.
    pub fn arm(&self) {
        *self.barrier.lock().unwrap() = Some(Arc::new(Barrier::new(2)));
        self.waited_alone.store(false, Ordering::SeqCst);
        self.armed.store(true, Ordering::SeqCst);
    }

    /// Whether a gated read had to give up waiting for its partner.
    pub fn waited_alone(&self) -> bool {
        self.waited_alone.load(Ordering::SeqCst)
    }

    async fn pass(&self) {
        if !self.armed.load(Ordering::SeqCst) {
            return;
        }
        let barrier = self.barrier.lock().unwrap().clone();
        if let Some(barrier) = barrier {
            let met = tokio::time::timeout(Duration::from_secs(2), barrier.wait())
                .await
                .is_ok();
            self.waited_alone.fetch_or(!met, Ordering::SeqCst);
            self.armed.store(false, Ordering::SeqCst);
        }
    }
}

/// An app whose table is `store`; everything else in memory.
pub fn app_over(store: Arc<GateStore>) -> Arc<App> {
    let outbox = std::env::temp_dir().join(e2e::unique_name("gate-outbox"));
    let vars = [("LOCAL_OUTBOX_DIR".to_string(), outbox.display().to_string())].into();
    let config = Config::from_map(&vars, MissingSecrets::GenerateEphemeral).unwrap();
    let sender = Arc::new(OutboxSender::new(&outbox.display().to_string()));
    let local = shared::config::LocalConfig::from_map(&vars).unwrap();
    let blobs = Arc::new(LocalBlobs::new(&config, &local, Arc::new(SystemClock)));
    let app = shared::wiring::assemble(
        config,
        store,
        Arc::new(MemoryQueue::default()),
        sender,
        blobs,
        Arc::new(SystemClock),
    );
    Arc::new(app)
}

#[derive(Default)]
pub struct GateStore {
    pub inner: MemoryStore,
    pub gate: Arc<Gate>,
    /// When set, the next blacklist write fails as if the table were down.
    pub fail_next_blacklist_write: AtomicBool,
}
