//! Domain types, parsed and validated at the edge: accounts and sessions
//! here, the lockout rules in [`lockout`], the board in [`board`].

mod board;
mod identity;
mod ids;
mod lockout;
mod mfa;
mod phone;
mod versions;
mod workspace;

pub use board::{
    Completion, Connection, FileRecord, FileStatus, Task, TaskFilter, TaskStatus,
    MAX_FILES_PER_USER,
};
pub use identity::Identity;
pub use ids::{is_plausible_id, SessionId, TaskId, UserId, WorkspaceId, MAX_ID_LEN};
pub use lockout::{LoginAttempts, Reservation};
pub use mfa::{MfaMethod, MfaRecord};
pub use phone::{is_known_region, Phone};
pub use versions::Versions;
pub use workspace::{
    Acceptance, Invitation, Joining, Leaving, Membership, RoleChange, Workspace, WorkspaceRole,
    INVITATION_SECONDS, MAX_WORKSPACES_PER_USER,
};

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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Administers the platform (`/v1/admin/*`); sees no workspace it is not a member of.
    Admin,
    User,
}

impl Role {
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        match raw {
            "admin" => Ok(Role::Admin),
            "user" => Ok(Role::User),
            _ => Err("must be one of admin, user"),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::User => "user",
        }
    }
}

/// The public user object (README, "Auth in short").
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct User {
    pub id: UserId,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub email_verified: bool,
    pub mfa_enabled: bool,
    #[serde(with = "serde_rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: UnixMillis,
}

/// An Argon2id hash in PHC form. Not secret, but of no use in a log either.
#[derive(Clone, PartialEq, Eq)]
pub struct PasswordHash(String);

impl PasswordHash {
    pub fn new(phc: String) -> Self {
        Self(phc)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for PasswordHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PasswordHash(..)")
    }
}

/// A user as stored: the public object plus its password hash (none for an
/// account made by a provider sign-in) and where its credentials stand.
#[derive(Clone, Debug, PartialEq)]
pub struct UserRecord {
    pub user: User,
    pub password_hash: Option<PasswordHash>,
    /// Counts changes to how the account signs in. Every pending sign-in
    /// (`mfa_token`, provider login code, reset link) and every session names
    /// the generation it began in; a change voids the pending ones, and a
    /// session from an older generation can no longer be refreshed.
    pub credential_generation: u64,
    /// The one session the latest change kept (the one that made it).
    pub kept_session: Option<SessionId>,
}

impl UserRecord {
    /// Accounts made by an identity provider sign-in have none.
    pub fn has_password(&self) -> bool {
        self.password_hash.is_some()
    }

    /// Whether `session` may still be refreshed: it began in the current
    /// credential generation, or the latest change kept it.
    pub fn admits_session(&self, session: &Session) -> bool {
        session.credential_generation >= self.credential_generation
            || self.kept_session.as_ref() == Some(&session.id)
    }
}

/// `GET /v1/auth/me`: the user object plus what only its owner sees.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Profile {
    #[serde(flatten)]
    pub user: User,
    pub phone: Option<String>,
    pub phone_verified: bool,
    pub mfa_methods: Vec<MfaMethod>,
    pub has_password: bool,
}

/// A partial update of a user; `None` leaves a field as it is.
#[derive(Clone, Debug, Default)]
pub struct UserChanges {
    pub name: Option<String>,
    pub role: Option<Role>,
    pub email_verified: Option<bool>,
    pub password: Option<PasswordChange>,
    pub mfa_enabled: Option<bool>,
    /// A change to how the account signs in: the credential generation goes
    /// up (in the same write as the change itself).
    pub credentials: Option<CredentialChange>,
}

/// What a change does to the account's password.
#[derive(Clone, Debug, PartialEq)]
pub enum PasswordChange {
    Set(PasswordHash),
    /// The address's owner took the account back through a provider: the
    /// password whoever registered it chose goes.
    Remove,
}

/// What a credential change keeps: the session that made it, if any.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CredentialChange {
    pub keep_session: Option<SessionId>,
}

impl CredentialChange {
    /// Every session of the user goes (a reset, an admin action, logout-all).
    pub fn all_sessions() -> Self {
        Self::default()
    }

    /// Every session but the caller's (a password change, a factor turned on or off).
    pub fn keeping(session_id: &SessionId) -> Self {
        Self {
            keep_session: Some(session_id.clone()),
        }
    }
}

/// An issued access token that may still be alive: what revoking a session must blacklist.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LiveJti {
    pub jti: String,
    pub expires_at: UnixSecs,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Session {
    pub id: SessionId,
    pub user_id: UserId,
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
    /// When its holder last proved who they are (the login, or `reauthenticate`):
    /// what sensitive routes compare with `REAUTH_SECONDS`.
    pub authenticated_at: UnixSecs,
    /// The user's credential generation when the sign-in began.
    pub credential_generation: u64,
}

impl Session {
    /// Signed in (or re-authenticated) within the last `window` seconds.
    pub fn is_recent(&self, now_secs: UnixSecs, window: i64) -> bool {
        now_secs - self.authenticated_at <= window
    }

    pub fn is_live(&self, now_secs: UnixSecs) -> bool {
        !self.revoked && now_secs < self.expires_at && now_secs < self.absolute_expires_at
    }
}

/// How many rotated refresh hashes a session remembers for reuse detection.
pub const ROTATED_HASHES_KEPT: usize = 32;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
    Reauthenticated,
    MfaEnabled,
    MfaDisabled,
    MfaFailure,
    BackupCodeUsed,
    PhoneVerified,
    IdentityLinked,
    IdentityUnlinked,
    OidcLogin,
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
            AuditType::Reauthenticated => "reauthenticated",
            AuditType::MfaEnabled => "mfa_enabled",
            AuditType::MfaDisabled => "mfa_disabled",
            AuditType::MfaFailure => "mfa_failure",
            AuditType::BackupCodeUsed => "backup_code_used",
            AuditType::PhoneVerified => "phone_verified",
            AuditType::IdentityLinked => "identity_linked",
            AuditType::IdentityUnlinked => "identity_unlinked",
            AuditType::OidcLogin => "oidc_login",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        serde_json::from_value(serde_json::Value::String(raw.to_string())).ok()
    }
}

/// A security event. `ip_hash` is a keyed hash, never the raw address.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEvent {
    #[serde(skip)]
    pub id: String,
    #[serde(rename = "type")]
    pub kind: AuditType,
    pub user_id: Option<UserId>,
    pub ip_hash: Option<String>,
    pub user_agent: Option<String>,
    #[serde(with = "serde_rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub at: UnixMillis,
    pub detail: serde_json::Value,
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
    fn roles_round_trip_through_their_names() {
        for role in [Role::Admin, Role::User] {
            assert_eq!(Role::parse(role.as_str()), Ok(role));
        }
        for legacy in ["owner", "editor", "viewer"] {
            assert!(Role::parse(legacy).is_err());
        }
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
