//! Workspaces and their members: the `workspaces` functions. Membership
//! changes are transactions of `PutItem`, `UpdateItem` and `DeleteItem`.

use crate::stack::Action::*;
use crate::stack::Function;
use crate::stack::Grant::*;
use crate::stack::Index::{Gsi2, Table};

pub const FUNCTIONS: &[Function] = &[
    Function::http(
        "WorkspaceCreate",
        "workspace-create",
        "POST",
        "/v1/workspaces",
        &[Items(&[GetItem, PutItem, UpdateItem])],
    ),
    Function::http(
        "WorkspacesList",
        "workspaces-list",
        "GET",
        "/v1/workspaces",
        &[Items(&[BatchGetItem, GetItem]), Queries(&[Gsi2])],
    ),
    Function::http(
        "WorkspaceGet",
        "workspace-get",
        "GET",
        "/v1/workspaces/{ws}",
        &[Items(&[GetItem])],
    ),
    Function::http(
        "WorkspaceUpdate",
        "workspace-update",
        "PATCH",
        "/v1/workspaces/{ws}",
        &[Items(&[GetItem, UpdateItem])],
    ),
    Function::http(
        "WorkspaceDelete",
        "workspace-delete",
        "DELETE",
        "/v1/workspaces/{ws}",
        &[Items(&[DeleteItem, GetItem]), QueueEmail],
    ),
    Function::http(
        "MembersList",
        "members-list",
        "GET",
        "/v1/workspaces/{ws}/members",
        &[Items(&[GetItem]), Queries(&[Table])],
    ),
    Function::http(
        "MemberUpdate",
        "member-update",
        "PATCH",
        "/v1/workspaces/{ws}/members/{user}",
        &[Items(&[GetItem, UpdateItem])],
    ),
    Function::http(
        "MemberRemove",
        "member-remove",
        "DELETE",
        "/v1/workspaces/{ws}/members/{user}",
        &[Items(&[DeleteItem, GetItem, UpdateItem])],
    ),
    Function::http(
        "InvitationCreate",
        "invitation-create",
        "POST",
        "/v1/workspaces/{ws}/invitations",
        &[Items(&[GetItem, PutItem, UpdateItem]), QueueEmail],
    ),
    Function::http(
        "InvitationsList",
        "invitations-list",
        "GET",
        "/v1/workspaces/{ws}/invitations",
        &[Items(&[GetItem]), Queries(&[Table])],
    ),
    Function::http(
        "InvitationRevoke",
        "invitation-revoke",
        "DELETE",
        "/v1/workspaces/{ws}/invitations/{id}",
        &[Items(&[DeleteItem, GetItem])],
    ),
    Function::http(
        "InvitationAccept",
        "invitation-accept",
        "POST",
        "/v1/invitations/accept",
        &[Items(&[DeleteItem, GetItem, PutItem, UpdateItem])],
    ),
];
