//! The in-process notifier: the local gateway's open WebSocket connections.
//! A push to a connection that is not open answers `Gone`, like API Gateway's 410.

use std::collections::HashMap;
use std::sync::Mutex;

use async_trait::async_trait;
use tokio::sync::mpsc;

use think_tank_core::error::StoreResult;
use think_tank_core::ports::{Notifier, Push};

#[derive(Debug, PartialEq, Eq)]
pub enum Outgoing {
    Text(String),
    Close,
}

#[derive(Default)]
pub struct LocalSockets {
    open: Mutex<HashMap<String, mpsc::UnboundedSender<Outgoing>>>,
}

impl LocalSockets {
    fn open(&self) -> std::sync::MutexGuard<'_, HashMap<String, mpsc::UnboundedSender<Outgoing>>> {
        self.open.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Registers a connection and returns what must be sent to it.
    pub fn register(&self, connection_id: &str) -> mpsc::UnboundedReceiver<Outgoing> {
        let (tx, rx) = mpsc::unbounded_channel();
        self.open().insert(connection_id.to_string(), tx);
        rx
    }

    pub fn unregister(&self, connection_id: &str) {
        self.open().remove(connection_id);
    }

    pub fn is_open(&self, connection_id: &str) -> bool {
        self.open().contains_key(connection_id)
    }

    pub fn count(&self) -> usize {
        self.open().len()
    }

    fn send(&self, connection_id: &str, message: Outgoing) -> Push {
        match self.open().get(connection_id).map(|tx| tx.send(message)) {
            Some(Ok(())) => Push::Sent,
            _ => Push::Gone,
        }
    }
}

#[async_trait]
impl Notifier for LocalSockets {
    async fn push(&self, connection_id: &str, payload: &str) -> StoreResult<Push> {
        Ok(self.send(connection_id, Outgoing::Text(payload.to_string())))
    }

    async fn disconnect(&self, connection_id: &str) -> StoreResult<()> {
        self.send(connection_id, Outgoing::Close);
        Ok(())
    }
}
