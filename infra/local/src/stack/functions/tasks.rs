//! Tasks: the `tasks` functions.

use crate::stack::Action::*;
use crate::stack::Function;
use crate::stack::Grant::*;
use crate::stack::Index::{Gsi1, Gsi2, Gsi3};

pub const FUNCTIONS: &[Function] = &[
    Function::http(
        "TasksCreate",
        "tasks-create",
        "POST",
        "/v1/tasks",
        &[
            Items(&[DeleteItem, GetItem, PutItem, UpdateItem]),
            Queries(&[Gsi1]),
            PushToSockets,
            QueueEmail,
        ],
    ),
    Function::http(
        "TasksList",
        "tasks-list",
        "GET",
        "/v1/tasks",
        &[Items(&[GetItem]), Queries(&[Gsi1, Gsi2, Gsi3])],
    ),
    Function::http(
        "TaskGet",
        "task-get",
        "GET",
        "/v1/tasks/{id}",
        &[Items(&[GetItem])],
    ),
    Function::http(
        "TaskUpdate",
        "task-update",
        "PATCH",
        "/v1/tasks/{id}",
        &[
            Items(&[DeleteItem, GetItem, PutItem, UpdateItem]),
            Queries(&[Gsi1]),
            PushToSockets,
            QueueEmail,
        ],
    ),
    Function::http(
        "TaskDelete",
        "task-delete",
        "DELETE",
        "/v1/tasks/{id}",
        &[
            Items(&[DeleteItem, GetItem]),
            Queries(&[Gsi1]),
            PushToSockets,
        ],
    ),
];
