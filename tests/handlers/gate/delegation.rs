//! `GateStore` is the memory store with a gate on the reads a request makes
//! before it answers: every other method passes straight through.

use std::sync::atomic::Ordering;
use think_tank_core::domain::{SessionId, TaskId, UserId, WorkspaceId};

use async_trait::async_trait;
use think_tank_core::clock::UnixSecs;
use think_tank_core::domain::{
    AuditEvent, Completion, Connection, Email, FileRecord, Identity, LiveJti, MfaRecord, Page,
    Reservation, Session, Task, TaskFilter, User, UserChanges, UserRecord,
};
use think_tank_core::error::{StoreError, StoreResult};
use think_tank_core::ports::*;

use super::GateStore;

#[async_trait]
impl UserStore for GateStore {
    async fn create_user(&self, record: &UserRecord) -> StoreResult<bool> {
        self.inner.create_user(record).await
    }

    async fn user_by_id(&self, id: &UserId) -> StoreResult<Option<UserRecord>> {
        self.gate.pass().await;
        self.inner.user_by_id(id).await
    }

    async fn user_by_email(&self, email: &Email) -> StoreResult<Option<UserRecord>> {
        self.inner.user_by_email(email).await
    }

    async fn update_user(
        &self,
        id: &UserId,
        changes: &UserChanges,
    ) -> StoreResult<Option<UserRecord>> {
        self.inner.update_user(id, changes).await
    }

    async fn list_users(&self, after: Option<&str>, limit: usize) -> StoreResult<Page<User>> {
        self.inner.list_users(after, limit).await
    }
}

#[async_trait]
impl SessionStore for GateStore {
    async fn create_session(&self, session: &Session) -> StoreResult<()> {
        self.inner.create_session(session).await
    }

    async fn session(
        &self,
        user_id: &UserId,
        session_id: &SessionId,
    ) -> StoreResult<Option<Session>> {
        self.inner.session(user_id, session_id).await
    }

    async fn sessions_of(&self, user_id: &UserId) -> StoreResult<Vec<Session>> {
        self.inner.sessions_of(user_id).await
    }

    async fn replace_session_if(
        &self,
        session: &Session,
        expected_hash: &str,
    ) -> StoreResult<bool> {
        self.inner.replace_session_if(session, expected_hash).await
    }

    async fn mark_authenticated(
        &self,
        user_id: &UserId,
        session_id: &SessionId,
        at: UnixSecs,
    ) -> StoreResult<bool> {
        self.inner.mark_authenticated(user_id, session_id, at).await
    }

    async fn revoke_session(
        &self,
        user_id: &UserId,
        session_id: &SessionId,
    ) -> StoreResult<Option<Session>> {
        self.inner.revoke_session(user_id, session_id).await
    }
}

#[async_trait]
impl RevocationStore for GateStore {
    async fn revoke_tokens(&self, jtis: &[LiveJti]) -> StoreResult<()> {
        if self.fail_next_blacklist_write.swap(false, Ordering::SeqCst) {
            return Err(StoreError::Unavailable(anyhow::anyhow!("injected outage")));
        }
        self.inner.revoke_tokens(jtis).await
    }

    async fn is_revoked(&self, jti: &str, now: UnixSecs) -> StoreResult<bool> {
        self.gate.pass().await;
        self.inner.is_revoked(jti, now).await
    }
}

#[async_trait]
impl OneTimeStore for GateStore {
    async fn put_once(
        &self,
        purpose: &str,
        key: &str,
        subject: &str,
        expires_at: UnixSecs,
        now: UnixSecs,
    ) -> StoreResult<bool> {
        self.inner
            .put_once(purpose, key, subject, expires_at, now)
            .await
    }

    async fn take(&self, purpose: &str, key: &str, now: UnixSecs) -> StoreResult<Option<String>> {
        self.inner.take(purpose, key, now).await
    }

    async fn contains(&self, purpose: &str, key: &str, now: UnixSecs) -> StoreResult<bool> {
        self.inner.contains(purpose, key, now).await
    }

    async fn replace(
        &self,
        purpose: &str,
        key: &str,
        subject: &str,
        expires_at: UnixSecs,
    ) -> StoreResult<()> {
        self.inner.replace(purpose, key, subject, expires_at).await
    }

    async fn take_if(
        &self,
        purpose: &str,
        key: &str,
        subject: &str,
        now: UnixSecs,
    ) -> StoreResult<bool> {
        self.inner.take_if(purpose, key, subject, now).await
    }
}

#[async_trait]
impl AttemptStore for GateStore {
    async fn reserve_attempt(
        &self,
        email: &Email,
        threshold: u32,
        now: UnixSecs,
    ) -> StoreResult<Reservation> {
        self.inner.reserve_attempt(email, threshold, now).await
    }

    async fn start_lock(
        &self,
        email: &Email,
        threshold: u32,
        until: UnixSecs,
        now: UnixSecs,
    ) -> StoreResult<bool> {
        self.inner.start_lock(email, threshold, until, now).await
    }

    async fn clear_attempts(&self, email: &Email) -> StoreResult<()> {
        self.inner.clear_attempts(email).await
    }

    async fn release_attempt(&self, email: &Email) -> StoreResult<()> {
        self.inner.release_attempt(email).await
    }

    async fn lock_until(&self, email: &Email, until: UnixSecs, now: UnixSecs) -> StoreResult<()> {
        self.inner.lock_until(email, until, now).await
    }
}

#[async_trait]
impl IdentityStore for GateStore {
    async fn link_identity(&self, identity: &Identity) -> StoreResult<bool> {
        self.inner.link_identity(identity).await
    }

    async fn identity(&self, provider: &str, subject: &str) -> StoreResult<Option<Identity>> {
        self.inner.identity(provider, subject).await
    }

    async fn identities_of(&self, user_id: &UserId) -> StoreResult<Vec<Identity>> {
        self.inner.identities_of(user_id).await
    }

    async fn unlink_identity(
        &self,
        user_id: &UserId,
        provider: &str,
        has_password: bool,
    ) -> StoreResult<Unlink> {
        self.inner
            .unlink_identity(user_id, provider, has_password)
            .await
    }

    async fn was_unlinked(&self, user_id: &UserId, provider: &str) -> StoreResult<bool> {
        self.inner.was_unlinked(user_id, provider).await
    }
}

#[async_trait]
impl MfaStore for GateStore {
    async fn mfa(&self, user_id: &UserId) -> StoreResult<MfaRecord> {
        self.inner.mfa(user_id).await
    }

    async fn set_phone(&self, user_id: &UserId, phone: &str) -> StoreResult<bool> {
        self.inner.set_phone(user_id, phone).await
    }

    async fn verify_phone(&self, user_id: &UserId, phone: &str) -> StoreResult<bool> {
        self.inner.verify_phone(user_id, phone).await
    }

    async fn remove_phone(&self, user_id: &UserId) -> StoreResult<bool> {
        self.inner.remove_phone(user_id).await
    }

    async fn enable_sms(&self, user_id: &UserId) -> StoreResult<bool> {
        self.inner.enable_sms(user_id).await
    }

    async fn set_pending_totp(&self, user_id: &UserId, sealed: &str) -> StoreResult<bool> {
        self.inner.set_pending_totp(user_id, sealed).await
    }

    async fn activate_totp(&self, user_id: &UserId, step: u64) -> StoreResult<bool> {
        self.inner.activate_totp(user_id, step).await
    }

    async fn accept_totp_step(&self, user_id: &UserId, step: u64) -> StoreResult<bool> {
        self.inner.accept_totp_step(user_id, step).await
    }

    async fn replace_backup_codes(&self, user_id: &UserId, hashes: &[String]) -> StoreResult<()> {
        self.inner.replace_backup_codes(user_id, hashes).await
    }

    async fn use_backup_code(&self, user_id: &UserId, hash: &str) -> StoreResult<bool> {
        self.inner.use_backup_code(user_id, hash).await
    }

    async fn backup_codes_left(&self, user_id: &UserId) -> StoreResult<usize> {
        self.inner.backup_codes_left(user_id).await
    }

    async fn clear_mfa(&self, user_id: &UserId) -> StoreResult<()> {
        self.inner.clear_mfa(user_id).await
    }
}

#[async_trait]
impl RateLimitStore for GateStore {
    async fn hit(
        &self,
        key: &str,
        window_start: UnixSecs,
        window_seconds: i64,
    ) -> StoreResult<u32> {
        self.inner.hit(key, window_start, window_seconds).await
    }
}

#[async_trait]
impl AuditStore for GateStore {
    async fn record_event(&self, event: &AuditEvent, expires_at: UnixSecs) -> StoreResult<()> {
        self.inner.record_event(event, expires_at).await
    }

    async fn list_events(
        &self,
        user_id: Option<&UserId>,
        after: Option<&str>,
        limit: usize,
        now: UnixSecs,
    ) -> StoreResult<Page<AuditEvent>> {
        self.inner.list_events(user_id, after, limit, now).await
    }
}

#[async_trait]
impl TaskStore for GateStore {
    async fn create_task(&self, task: &Task) -> StoreResult<()> {
        self.inner.create_task(task).await
    }

    async fn task(&self, workspace: &WorkspaceId, id: &TaskId) -> StoreResult<Option<Task>> {
        self.gate.pass().await;
        self.inner.task(workspace, id).await
    }

    async fn update_task_if(&self, task: &Task, expected_version: u64) -> StoreResult<bool> {
        self.inner.update_task_if(task, expected_version).await
    }

    async fn delete_task(&self, workspace: &WorkspaceId, id: &TaskId) -> StoreResult<Option<Task>> {
        self.inner.delete_task(workspace, id).await
    }

    async fn list_tasks(
        &self,
        workspace: &WorkspaceId,
        filter: &TaskFilter,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Page<Task>> {
        self.gate.pass().await;
        self.inner.list_tasks(workspace, filter, after, limit).await
    }
}

#[async_trait]
impl Probe for GateStore {
    async fn ping(&self) -> StoreResult<()> {
        self.inner.ping().await
    }
}

#[async_trait]
impl FileStore for GateStore {
    async fn create_file(&self, file: &FileRecord) -> StoreResult<()> {
        self.inner.create_file(file).await
    }

    async fn file(&self, id: &str, now: UnixSecs) -> StoreResult<Option<FileRecord>> {
        self.inner.file(id, now).await
    }

    async fn mark_file_ready(
        &self,
        file: &FileRecord,
        key: &str,
        now: UnixSecs,
        cap: u32,
    ) -> StoreResult<Completion> {
        self.inner.mark_file_ready(file, key, now, cap).await
    }

    async fn delete_file(&self, file: &FileRecord) -> StoreResult<bool> {
        self.inner.delete_file(file).await
    }

    async fn ready_files(&self, owner_id: &UserId) -> StoreResult<u32> {
        self.inner.ready_files(owner_id).await
    }

    async fn files_of(
        &self,
        owner_id: &UserId,
        after: Option<&str>,
        limit: usize,
        now: UnixSecs,
    ) -> StoreResult<Page<FileRecord>> {
        self.inner.files_of(owner_id, after, limit, now).await
    }
}

#[async_trait]
impl ConnectionStore for GateStore {
    async fn put_connection(&self, connection: &Connection) -> StoreResult<()> {
        self.inner.put_connection(connection).await
    }

    async fn connection(&self, id: &str, now: UnixSecs) -> StoreResult<Option<Connection>> {
        self.inner.connection(id, now).await
    }

    async fn delete_connection(&self, id: &str) -> StoreResult<()> {
        self.inner.delete_connection(id).await
    }

    async fn connections_of(
        &self,
        user_id: &UserId,
        now: UnixSecs,
    ) -> StoreResult<Vec<Connection>> {
        self.inner.connections_of(user_id, now).await
    }
}
