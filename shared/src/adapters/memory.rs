//! Embedded, in-process adapters: the default for local runs and the fast
//! backend for tests. One lock per store keeps every conditional write atomic.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Mutex;

use async_trait::async_trait;

use crate::domain::{
    AuditEvent, Connection, Email, FileRecord, FileStatus, LiveJti, LoginAttempts, Page,
    Reservation, Session, Task, TaskFilter, User, UserChanges, UserRecord,
};
use crate::email::EmailJob;
use crate::error::StoreResult;
use crate::ports::{
    AttemptStore, AuditStore, ConnectionStore, EmailQueue, FileStore, OneTimeStore, Probe,
    RateLimitStore, RevocationStore, SessionStore, TaskStore, UserStore,
};

#[derive(Default)]
struct Users {
    by_id: BTreeMap<String, UserRecord>,
    id_by_email: HashMap<String, String>,
}

#[derive(Default)]
pub struct MemoryStore {
    users: Mutex<Users>,
    sessions: Mutex<HashMap<(String, String), Session>>,
    revoked: Mutex<HashMap<String, i64>>,
    one_time: Mutex<HashMap<(String, String), (String, i64)>>,
    attempts: Mutex<HashMap<String, LoginAttempts>>,
    /// (key, window start) -> (hits, window end)
    rate: Mutex<HashMap<(String, i64), (u32, i64)>>,
    audit: Mutex<BTreeMap<String, (AuditEvent, i64)>>,
    tasks: Mutex<BTreeMap<String, Task>>,
    files: Mutex<BTreeMap<String, FileRecord>>,
    connections: Mutex<BTreeMap<String, Connection>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic while holding the lock cannot leave these maps half-written.
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Newest-first page over ids that sort by creation time (UUIDv7).
fn page_desc<'a, T: Clone + 'a>(
    items: impl DoubleEndedIterator<Item = (&'a String, T)>,
    after: Option<&str>,
    limit: usize,
) -> Page<T> {
    let mut rows: Vec<(String, T)> = items
        .rev()
        .filter(|(id, _)| after.is_none_or(|a| id.as_str() < a))
        .take(limit + 1)
        .map(|(id, t)| (id.clone(), t))
        .collect();
    let next = (rows.len() > limit).then(|| {
        rows.truncate(limit);
        rows.last().map(|(id, _)| id.clone())
    });
    Page {
        items: rows.into_iter().map(|(_, t)| t).collect(),
        next: next.flatten(),
    }
}

#[async_trait]
impl UserStore for MemoryStore {
    async fn create_user(&self, record: &UserRecord) -> StoreResult<bool> {
        let mut users = lock(&self.users);
        if users.id_by_email.contains_key(&record.user.email) {
            return Ok(false);
        }
        users
            .id_by_email
            .insert(record.user.email.clone(), record.user.id.clone());
        users.by_id.insert(record.user.id.clone(), record.clone());
        Ok(true)
    }

    async fn user_by_id(&self, id: &str) -> StoreResult<Option<UserRecord>> {
        Ok(lock(&self.users).by_id.get(id).cloned())
    }

    async fn user_by_email(&self, email: &Email) -> StoreResult<Option<UserRecord>> {
        let users = lock(&self.users);
        Ok(users
            .id_by_email
            .get(email.as_str())
            .and_then(|id| users.by_id.get(id))
            .cloned())
    }

    async fn update_user(
        &self,
        id: &str,
        changes: &UserChanges,
    ) -> StoreResult<Option<UserRecord>> {
        let mut users = lock(&self.users);
        let Some(record) = users.by_id.get_mut(id) else {
            return Ok(None);
        };
        if let Some(name) = &changes.name {
            record.user.name = name.clone();
        }
        if let Some(role) = changes.role {
            record.user.role = role;
        }
        if let Some(verified) = changes.email_verified {
            record.user.email_verified = verified;
        }
        if let Some(hash) = &changes.password_hash {
            record.password_hash = hash.clone();
        }
        Ok(Some(record.clone()))
    }

    async fn list_users(&self, after: Option<&str>, limit: usize) -> StoreResult<Page<User>> {
        let users = lock(&self.users);
        Ok(page_desc(
            users.by_id.iter().map(|(id, r)| (id, r.user.clone())),
            after,
            limit,
        ))
    }
}

#[async_trait]
impl SessionStore for MemoryStore {
    async fn create_session(&self, session: &Session) -> StoreResult<()> {
        let key = (session.user_id.clone(), session.id.clone());
        lock(&self.sessions).insert(key, session.clone());
        Ok(())
    }

    async fn session(&self, user_id: &str, session_id: &str) -> StoreResult<Option<Session>> {
        let key = (user_id.to_string(), session_id.to_string());
        Ok(lock(&self.sessions).get(&key).cloned())
    }

    async fn sessions_of(&self, user_id: &str) -> StoreResult<Vec<Session>> {
        let mut found: Vec<Session> = lock(&self.sessions)
            .values()
            .filter(|s| s.user_id == user_id)
            .cloned()
            .collect();
        found.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(found)
    }

    async fn replace_session_if(
        &self,
        session: &Session,
        expected_hash: &str,
    ) -> StoreResult<bool> {
        let key = (session.user_id.clone(), session.id.clone());
        let mut sessions = lock(&self.sessions);
        match sessions.get_mut(&key) {
            Some(current) if !current.revoked && current.refresh_hash == expected_hash => {
                *current = session.clone();
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    async fn revoke_session(
        &self,
        user_id: &str,
        session_id: &str,
    ) -> StoreResult<Option<Session>> {
        let key = (user_id.to_string(), session_id.to_string());
        let mut sessions = lock(&self.sessions);
        match sessions.get_mut(&key) {
            Some(s) if !s.revoked => {
                s.revoked = true;
                Ok(Some(s.clone()))
            }
            _ => Ok(None),
        }
    }
}

#[async_trait]
impl RevocationStore for MemoryStore {
    async fn revoke_tokens(&self, jtis: &[LiveJti]) -> StoreResult<()> {
        let mut revoked = lock(&self.revoked);
        for j in jtis {
            revoked.insert(j.jti.clone(), j.expires_at);
        }
        Ok(())
    }

    async fn is_revoked(&self, jti: &str, now: i64) -> StoreResult<bool> {
        Ok(lock(&self.revoked).get(jti).is_some_and(|exp| now < *exp))
    }
}

#[async_trait]
impl OneTimeStore for MemoryStore {
    async fn put_once(
        &self,
        purpose: &str,
        key: &str,
        subject: &str,
        expires_at: i64,
        now: i64,
    ) -> StoreResult<bool> {
        let mut entries = lock(&self.one_time);
        let k = (purpose.to_string(), key.to_string());
        if entries.get(&k).is_some_and(|(_, exp)| now < *exp) {
            return Ok(false);
        }
        entries.insert(k, (subject.to_string(), expires_at));
        Ok(true)
    }

    async fn take(&self, purpose: &str, key: &str, now: i64) -> StoreResult<Option<String>> {
        let k = (purpose.to_string(), key.to_string());
        Ok(lock(&self.one_time)
            .remove(&k)
            .filter(|(_, exp)| now < *exp)
            .map(|(subject, _)| subject))
    }

    async fn contains(&self, purpose: &str, key: &str, now: i64) -> StoreResult<bool> {
        let k = (purpose.to_string(), key.to_string());
        Ok(lock(&self.one_time)
            .get(&k)
            .is_some_and(|(_, exp)| now < *exp))
    }
}

#[async_trait]
impl AttemptStore for MemoryStore {
    async fn reserve_attempt(
        &self,
        email: &Email,
        threshold: u32,
        now: i64,
    ) -> StoreResult<Reservation> {
        let mut all = lock(&self.attempts);
        let entry = all.entry(email.as_str().to_string()).or_default();
        let (next, answer) = entry.reserve(threshold, now);
        *entry = next;
        Ok(answer)
    }

    async fn start_lock(
        &self,
        email: &Email,
        threshold: u32,
        until: i64,
        _now: i64,
    ) -> StoreResult<bool> {
        let mut all = lock(&self.attempts);
        match all.get_mut(email.as_str()) {
            Some(state) if state.failures >= threshold && state.locked_until.is_none() => {
                state.locked_until = Some(until);
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    async fn clear_attempts(&self, email: &Email) -> StoreResult<()> {
        lock(&self.attempts).remove(email.as_str());
        Ok(())
    }

    async fn lock_until(&self, email: &Email, until: i64, _now: i64) -> StoreResult<()> {
        let next = LoginAttempts {
            failures: 0,
            locked_until: Some(until),
        };
        lock(&self.attempts).insert(email.as_str().to_string(), next);
        Ok(())
    }
}

#[async_trait]
impl RateLimitStore for MemoryStore {
    async fn hit(&self, key: &str, window_start: i64, window_seconds: i64) -> StoreResult<u32> {
        let mut rate = lock(&self.rate);
        // Forget windows that have ended; windows of other lengths live on.
        rate.retain(|_, (_, end)| *end > window_start);
        let (count, _) = rate
            .entry((key.to_string(), window_start))
            .or_insert((0, window_start + window_seconds));
        *count += 1;
        Ok(*count)
    }
}

#[async_trait]
impl AuditStore for MemoryStore {
    async fn record_event(&self, event: &AuditEvent, expires_at: i64) -> StoreResult<()> {
        lock(&self.audit).insert(event.id.clone(), (event.clone(), expires_at));
        Ok(())
    }

    async fn list_events(
        &self,
        user_id: Option<&str>,
        after: Option<&str>,
        limit: usize,
        now: i64,
    ) -> StoreResult<Page<AuditEvent>> {
        let audit = lock(&self.audit);
        let matching = audit.iter().filter(|(_, (e, exp))| {
            now < *exp && user_id.is_none_or(|u| e.user_id.as_deref() == Some(u))
        });
        Ok(page_desc(
            matching.map(|(id, (e, _))| (id, e.clone())),
            after,
            limit,
        ))
    }
}

#[async_trait]
impl TaskStore for MemoryStore {
    async fn create_task(&self, task: &Task) -> StoreResult<()> {
        lock(&self.tasks).insert(task.id.clone(), task.clone());
        Ok(())
    }

    async fn task(&self, id: &str) -> StoreResult<Option<Task>> {
        Ok(lock(&self.tasks).get(id).cloned())
    }

    async fn update_task_if(&self, task: &Task, expected_version: u64) -> StoreResult<bool> {
        let mut tasks = lock(&self.tasks);
        match tasks.get_mut(&task.id) {
            Some(current) if current.version == expected_version => {
                *current = task.clone();
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    async fn delete_task(&self, id: &str) -> StoreResult<Option<Task>> {
        Ok(lock(&self.tasks).remove(id))
    }

    async fn list_tasks(
        &self,
        filter: &TaskFilter,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Page<Task>> {
        let tasks = lock(&self.tasks);
        let matching = tasks.iter().filter(|(_, t)| {
            filter.status.is_none_or(|s| t.status == s)
                && filter.owner_id.as_ref().is_none_or(|o| &t.owner_id == o)
        });
        Ok(page_desc(
            matching.map(|(id, t)| (id, t.clone())),
            after,
            limit,
        ))
    }
}

#[async_trait]
impl FileStore for MemoryStore {
    async fn create_file(&self, file: &FileRecord) -> StoreResult<()> {
        lock(&self.files).insert(file.id.clone(), file.clone());
        Ok(())
    }

    async fn file(&self, id: &str, now: i64) -> StoreResult<Option<FileRecord>> {
        Ok(lock(&self.files)
            .get(id)
            .filter(|f| f.is_live(now))
            .cloned())
    }

    async fn mark_file_ready(
        &self,
        id: &str,
        key: &str,
        now: i64,
    ) -> StoreResult<Option<FileRecord>> {
        let mut files = lock(&self.files);
        match files.get_mut(id) {
            Some(f) if f.status == FileStatus::Pending && f.is_live(now) => {
                f.status = FileStatus::Ready;
                f.key = key.to_string();
                f.expires_at = None;
                Ok(Some(f.clone()))
            }
            _ => Ok(None),
        }
    }

    async fn delete_file(&self, id: &str) -> StoreResult<Option<FileRecord>> {
        Ok(lock(&self.files).remove(id))
    }

    async fn files_of(
        &self,
        owner_id: &str,
        after: Option<&str>,
        limit: usize,
        now: i64,
    ) -> StoreResult<Page<FileRecord>> {
        let files = lock(&self.files);
        let mine = files
            .iter()
            .filter(|(_, f)| f.owner_id == owner_id && f.is_live(now));
        Ok(page_desc(mine.map(|(id, f)| (id, f.clone())), after, limit))
    }
}

#[async_trait]
impl ConnectionStore for MemoryStore {
    async fn put_connection(&self, connection: &Connection) -> StoreResult<()> {
        lock(&self.connections).insert(connection.id.clone(), connection.clone());
        Ok(())
    }

    async fn connection(&self, id: &str, now: i64) -> StoreResult<Option<Connection>> {
        Ok(lock(&self.connections)
            .get(id)
            .filter(|c| now < c.expires_at)
            .cloned())
    }

    async fn delete_connection(&self, id: &str) -> StoreResult<()> {
        lock(&self.connections).remove(id);
        Ok(())
    }

    async fn connections(&self, now: i64) -> StoreResult<Vec<Connection>> {
        Ok(lock(&self.connections)
            .values()
            .filter(|c| now < c.expires_at)
            .cloned()
            .collect())
    }

    async fn connections_of(&self, user_id: &str, now: i64) -> StoreResult<Vec<Connection>> {
        let all = lock(&self.connections);
        Ok(all
            .values()
            .filter(|c| c.user_id == user_id && now < c.expires_at)
            .cloned()
            .collect())
    }
}

#[async_trait]
impl Probe for MemoryStore {
    async fn ping(&self) -> StoreResult<()> {
        Ok(())
    }
}

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
