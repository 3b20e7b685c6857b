//! Workspace request bodies: unknown fields refused, every field validated.

use serde::Deserialize;
use think_tank_core::domain::WorkspaceRole;
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
