//! Domain types, parsed and validated at the edge.

use serde::{Deserialize, Serialize};

use crate::clock::{serde_rfc3339, UnixMillis, UnixSecs};

/// A trimmed, lowercased email address with a plausible shape that the mailer
/// accepts too (`lettre::Address`), so every registered address can be sent to.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        let email = raw.trim().to_lowercase();
        let valid = email.len() <= 254
            && email.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && local.len() <= 64
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !domain.contains("..")
            })
            && email.matches('@').count() == 1
            && !email.chars().any(|c| c.is_whitespace() || c.is_control())
            && email.parse::<lettre::Address>().is_ok();
        if valid {
            Ok(Self(email))
        } else {
            Err("must be a valid email address")
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Admin,
    Editor,
    Viewer,
}

impl Role {
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        match raw {
            "admin" => Ok(Role::Admin),
            "editor" => Ok(Role::Editor),
            "viewer" => Ok(Role::Viewer),
            _ => Err("must be one of admin, editor, viewer"),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Editor => "editor",
            Role::Viewer => "viewer",
        }
    }
}

/// The public user object of the contract.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct User {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub email_verified: bool,
    pub mfa_enabled: bool,
    #[serde(with = "serde_rfc3339")]
    pub created_at: UnixMillis,
}

/// A user as stored: the public object plus its password hash (PHC string).
#[derive(Clone, Debug, PartialEq)]
pub struct UserRecord {
    pub user: User,
    pub password_hash: String,
}

/// A partial update of a user; `None` leaves a field as it is.
#[derive(Clone, Debug, Default)]
pub struct UserChanges {
    pub name: Option<String>,
    pub role: Option<Role>,
    pub email_verified: Option<bool>,
    pub password_hash: Option<String>,
}

/// An issued access token that may still be alive: what revoking a session must blacklist.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LiveJti {
    pub jti: String,
    pub expires_at: UnixSecs,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Session {
    pub id: String,
    pub user_id: String,
    /// SHA-256 of the current refresh secret.
    pub refresh_hash: String,
    /// Hashes of secrets already rotated away: presenting one is reuse.
    pub rotated_hashes: Vec<String>,
    pub access_jtis: Vec<LiveJti>,
    pub device_name: Option<String>,
    pub user_agent: Option<String>,
    pub created_at: UnixMillis,
    pub last_used_at: UnixMillis,
    /// Sliding expiry (seconds since epoch), renewed on refresh, capped by `absolute_expires_at`.
    pub expires_at: UnixSecs,
    pub absolute_expires_at: UnixSecs,
    pub revoked: bool,
}

impl Session {
    pub fn is_live(&self, now_secs: UnixSecs) -> bool {
        !self.revoked && now_secs < self.expires_at && now_secs < self.absolute_expires_at
    }
}

/// How many rotated refresh hashes a session remembers for reuse detection.
pub const ROTATED_HASHES_KEPT: usize = 32;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditType {
    LoginSuccess,
    LoginFailure,
    AccountLocked,
    AccountUnlocked,
    Logout,
    LogoutAll,
    SessionRevoked,
    PasswordChange,
    PasswordReset,
    RoleChange,
    RefreshReuse,
}

impl AuditType {
    pub fn as_str(self) -> &'static str {
        match self {
            AuditType::LoginSuccess => "login_success",
            AuditType::LoginFailure => "login_failure",
            AuditType::AccountLocked => "account_locked",
            AuditType::AccountUnlocked => "account_unlocked",
            AuditType::Logout => "logout",
            AuditType::LogoutAll => "logout_all",
            AuditType::SessionRevoked => "session_revoked",
            AuditType::PasswordChange => "password_change",
            AuditType::PasswordReset => "password_reset",
            AuditType::RoleChange => "role_change",
            AuditType::RefreshReuse => "refresh_reuse",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        serde_json::from_value(serde_json::Value::String(raw.to_string())).ok()
    }
}

/// A security event. `ip_hash` is a keyed hash, never the raw address.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AuditEvent {
    #[serde(skip)]
    pub id: String,
    #[serde(rename = "type")]
    pub kind: AuditType,
    pub user_id: Option<String>,
    pub ip_hash: Option<String>,
    pub user_agent: Option<String>,
    #[serde(with = "serde_rfc3339")]
    pub at: UnixMillis,
    pub detail: serde_json::Value,
}

/// Failed-login bookkeeping for one email. An attempt is counted when it is
/// reserved, before the password is checked, so parallel guesses cannot
/// outrun the count; a success clears it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LoginAttempts {
    pub failures: u32,
    /// Seconds since epoch; a lock is in force while `now < locked_until`.
    pub locked_until: Option<UnixSecs>,
}

/// The answer to "may one more password be checked for this email?".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reservation {
    /// Check it: this attempt is number `number` of the count.
    Granted { number: u32 },
    /// A lock is in force until then (seconds since epoch).
    Locked { until: UnixSecs },
    /// The threshold's worth of attempts are counted or still being checked.
    Exhausted,
}

impl LoginAttempts {
    /// A count is forgotten this long after its last change (or after its lock ends).
    pub const RETENTION_SECONDS: i64 = 30 * 86_400;

    /// When a state written at `now` (with an optional lock) is forgotten.
    pub fn expiry(now_secs: UnixSecs, locked_until: Option<UnixSecs>) -> UnixSecs {
        locked_until.unwrap_or(now_secs).max(now_secs) + Self::RETENTION_SECONDS
    }

    pub fn locked_at(&self, now_secs: UnixSecs) -> Option<UnixSecs> {
        self.locked_until.filter(|until| now_secs < *until)
    }

    /// The state after reserving one more attempt (unchanged when refused). A
    /// lapsed lock starts a fresh count.
    pub fn reserve(&self, threshold: u32, now_secs: UnixSecs) -> (Self, Reservation) {
        if let Some(until) = self.locked_at(now_secs) {
            return (self.clone(), Reservation::Locked { until });
        }
        let counted = if self.locked_until.is_some() {
            0
        } else {
            self.failures
        };
        if counted >= threshold {
            return (self.clone(), Reservation::Exhausted);
        }
        let next = Self {
            failures: counted + 1,
            locked_until: None,
        };
        let number = next.failures;
        (next, Reservation::Granted { number })
    }
}

/// One page of a listing; `next` is the store's own position, signed by the service.
#[derive(Clone, Debug)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next: Option<String>,
}

pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_trimmed_and_lowercased() {
        assert_eq!(
            Email::parse("  Ada@Example.COM ").unwrap().as_str(),
            "ada@example.com"
        );
    }

    #[test]
    fn malformed_emails_are_refused() {
        for raw in [
            "",
            "ada",
            "ada@",
            "@example.com",
            "ada@example",
            "a b@example.com",
            "a@b@c.com",
            "ada@.com",
            "ada@example..com",
            "a,b@example.com",
            "a;b@example.com",
            "a<b>@example.com",
            "(ada)@example.com",
        ] {
            assert!(Email::parse(raw).is_err(), "{raw:?} should be refused");
        }
    }

    #[test]
    fn attempts_are_granted_up_to_the_threshold_then_exhausted() {
        let mut state = LoginAttempts::default();
        for expected in 1..=3 {
            let (next, answer) = state.reserve(3, UnixSecs(100));
            assert_eq!(answer, Reservation::Granted { number: expected });
            state = next;
        }
        assert_eq!(state.reserve(3, UnixSecs(100)).1, Reservation::Exhausted);
    }

    #[test]
    fn a_lock_refuses_until_it_lapses_then_the_count_starts_afresh() {
        let locked = LoginAttempts {
            failures: 3,
            locked_until: Some(UnixSecs(200)),
        };
        assert_eq!(
            locked.reserve(3, UnixSecs(199)).1,
            Reservation::Locked {
                until: UnixSecs(200)
            }
        );
        assert_eq!(
            locked.reserve(3, UnixSecs(200)).1,
            Reservation::Granted { number: 1 }
        );
    }

    #[test]
    fn roles_round_trip_through_their_names() {
        for role in [Role::Admin, Role::Editor, Role::Viewer] {
            assert_eq!(Role::parse(role.as_str()), Ok(role));
        }
        assert!(Role::parse("owner").is_err());
    }

    #[test]
    fn audit_types_parse_from_their_names() {
        assert_eq!(
            AuditType::parse("refresh_reuse"),
            Some(AuditType::RefreshReuse)
        );
        assert_eq!(AuditType::parse("nope"), None);
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
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

/// A task on the board; `version` starts at 1 and grows by one per update.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Task {
    pub id: String,
    pub title: String,
    pub description: String,
    pub status: TaskStatus,
    pub assignee_id: Option<String>,
    pub owner_id: String,
    pub version: u64,
    #[serde(with = "serde_rfc3339")]
    pub created_at: UnixMillis,
    #[serde(with = "serde_rfc3339")]
    pub updated_at: UnixMillis,
}

/// Listing filters; both may be combined.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TaskFilter {
    pub status: Option<TaskStatus>,
    pub owner_id: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
pub struct FileRecord {
    pub id: String,
    pub filename: String,
    pub content_type: String,
    pub size: u64,
    pub status: FileStatus,
    pub owner_id: String,
    #[serde(with = "serde_rfc3339")]
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
}

/// A live WebSocket connection (API Gateway connection id) and who holds it.
#[derive(Clone, Debug, PartialEq)]
pub struct Connection {
    pub id: String,
    pub user_id: String,
    /// The session whose ticket opened it: revoking the session closes it.
    pub session_id: String,
    pub user_name: String,
    pub role: Role,
    /// Seconds since epoch: API Gateway closes a connection after 2 hours at most.
    pub expires_at: UnixSecs,
}
