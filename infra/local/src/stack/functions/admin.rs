//! Administration: the `admin` functions.

use crate::stack::Action::*;
use crate::stack::Function;
use crate::stack::Grant::*;
use crate::stack::Index::{Gsi1, Table};

pub const FUNCTIONS: &[Function] = &[
    Function::http(
        "AdminUsersList",
        "users-list",
        "GET",
        "/v1/admin/users",
        &[Items(&[GetItem]), Queries(&[Gsi1])],
    ),
    Function::http(
        "AdminUserUpdate",
        "user-update",
        "PATCH",
        "/v1/admin/users/{id}",
        &[
            Items(&[DeleteItem, GetItem, PutItem, UpdateItem]),
            Queries(&[Table]),
            CloseSockets,
        ],
    ),
    Function::http(
        "AdminUserMfaReset",
        "user-mfa-reset",
        "DELETE",
        "/v1/admin/users/{id}/mfa",
        &[
            Items(&[DeleteItem, GetItem, PutItem, Query, UpdateItem]),
            QueueEmail,
            CloseSockets,
        ],
    ),
    Function::http(
        "AdminAuditList",
        "audit-list",
        "GET",
        "/v1/admin/audit",
        &[Items(&[GetItem]), Queries(&[Table, Gsi1])],
    ),
];
