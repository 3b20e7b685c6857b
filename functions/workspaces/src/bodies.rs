//! Workspace request bodies: unknown fields refused, every field validated.

use serde::Deserialize;
use think_tank_core::domain::{Email, WorkspaceRole};
use think_tank_core::services::workspaces::workspace_name;
use think_tank_core::ApiError;

/// `{name}`: a workspace's name, 1 to 100 characters once trimmed.
#[derive(Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = WorkspaceNameBody))]
#[serde(deny_unknown_fields)]
pub struct NameBody {
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, max_length = 100, pattern = r"\S")
    )]
    name: String,
}

impl edge::http::body::RequestBody for NameBody {
    type Valid = String;

    fn validate(self) -> Result<String, ApiError> {
        workspace_name(&self.name)
    }
}

/// `{role}`: a member's new role.
#[derive(Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = MemberRoleBody))]
#[serde(deny_unknown_fields)]
pub struct RoleBody {
    pub role: WorkspaceRole,
}

edge::typed_bodies!(RoleBody);

/// `{email, role}`: whom to invite, and as what.
#[derive(Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = InvitationBody))]
#[serde(deny_unknown_fields)]
pub struct InviteBody {
    #[cfg_attr(feature = "openapi", schema(format = Email))]
    email: String,
    role: WorkspaceRole,
}

impl edge::http::body::RequestBody for InviteBody {
    type Valid = (Email, WorkspaceRole);

    fn validate(self) -> Result<Self::Valid, ApiError> {
        let email = Email::parse(&self.email).map_err(|m| ApiError::field("email", m))?;
        Ok((email, self.role))
    }
}

/// `{token}`: the invitation link's token.
#[derive(Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = InvitationAcceptBody))]
#[serde(deny_unknown_fields)]
pub struct AcceptBody {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub token: String,
}

impl edge::http::body::RequestBody for AcceptBody {
    type Valid = Self;

    fn validate(self) -> Result<Self, ApiError> {
        match self.token.is_empty() || self.token.len() > 200 {
            true => Err(ApiError::field("token", "is required")),
            false => Ok(self),
        }
    }
}
