//! Workspaces: a team's board, its members and their roles.

use serde::{Deserialize, Serialize};

use super::ids::{UserId, WorkspaceId};
use crate::clock::{serde_rfc3339, UnixMillis, UnixSecs};

/// A user belongs to at most this many workspaces.
pub const MAX_WORKSPACES_PER_USER: u32 = 100;

/// A member's role in one workspace, weakest first: each may do what the
/// ones before it may.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum WorkspaceRole {
    Viewer,
    Editor,
    Admin,
    Owner,
}

impl WorkspaceRole {
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        match raw {
            "viewer" => Ok(Self::Viewer),
            "editor" => Ok(Self::Editor),
            "admin" => Ok(Self::Admin),
            "owner" => Ok(Self::Owner),
            _ => Err("must be one of owner, admin, editor, viewer"),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Viewer => "viewer",
            Self::Editor => "editor",
            Self::Admin => "admin",
            Self::Owner => "owner",
        }
    }

    pub fn at_least(self, other: WorkspaceRole) -> bool {
        self >= other
    }
}

/// A workspace as stored: its name and how many members and owners it has
/// (the owner count keeps the last owner from leaving or being demoted).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Workspace {
    pub id: WorkspaceId,
    pub name: String,
    pub created_at: UnixMillis,
    pub member_count: u32,
    pub owner_count: u32,
}

/// One user's place in one workspace.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Membership {
    pub workspace_id: WorkspaceId,
    pub user_id: UserId,
    pub role: WorkspaceRole,
    #[serde(with = "serde_rfc3339")]
    pub joined_at: UnixMillis,
}

/// The outcome of changing a member's role.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RoleChange {
    Changed,
    /// The member is gone or no longer has the role the change started from.
    Stale,
    /// The change would leave the workspace without an owner.
    LastOwner,
}

/// The outcome of a member leaving or being removed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Leaving {
    Left,
    Stale,
    LastOwner,
}

/// The outcome of a user joining a workspace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Joining {
    Joined,
    AlreadyMember,
    /// The user already belongs to [`MAX_WORKSPACES_PER_USER`] workspaces.
    TooMany,
    /// The workspace is gone.
    NoWorkspace,
}

/// How long an invitation's link works.
pub const INVITATION_SECONDS: i64 = 7 * 86_400;

/// An invitation to join a workspace, bound to one address. Its link's token
/// is stored only as a hash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invitation {
    pub id: String,
    pub workspace_id: WorkspaceId,
    pub email: String,
    pub role: WorkspaceRole,
    pub invited_by: UserId,
    pub created_at: UnixMillis,
    pub expires_at: UnixSecs,
    pub token_hash: String,
}

impl Invitation {
    pub fn is_live(&self, now: UnixSecs) -> bool {
        self.expires_at > now
    }
}

/// The outcome of accepting an invitation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Acceptance {
    Joined,
    /// Used, revoked or expired meanwhile.
    Gone,
    AlreadyMember,
    TooMany,
    NoWorkspace,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_role_includes_the_ones_below_it() {
        use WorkspaceRole::*;
        assert!(Owner.at_least(Admin) && Admin.at_least(Editor) && Editor.at_least(Viewer));
        assert!(!Viewer.at_least(Editor) && !Admin.at_least(Owner));
    }

    #[test]
    fn roles_read_and_write_as_their_names() {
        for role in ["owner", "admin", "editor", "viewer"] {
            assert_eq!(WorkspaceRole::parse(role).unwrap().as_str(), role);
        }
        assert!(WorkspaceRole::parse("superuser").is_err());
    }
}
