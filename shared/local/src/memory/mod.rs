//! Embedded, in-process adapters: the default for local runs and the fast
//! backend for tests. One lock per store keeps every conditional write atomic.

mod accounts;
mod board;
mod feed;
mod identities;
mod mfa;
mod queue;
mod workspaces;

pub use queue::{MemoryQueue, QueuedMessage};

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;
use think_tank_core::domain::{SessionId, TaskId, UserId};

use think_tank_core::clock::UnixSecs;
use think_tank_core::domain::{
    AuditEvent, Connection, FileRecord, Identity, LoginAttempts, Page, Session, Task, UserRecord,
};

#[derive(Default)]
struct Users {
    by_id: BTreeMap<UserId, UserRecord>,
    id_by_email: HashMap<String, UserId>,
}

#[derive(Default)]
pub struct MemoryStore {
    users: Mutex<Users>,
    sessions: Mutex<HashMap<(UserId, SessionId), Session>>,
    revoked: Mutex<HashMap<String, UnixSecs>>,
    one_time: Mutex<HashMap<(String, String), (String, UnixSecs)>>,
    /// The state and when it is forgotten, as DynamoDB's TTL would.
    attempts: Mutex<HashMap<String, (LoginAttempts, UnixSecs)>>,
    /// (key, window start) -> (hits, window end)
    rate: Mutex<HashMap<(String, UnixSecs), (u32, UnixSecs)>>,
    audit: Mutex<BTreeMap<String, (AuditEvent, UnixSecs)>>,
    mfa: Mutex<HashMap<UserId, mfa::Factors>>,
    identities: Mutex<Vec<Identity>>,
    /// (user, provider) pairs the user unlinked.
    unlinked_identities: Mutex<std::collections::HashSet<(UserId, String)>>,
    tasks: Mutex<BTreeMap<TaskId, Task>>,
    files: Mutex<BTreeMap<String, FileRecord>>,
    connections: Mutex<BTreeMap<String, Connection>>,
    workspaces: Mutex<workspaces::Workspaces>,
    feed: feed::Feed,
}

pub(super) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic while holding the lock cannot leave these maps half-written.
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Newest-first page over ids that sort by creation time (UUIDv7); only the
/// rows of the page are viewed (cloned), and only its last id is copied.
pub(super) fn page_desc<'a, K: AsRef<str> + 'a, V: 'a, T>(
    items: impl DoubleEndedIterator<Item = (&'a K, &'a V)>,
    view: impl Fn(&V) -> T,
    after: Option<&str>,
    limit: usize,
) -> Page<T> {
    let mut rows = items
        .rev()
        .filter(|(id, _)| after.is_none_or(|a| id.as_ref() < a));
    let page: Vec<(&K, &V)> = rows.by_ref().take(limit).collect();
    let next = match rows.next() {
        Some(_) => page.last().map(|(id, _)| id.as_ref().to_string()),
        None => None,
    };
    Page {
        items: page.into_iter().map(|(_, v)| view(v)).collect(),
        next,
    }
}
