//! Storage and messaging ports. Adapters live in `adapters::{memory, aws}`; one
//! conformance suite (tests/conformance) runs unchanged against both.
//!
//! `now` is the service clock's second, passed in so that every read checks
//! expiry itself (DynamoDB TTL deletes late).

use async_trait::async_trait;

use crate::clock::UnixSecs;

use crate::domain::{
    AuditEvent, Completion, Connection, Email, FileRecord, Identity, LiveJti, MfaRecord, Page,
    Reservation, Session, SessionId, Task, TaskFilter, TaskId, User, UserChanges, UserId,
    UserRecord, WorkspaceId,
};
use crate::error::StoreResult;

mod outside;
mod workspaces;

pub use outside::*;
pub use workspaces::WorkspaceStore;

#[async_trait]
pub trait UserStore: Send + Sync {
    /// Creates the user; `false` when the email is already taken.
    async fn create_user(&self, record: &UserRecord) -> StoreResult<bool>;
    async fn user_by_id(&self, id: &UserId) -> StoreResult<Option<UserRecord>>;
    async fn user_by_email(&self, email: &Email) -> StoreResult<Option<UserRecord>>;
    /// Applies the changes to an existing user and returns it; `None` if there is no such user.
    async fn update_user(
        &self,
        id: &UserId,
        changes: &UserChanges,
    ) -> StoreResult<Option<UserRecord>>;
    /// Newest first.
    async fn list_users(&self, after: Option<&str>, limit: usize) -> StoreResult<Page<User>>;
}

#[async_trait]
pub trait SessionStore: Send + Sync {
    async fn create_session(&self, session: &Session) -> StoreResult<()>;
    async fn session(
        &self,
        user_id: &UserId,
        session_id: &SessionId,
    ) -> StoreResult<Option<Session>>;
    /// Every stored session of the user, revoked and expired ones included.
    async fn sessions_of(&self, user_id: &UserId) -> StoreResult<Vec<Session>>;
    /// Replaces the session only if it is not revoked and its refresh hash is still
    /// `expected_hash`; `false` when another rotation or a revocation won.
    async fn replace_session_if(&self, session: &Session, expected_hash: &str)
        -> StoreResult<bool>;
    /// Records a fresh proof of identity on a live (unrevoked) session; `false` if there is none.
    async fn mark_authenticated(
        &self,
        user_id: &UserId,
        session_id: &SessionId,
        at: UnixSecs,
    ) -> StoreResult<bool>;
    /// Marks the session revoked and returns it as it was; `None` if it does not
    /// exist or was already revoked.
    async fn revoke_session(
        &self,
        user_id: &UserId,
        session_id: &SessionId,
    ) -> StoreResult<Option<Session>>;
}

#[async_trait]
pub trait RevocationStore: Send + Sync {
    /// Blacklists access tokens by `jti` until they expire by themselves.
    async fn revoke_tokens(&self, jtis: &[LiveJti]) -> StoreResult<()>;
    async fn is_revoked(&self, jti: &str, now: UnixSecs) -> StoreResult<bool>;
}

/// Single-use secrets (email verification, password reset, idempotency keys):
/// stored by hash, taken at most once.
#[async_trait]
pub trait OneTimeStore: Send + Sync {
    /// Stores `key`; `false` if a live entry with that key already exists.
    async fn put_once(
        &self,
        purpose: &str,
        key: &str,
        subject: &str,
        expires_at: UnixSecs,
        now: UnixSecs,
    ) -> StoreResult<bool>;
    /// Removes the entry and returns its subject, if it exists and has not expired.
    async fn take(&self, purpose: &str, key: &str, now: UnixSecs) -> StoreResult<Option<String>>;
    async fn contains(&self, purpose: &str, key: &str, now: UnixSecs) -> StoreResult<bool>;
    /// Stores `subject` under `key`, replacing any entry there (a new code
    /// voids the one before).
    async fn replace(
        &self,
        purpose: &str,
        key: &str,
        subject: &str,
        expires_at: UnixSecs,
    ) -> StoreResult<()>;
    /// Removes the entry only if it is live and its subject is `subject`;
    /// `true` for the one caller that removed it. A wrong subject leaves it.
    async fn take_if(
        &self,
        purpose: &str,
        key: &str,
        subject: &str,
        now: UnixSecs,
    ) -> StoreResult<bool>;
}

/// The lockout count per email. Every write is conditional, so any number of
/// parallel attempts get at most `threshold` grants between two clears.
#[async_trait]
pub trait AttemptStore: Send + Sync {
    /// Counts one more attempt if no lock is in force and fewer than
    /// `threshold` are counted (see [`crate::domain::LoginAttempts::reserve`]).
    async fn reserve_attempt(
        &self,
        email: &Email,
        threshold: u32,
        now: UnixSecs,
    ) -> StoreResult<Reservation>;
    /// Starts a lock until `until` if `threshold` attempts are counted and none
    /// is in force; `true` for the one caller that started it.
    async fn start_lock(
        &self,
        email: &Email,
        threshold: u32,
        until: UnixSecs,
        now: UnixSecs,
    ) -> StoreResult<bool>;
    /// Forgets the count and lifts any lock (a success, a reset, an admin).
    async fn clear_attempts(&self, email: &Email) -> StoreResult<()>;
    /// Gives back one counted attempt that was right but did not finish a
    /// sign-in (a password before its second factor); nothing while locked.
    async fn release_attempt(&self, email: &Email) -> StoreResult<()>;
    async fn lock_until(&self, email: &Email, until: UnixSecs, now: UnixSecs) -> StoreResult<()>;
}

/// Second factors. Each acceptance is a conditional write, so a TOTP step or
/// a backup code works once however many requests present it at the same time.
#[async_trait]
pub trait MfaStore: Send + Sync {
    async fn mfa(&self, user_id: &UserId) -> StoreResult<MfaRecord>;
    /// Sets (or replaces) the pending seed; `false` while TOTP is active.
    async fn set_pending_totp(&self, user_id: &UserId, sealed: &str) -> StoreResult<bool>;
    /// Makes the pending seed active, accepting `step` as its first code;
    /// `false` if there was no pending seed or TOTP is already active.
    async fn activate_totp(&self, user_id: &UserId, step: u64) -> StoreResult<bool>;
    /// Accepts `step` for the active seed if no later or equal step was; `false` for a replay.
    async fn accept_totp_step(&self, user_id: &UserId, step: u64) -> StoreResult<bool>;
    /// Replaces the whole set of backup codes (hashes).
    async fn replace_backup_codes(&self, user_id: &UserId, hashes: &[String]) -> StoreResult<()>;
    /// Uses up one backup code; `false` if it was not (or no longer) there.
    async fn use_backup_code(&self, user_id: &UserId, hash: &str) -> StoreResult<bool>;
    async fn backup_codes_left(&self, user_id: &UserId) -> StoreResult<usize>;
    /// Turns every factor off and deletes the backup codes; the phone stays.
    async fn clear_mfa(&self, user_id: &UserId) -> StoreResult<()>;
    /// Sets an unverified phone, replacing any other; `false` while SMS MFA is on.
    async fn set_phone(&self, user_id: &UserId, phone: &str) -> StoreResult<bool>;
    /// Marks `phone` verified; `false` if it is no longer the user's phone.
    async fn verify_phone(&self, user_id: &UserId, phone: &str) -> StoreResult<bool>;
    /// `false` while SMS MFA is on.
    async fn remove_phone(&self, user_id: &UserId) -> StoreResult<bool>;
    /// `false` without a verified phone.
    async fn enable_sms(&self, user_id: &UserId) -> StoreResult<bool>;
}

/// Links between accounts and provider identities. A provider identity
/// belongs to one account, and an account has at most one identity per
/// provider; both are enforced by conditional writes.
#[async_trait]
pub trait IdentityStore: Send + Sync {
    /// `false` if the identity is linked already, or the user has one at that provider.
    async fn link_identity(&self, identity: &Identity) -> StoreResult<bool>;
    async fn identity(&self, provider: &str, subject: &str) -> StoreResult<Option<Identity>>;
    async fn identities_of(&self, user_id: &UserId) -> StoreResult<Vec<Identity>>;
    /// Unlinks the user's identity at `provider` unless it is their last way
    /// to sign in (no password, `has_password`, and no other identity),
    /// judged in the same atomic step as the write: of two concurrent unlinks
    /// of an account's last two identities, one wins.
    async fn unlink_identity(
        &self,
        user_id: &UserId,
        provider: &str,
        has_password: bool,
    ) -> StoreResult<Unlink>;
    /// Whether the user ever unlinked an identity at `provider` (such an
    /// identity never links itself back by email).
    async fn was_unlinked(&self, user_id: &UserId, provider: &str) -> StoreResult<bool>;
}

/// What an unlink did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unlink {
    Unlinked,
    /// The user has no identity at that provider.
    NotLinked,
    /// It is the account's last way to sign in.
    LastWayToSignIn,
}

#[async_trait]
pub trait RateLimitStore: Send + Sync {
    /// Adds one hit to the fixed window and returns the window's count.
    async fn hit(&self, key: &str, window_start: UnixSecs, window_seconds: i64)
        -> StoreResult<u32>;
}

#[async_trait]
pub trait AuditStore: Send + Sync {
    async fn record_event(&self, event: &AuditEvent, expires_at: UnixSecs) -> StoreResult<()>;
    /// Newest first; one user's events or everyone's.
    async fn list_events(
        &self,
        user_id: Option<&UserId>,
        after: Option<&str>,
        limit: usize,
        now: UnixSecs,
    ) -> StoreResult<Page<AuditEvent>>;
}

/// Tasks, each under its workspace: a task id read under another workspace
/// is not found.
#[async_trait]
pub trait TaskStore: Send + Sync {
    async fn create_task(&self, task: &Task) -> StoreResult<()>;
    async fn task(&self, workspace: &WorkspaceId, id: &TaskId) -> StoreResult<Option<Task>>;
    /// Replaces the task only if its stored version is still `expected_version`.
    async fn update_task_if(&self, task: &Task, expected_version: u64) -> StoreResult<bool>;
    /// Deletes and returns the task; `None` if there was none.
    async fn delete_task(&self, workspace: &WorkspaceId, id: &TaskId) -> StoreResult<Option<Task>>;
    /// The workspace's tasks, newest first, served by its key or an index
    /// of that workspace (never a scan).
    async fn list_tasks(
        &self,
        workspace: &WorkspaceId,
        filter: &TaskFilter,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Page<Task>>;
}

#[async_trait]
pub trait FileStore: Send + Sync {
    async fn create_file(&self, file: &FileRecord) -> StoreResult<()>;
    /// The record if it exists and, while pending, has not expired.
    async fn file(&self, id: &str, now: UnixSecs) -> StoreResult<Option<FileRecord>>;
    /// Marks a live pending file ready under its final object key (it no
    /// longer expires), unless its owner already keeps `cap` ready files.
    async fn mark_file_ready(
        &self,
        file: &FileRecord,
        key: &str,
        now: UnixSecs,
        cap: u32,
    ) -> StoreResult<Completion>;
    /// Deletes the record (a ready one gives its owner's place back); whether
    /// it was there.
    async fn delete_file(&self, file: &FileRecord) -> StoreResult<bool>;
    /// How many ready files the owner keeps.
    async fn ready_files(&self, owner_id: &UserId) -> StoreResult<u32>;
    /// One owner's live files, newest first.
    async fn files_of(
        &self,
        owner_id: &UserId,
        after: Option<&str>,
        limit: usize,
        now: UnixSecs,
    ) -> StoreResult<Page<FileRecord>>;
}

#[async_trait]
pub trait ConnectionStore: Send + Sync {
    async fn put_connection(&self, connection: &Connection) -> StoreResult<()>;
    async fn connection(&self, id: &str, now: UnixSecs) -> StoreResult<Option<Connection>>;
    async fn delete_connection(&self, id: &str) -> StoreResult<()>;
    async fn connections_of(&self, user_id: &UserId, now: UnixSecs)
        -> StoreResult<Vec<Connection>>;
}

/// Everything the services keep in the table.
pub trait Store:
    UserStore
    + SessionStore
    + RevocationStore
    + OneTimeStore
    + AttemptStore
    + MfaStore
    + IdentityStore
    + RateLimitStore
    + AuditStore
    + TaskStore
    + FileStore
    + ConnectionStore
    + WorkspaceStore
    + Probe
{
}

impl<T> Store for T where
    T: UserStore
        + SessionStore
        + RevocationStore
        + OneTimeStore
        + AttemptStore
        + MfaStore
        + IdentityStore
        + RateLimitStore
        + AuditStore
        + TaskStore
        + FileStore
        + ConnectionStore
        + WorkspaceStore
        + Probe
{
}
