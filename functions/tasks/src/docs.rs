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
            .signed_in()
            .body::<CreateBody>(json!({ "title": "Write the guide", "description": "", "status": "todo" }))
            .envelope::<Task>(201, "The new task, version 1.")
            .header("ETag", ETAG)
            .header("Location", "`/v1/tasks/{id}`.")
            .errors(&["forbidden", "not_found"]),
        Operation::new("tasks-list", "tasks", "List tasks, newest first")
            .signed_in()
            .query("status", "Only tasks with this status.", json!({ "type": "string", "enum": ["todo", "in_progress", "done"] }))
            .query("owner_id", "Only tasks this user created.", json!({ "type": "string" }))
            .listing::<Task>("One page of tasks."),
        Operation::new("task-get", "tasks", "A task")
            .signed_in()
            .request_header("If-None-Match", "The ETag the client has; `304` when it is still current.")
            .envelope::<Task>(200, "The task.")
            .header("ETag", ETAG)
            .empty(304, "The task has not changed since the given ETag.")
            .header("ETag", ETAG)
            .errors(&["not_found"]),
        Operation::new("task-update", "tasks", "Change a task")
            .describe("Only the fields sent change; `assignee_id: null` unassigns. With `If-Match`, a task changed since is `412`.")
            .signed_in()
            .request_header("If-Match", "The ETag the change was made on.")
            .body::<PatchBody>(json!({ "status": "in_progress", "assignee_id": null }))
            .envelope::<Task>(200, "The changed task, its version one higher.")
            .header("ETag", ETAG)
            .errors(&["forbidden", "not_found", "precondition_failed", "conflict"]),
        Operation::new("task-delete", "tasks", "Delete a task")
            .signed_in()
            .empty(204, "Deleted.")
            .errors(&["forbidden", "not_found"]),
    ]
}
