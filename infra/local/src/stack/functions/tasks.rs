//! Tasks: the `tasks` functions.

use crate::stack::Action::*;
use crate::stack::Event::Http;
use crate::stack::Function;
use crate::stack::Grant::*;
use crate::stack::Index::{Gsi1, Gsi2, Gsi3};

pub const FUNCTIONS: &[Function] = &[
    Function {
        id: "TasksCreate",
        name: "tasks-create",
        event: Http("POST", "/v1/tasks"),
        description: None,
        memory: None,
        timeout: None,
        secrets: &[],
        grants: &[
            Items(&[DeleteItem, GetItem, PutItem, UpdateItem]),
            Queries(&[Gsi1]),
            PushToSockets,
            QueueEmail,
        ],
    },
    Function {
        id: "TasksList",
        name: "tasks-list",
        event: Http("GET", "/v1/tasks"),
        description: None,
        memory: None,
        timeout: None,
        secrets: &[],
        grants: &[Items(&[GetItem]), Queries(&[Gsi1, Gsi2, Gsi3])],
    },
    Function {
        id: "TaskGet",
        name: "task-get",
        event: Http("GET", "/v1/tasks/{id}"),
        description: None,
        memory: None,
        timeout: None,
        secrets: &[],
        grants: &[Items(&[GetItem])],
    },
    Function {
        id: "TaskUpdate",
        name: "task-update",
        event: Http("PATCH", "/v1/tasks/{id}"),
        description: None,
        memory: None,
        timeout: None,
        secrets: &[],
        grants: &[
            Items(&[DeleteItem, GetItem, PutItem, UpdateItem]),
            Queries(&[Gsi1]),
            PushToSockets,
            QueueEmail,
        ],
    },
    Function {
        id: "TaskDelete",
        name: "task-delete",
        event: Http("DELETE", "/v1/tasks/{id}"),
        description: None,
        memory: None,
        timeout: None,
        secrets: &[],
        grants: &[
            Items(&[DeleteItem, GetItem]),
            Queries(&[Gsi1]),
            PushToSockets,
        ],
    },
];
