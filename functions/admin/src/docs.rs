//! The OpenAPI description of the administration routes.

use edge::openapi::Operation;
use serde_json::json;
use think_tank_core::domain::{AuditEvent, User};

use crate::UserPatchBody;

pub fn operations() -> Vec<Operation> {
    vec![
        Operation::new("users-list", "admin", "List users")
            .admin()
            .listing::<User>("One page of users."),
        Operation::new(
            "user-update",
            "admin",
            "Change a user's role, or lock or unlock the account",
        )
        .describe("Sensitive: the admin must have signed in recently. A role change or a lock revokes every session of the user.")
        .admin()
        .body::<UserPatchBody>(json!({ "role": "admin", "locked": false }))
        .envelope::<User>(200, "The updated user.")
        .errors(&["reauthentication_required", "not_found", "conflict"]),
        Operation::new(
            "user-mfa-reset",
            "admin",
            "Turn a user's second factors off",
        )
        .describe("Sensitive: the admin must have signed in recently. For a user who lost every factor: revokes their sessions and emails them.")
        .admin()
        .empty(204, "Every factor is off.")
        .errors(&["reauthentication_required", "not_found"]),
        Operation::new(
            "audit-list",
            "admin",
            "The security audit log, newest first",
        )
        .admin()
        .query(
            "user_id",
            "Only this user's events.",
            json!({ "type": "string" }),
        )
        .listing::<AuditEvent>("One page of events."),
    ]
}
