//! The OpenAPI description of the workspace and member routes.

use edge::openapi::Operation;
use serde_json::json;
use think_tank_core::services::workspaces::{MemberView, WorkspaceView};

use crate::bodies::{NameBody, RoleBody};

const HIDDEN: &str = "not_found";

pub fn operations() -> Vec<Operation> {
    vec![
        Operation::new("workspace-create", "workspaces", "Create a workspace")
            .describe("The caller becomes its only owner. A user belongs to at most 100 workspaces.")
            .signed_in()
            .body::<NameBody>(json!({ "name": "Launch" }))
            .envelope::<WorkspaceView>(201, "The new workspace; `role` is `owner`.")
            .header("Location", "`/v1/workspaces/{ws}`.")
            .errors(&["conflict"]),
        Operation::new("workspaces-list", "workspaces", "The caller's workspaces, newest membership first")
            .signed_in()
            .listing::<WorkspaceView>("One page of workspaces, each with the caller's `role`."),
        Operation::new("workspace-get", "workspaces", "A workspace")
            .describe("Members only: to anyone else the workspace does not exist (`404`).")
            .signed_in()
            .envelope::<WorkspaceView>(200, "The workspace.")
            .errors(&[HIDDEN]),
        Operation::new("workspace-update", "workspaces", "Rename a workspace")
            .describe("Owners only.")
            .signed_in()
            .body::<NameBody>(json!({ "name": "Launch, phase two" }))
            .envelope::<WorkspaceView>(200, "The renamed workspace.")
            .errors(&["forbidden", HIDDEN]),
        Operation::new("workspace-delete", "workspaces", "Delete a workspace")
            .describe("Owners only, after a recent sign-in. Gone at once for every route; its members and tasks are removed in the background.")
            .signed_in()
            .empty(204, "Deleted.")
            .errors(&["forbidden", "reauthentication_required", HIDDEN]),
        Operation::new("members-list", "workspaces", "A workspace's members")
            .signed_in()
            .listing::<MemberView>("One page of members, by user id.")
            .errors(&[HIDDEN]),
        Operation::new("member-update", "workspaces", "Change a member's role")
            .describe("Admins change members up to `admin` and never an owner; owners change anyone. The last owner cannot be demoted (`409`).")
            .signed_in()
            .body::<RoleBody>(json!({ "role": "editor" }))
            .envelope::<MemberView>(200, "The member with the new role.")
            .errors(&["forbidden", "conflict", HIDDEN]),
        Operation::new("member-remove", "workspaces", "Remove a member, or leave")
            .describe("Any member removes themself (leaves); admins remove members but not owners; owners remove anyone. The last owner cannot leave (`409`).")
            .signed_in()
            .empty(204, "Removed.")
            .errors(&["forbidden", "conflict", HIDDEN]),
    ]
}
