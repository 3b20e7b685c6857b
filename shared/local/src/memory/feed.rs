//! The memory store's change feed, as DynamoDB Streams is the table's: every
//! committed task or membership change, published while the write still
//! holds its lock, so that one item's changes come out in commit order.

use std::sync::Mutex;

use think_tank_core::domain::new_id;
use think_tank_core::services::fanout::{Change, ChangeRecord};
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver, UnboundedSender};

use super::{lock, MemoryStore};

#[derive(Default)]
pub(super) struct Feed(Mutex<Option<UnboundedSender<ChangeRecord>>>);

impl Feed {
    /// Dropped when nobody listens (a store without a fan-out).
    pub(super) fn publish(&self, change: Change) {
        if let Some(feed) = lock(&self.0).as_ref() {
            let record = ChangeRecord {
                event_id: new_id(),
                change,
            };
            let _ = feed.send(record);
        }
    }
}

impl MemoryStore {
    /// The changes committed from now on; a second call takes the feed over.
    pub fn changes(&self) -> UnboundedReceiver<ChangeRecord> {
        let (sender, receiver) = unbounded_channel();
        *lock(&self.feed.0) = Some(sender);
        receiver
    }
}
