//! The OpenAPI description of the task routes.

use edge::openapi::Operation;
use serde_json::json;
use think_tank_core::domain::Task;

use crate::bodies::{CreateBody, PatchBody};

const ETAG: &str =
    "The task's version, `\"<version>\"`: send it back in `If-Match` or `If-None-Match`.";

pub fn operations() -> Vec<Operation> {
    vec![
        Operation::new("tasks-create", "tasks", "Create a task")
            .describe("Editors and up. The caller owns it; an `assignee_id` must be a member's.")
            .signed_in()
            .body::<CreateBody>(json!({ "title": "Write the guide", "description": "", "status": "todo" }))
            .envelope::<Task>(201, "The new task, version 1.")
            .header("ETag", ETAG)
            .header("Location", "`/v1/workspaces/{ws}/tasks/{id}`.")
            .errors(&["forbidden", "not_found", "validation_failed"]),
        Operation::new("tasks-list", "tasks", "List a workspace's tasks, newest first")
            .describe("Any member. The filters combine.")
            .signed_in()
            .query("status", "Only tasks with this status.", json!({ "type": "string", "enum": ["todo", "in_progress", "done"] }))
            .query("owner_id", "Only tasks this user created.", json!({ "type": "string" }))
            .query("assignee_id", "Only tasks assigned to this user.", json!({ "type": "string" }))
            .listing::<Task>("One page of tasks.")
            .errors(&["not_found"]),
        Operation::new("task-get", "tasks", "A task")
            .signed_in()
            .request_header("If-None-Match", "The ETag the client has; `304` when it is still current.")
            .envelope::<Task>(200, "The task.")
            .header("ETag", ETAG)
            .empty(304, "The task has not changed since the given ETag.")
            .header("ETag", ETAG)
            .errors(&["not_found"]),
        Operation::new("task-update", "tasks", "Change a task")
            .describe("Editors change the tasks they own or are assigned to; admins and owners any. Only the fields sent change; `assignee_id: null` unassigns. With `If-Match`, a task changed since is `412`.")
            .signed_in()
            .request_header("If-Match", "The ETag the change was made on.")
            .body::<PatchBody>(json!({ "status": "in_progress", "assignee_id": null }))
            .envelope::<Task>(200, "The changed task, its version one higher.")
            .header("ETag", ETAG)
            .errors(&["forbidden", "not_found", "precondition_failed", "conflict", "validation_failed"]),
        Operation::new("task-delete", "tasks", "Delete a task")
            .describe("Admins and owners of the workspace.")
            .signed_in()
            .empty(204, "Deleted.")
            .errors(&["forbidden", "not_found"]),
    ]
}
