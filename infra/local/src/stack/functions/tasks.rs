//! Tasks: the `tasks` functions.

use crate::stack::Action::*;
use crate::stack::Function;
use crate::stack::Grant::*;
use crate::stack::Index::{Gsi1, Gsi2, Gsi3, Table};

pub const FUNCTIONS: &[Function] = &[
    Function::http(
        "TasksCreate",
        "tasks-create",
        "POST",
        "/v1/workspaces/{ws}/tasks",
        &[Items(&[GetItem, PutItem, UpdateItem]), QueueEmail],
    ),
    Function::http(
        "TasksList",
        "tasks-list",
        "GET",
        "/v1/workspaces/{ws}/tasks",
        &[Items(&[GetItem]), Queries(&[Table, Gsi1, Gsi2, Gsi3])],
    ),
    Function::http(
        "TaskGet",
        "task-get",
        "GET",
        "/v1/workspaces/{ws}/tasks/{id}",
        &[Items(&[GetItem])],
    ),
    Function::http(
        "TaskUpdate",
        "task-update",
        "PATCH",
        "/v1/workspaces/{ws}/tasks/{id}",
        &[Items(&[GetItem, PutItem, UpdateItem]), QueueEmail],
    ),
    Function::http(
        "TaskDelete",
        "task-delete",
        "DELETE",
        "/v1/workspaces/{ws}/tasks/{id}",
        &[Items(&[DeleteItem, GetItem])],
    ),
];
