//! The OpenAPI description of the workspace and member routes.

use edge::openapi::Operation;
use serde_json::json;
use think_tank_core::services::invitations::InvitationView;
use think_tank_core::services::workspaces::{MemberView, WorkspaceView};

use crate::bodies::{AcceptBody, InviteBody, NameBody, RoleBody};
use crate::InvitationList;

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
        Operation::new("invitation-create", "workspaces", "Invite an address")
            .describe("Admins and owners, with a role up to their own. Emails a link (`?token=`) that works once, for 7 days, for whoever signs in with that verified address. 20 invitations per hour per workspace, and the address's own email budget.")
            .signed_in()
            .body::<InviteBody>(json!({ "email": "ada@example.com", "role": "editor" }))
            .envelope::<InvitationView>(201, "The pending invitation.")
            .header("Location", "`/v1/workspaces/{ws}/invitations/{id}`.")
            .errors(&["forbidden", "conflict", "rate_limited", HIDDEN]),
        Operation::new("invitations-list", "workspaces", "Pending invitations")
            .describe("Admins and owners.")
            .signed_in()
            .reply::<InvitationList>(200, "Every pending invitation, oldest first.")
            .errors(&["forbidden", HIDDEN]),
        Operation::new("invitation-revoke", "workspaces", "Revoke an invitation")
            .describe("Admins and owners; the link stops working.")
            .signed_in()
            .empty(204, "Revoked.")
            .errors(&["forbidden", HIDDEN]),
        Operation::new("invitation-accept", "workspaces", "Accept an invitation")
            .describe("Signed in with the verified address the invitation names (`403` otherwise); someone without an account registers first. A used, revoked or expired link is `400 invalid_token`.")
            .signed_in()
            .body::<AcceptBody>(json!({ "token": "the token from the link" }))
            .envelope::<WorkspaceView>(200, "The workspace joined, with the invitation's role.")
            .errors(&["invalid_token", "forbidden", "conflict", HIDDEN]),
    ]
}
