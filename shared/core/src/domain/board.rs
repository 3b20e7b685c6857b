//! The board: tasks, uploaded files and the WebSocket connections that watch them.

use super::ids::{SessionId, TaskId, UserId, WorkspaceId};
use serde::{Deserialize, Serialize};

use super::Role;
use crate::clock::{serde_rfc3339, UnixMillis, UnixSecs};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    Todo,
    InProgress,
    Done,
}

impl TaskStatus {
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        match raw {
            "todo" => Ok(TaskStatus::Todo),
            "in_progress" => Ok(TaskStatus::InProgress),
            "done" => Ok(TaskStatus::Done),
            _ => Err("must be one of todo, in_progress, done"),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            TaskStatus::Todo => "todo",
            TaskStatus::InProgress => "in_progress",
            TaskStatus::Done => "done",
        }
    }
}

/// A task on a workspace's board; `version` starts at 1 and grows by one per update.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Task {
    pub id: TaskId,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub workspace_id: WorkspaceId,
    pub title: String,
    pub description: String,
    pub status: TaskStatus,
    pub assignee_id: Option<UserId>,
    pub owner_id: UserId,
    pub version: u64,
    #[serde(with = "serde_rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: UnixMillis,
    #[serde(with = "serde_rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub updated_at: UnixMillis,
}

/// Listing filters within one workspace; any may be combined.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TaskFilter {
    pub status: Option<TaskStatus>,
    pub owner_id: Option<UserId>,
    pub assignee_id: Option<UserId>,
}

impl TaskFilter {
    pub fn matches(&self, task: &Task) -> bool {
        self.status.is_none_or(|s| task.status == s)
            && self.owner_id.as_ref().is_none_or(|o| task.owner_id == *o)
            && (self.assignee_id.as_ref()).is_none_or(|a| task.assignee_id.as_ref() == Some(a))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FileStatus {
    Pending,
    Ready,
}

impl FileStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            FileStatus::Pending => "pending",
            FileStatus::Ready => "ready",
        }
    }
}

/// An uploaded (or announced) file. `key` is the object key, generated server-side.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FileRecord {
    pub id: String,
    pub filename: String,
    pub content_type: String,
    pub size: u64,
    pub status: FileStatus,
    pub owner_id: UserId,
    #[serde(with = "serde_rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: UnixMillis,
    #[serde(skip)]
    pub key: String,
    /// A pending record expires (seconds since epoch) if the upload never completes.
    #[serde(skip)]
    pub expires_at: Option<UnixSecs>,
}

impl FileRecord {
    pub fn is_live(&self, now_secs: UnixSecs) -> bool {
        self.expires_at.is_none_or(|exp| now_secs < exp)
    }

    /// The record once its upload completed under its final object key.
    pub fn ready_at(&self, key: &str) -> Self {
        Self {
            status: FileStatus::Ready,
            key: key.to_string(),
            expires_at: None,
            ..self.clone()
        }
    }
}

/// How many ready files one user may keep unless `MAX_FILES_PER_USER` says
/// otherwise; pending uploads do not count until they complete.
pub const MAX_FILES_PER_USER: u32 = 1_000;

/// What marking an upload complete came to.
#[derive(Clone, Debug, PartialEq)]
pub enum Completion {
    Ready(FileRecord),
    /// Already ready, expired or gone.
    NotPending,
    /// The owner already keeps as many ready files as they may.
    Full,
}

/// A live WebSocket connection (API Gateway connection id) and who holds it.
#[derive(Clone, Debug, PartialEq)]
pub struct Connection {
    pub id: String,
    pub user_id: UserId,
    /// The session whose ticket opened it: revoking the session closes it.
    pub session_id: SessionId,
    pub user_name: String,
    pub role: Role,
    /// Seconds since epoch: API Gateway closes a connection after 2 hours at most.
    pub expires_at: UnixSecs,
}

impl Connection {
    /// API Gateway closes a connection after 2 hours at most.
    pub const LIFETIME_SECONDS: i64 = 2 * 3600;
    /// API Gateway waits up to 29 s for `$connect` to answer. Until it has,
    /// the connection is stored but a push to it is answered `410`, as if it
    /// were gone.
    const OPENING_SECONDS: i64 = 30;

    /// Whether a `410` may mean "not open yet" rather than "gone".
    pub fn may_be_opening(&self, now: UnixSecs) -> bool {
        let connected_at = self.expires_at - Self::LIFETIME_SECONDS;
        now - connected_at < Self::OPENING_SECONDS
    }
}
