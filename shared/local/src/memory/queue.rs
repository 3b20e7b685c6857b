//! The embedded email queue.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use async_trait::async_trait;

use super::lock;
use think_tank_core::email::EmailJob;
use think_tank_core::error::StoreResult;
use think_tank_core::ports::{EmailQueue, Probe};

/// An SQS-like queue: receives hide messages until acked or released, and a
/// message received `max_receives` times goes to the dead-letter list.
#[derive(Default)]
pub struct MemoryQueue {
    state: Mutex<QueueState>,
    notify: tokio::sync::Notify,
}

#[derive(Default)]
struct QueueState {
    ready: VecDeque<QueuedMessage>,
    in_flight: HashMap<String, QueuedMessage>,
    dead: Vec<QueuedMessage>,
}

#[derive(Clone)]
pub struct QueuedMessage {
    pub message_id: String,
    pub body: String,
    pub receive_count: u32,
}

impl MemoryQueue {
    pub fn push_raw(&self, body: String) {
        let message = QueuedMessage {
            message_id: uuid::Uuid::new_v4().to_string(),
            body,
            receive_count: 0,
        };
        lock(&self.state).ready.push_back(message);
        self.notify.notify_one();
    }

    /// Up to `max` messages, each with its receive count raised.
    pub fn receive(&self, max: usize) -> Vec<QueuedMessage> {
        let mut state = lock(&self.state);
        let n = max.min(state.ready.len());
        let batch: Vec<QueuedMessage> = state
            .ready
            .drain(..n)
            .map(|mut m| {
                m.receive_count += 1;
                m
            })
            .collect();
        for m in &batch {
            state.in_flight.insert(m.message_id.clone(), m.clone());
        }
        batch
    }

    pub fn ack(&self, message_id: &str) {
        lock(&self.state).in_flight.remove(message_id);
    }

    /// Makes a failed message visible again, or dead-letters it after `max_receives`.
    pub fn release(&self, message_id: &str, max_receives: u32) {
        let mut state = lock(&self.state);
        if let Some(m) = state.in_flight.remove(message_id) {
            if m.receive_count >= max_receives {
                state.dead.push(m);
            } else {
                state.ready.push_back(m);
            }
        }
        self.notify.notify_one();
    }

    pub async fn wait_for_messages(&self) {
        if lock(&self.state).ready.is_empty() {
            self.notify.notified().await;
        }
    }

    pub fn pending(&self) -> usize {
        let state = lock(&self.state);
        state.ready.len() + state.in_flight.len()
    }

    pub fn dead_letters(&self) -> Vec<QueuedMessage> {
        lock(&self.state).dead.clone()
    }
}

#[async_trait]
impl Probe for MemoryQueue {
    async fn ping(&self) -> StoreResult<()> {
        Ok(())
    }
}

#[async_trait]
impl EmailQueue for MemoryQueue {
    async fn enqueue(&self, job: &EmailJob) -> StoreResult<()> {
        let body = serde_json::to_string(job).map_err(anyhow::Error::from)?;
        self.push_raw(body);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_received_too_often_is_dead_lettered() {
        let q = MemoryQueue::default();
        q.push_raw("poison".into());
        for _ in 0..5 {
            let m = q.receive(10).pop().unwrap();
            q.release(&m.message_id, 5);
        }
        assert_eq!(q.pending(), 0);
        assert_eq!(q.dead_letters()[0].receive_count, 5);
    }
}
