//! Administration: the `admin` functions.

use crate::stack::Action::*;
use crate::stack::Event::Http;
use crate::stack::Function;
use crate::stack::Grant::*;
use crate::stack::Index::{Gsi1, Table};

pub const FUNCTIONS: &[Function] = &[
    Function {
        id: "AdminUsersList",
        name: "users-list",
        event: Http("GET", "/v1/admin/users"),
        description: None,
        memory: None,
        timeout: None,
        secrets: &[],
        grants: &[Items(&[GetItem]), Queries(&[Gsi1])],
    },
    Function {
        id: "AdminUserUpdate",
        name: "user-update",
        event: Http("PATCH", "/v1/admin/users/{id}"),
        description: None,
        memory: None,
        timeout: None,
        secrets: &[],
        grants: &[
            Items(&[DeleteItem, GetItem, PutItem, UpdateItem]),
            Queries(&[Table]),
            CloseSockets,
        ],
    },
    Function {
        id: "AdminUserMfaReset",
        name: "user-mfa-reset",
        event: Http("DELETE", "/v1/admin/users/{id}/mfa"),
        description: None,
        memory: None,
        timeout: None,
        secrets: &[],
        grants: &[
            Items(&[DeleteItem, GetItem, PutItem, Query, UpdateItem]),
            QueueEmail,
            CloseSockets,
        ],
    },
    Function {
        id: "AdminAuditList",
        name: "audit-list",
        event: Http("GET", "/v1/admin/audit"),
        description: None,
        memory: None,
        timeout: None,
        secrets: &[],
        grants: &[Items(&[GetItem]), Queries(&[Table, Gsi1])],
    },
];
