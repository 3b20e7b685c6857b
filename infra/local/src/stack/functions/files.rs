//! Files: the `files` functions.

use crate::stack::Action::*;
use crate::stack::Function;
use crate::stack::Grant::*;
use crate::stack::Index::{Gsi3, Table};
use crate::stack::ObjectAction::*;
use crate::stack::Prefix::*;

pub const FUNCTIONS: &[Function] = &[
    Function::http(
        "FilesCreate",
        "files-create",
        "POST",
        "/v1/files",
        &[Items(&[GetItem, PutItem]), Objects(PutObject, &[Pending])],
    ),
    Function::http(
        "FileComplete",
        "file-complete",
        "POST",
        "/v1/files/{id}/complete",
        &[
            Items(&[DeleteItem, GetItem, UpdateItem]),
            Queries(&[Table]),
            Objects(GetObject, &[Pending, Files]),
            Objects(PutObject, &[Files]),
            Objects(DeleteObject, &[Pending]),
            ListUploads,
            PushToSockets,
        ],
    ),
    Function::http(
        "FilesList",
        "files-list",
        "GET",
        "/v1/files",
        &[Items(&[GetItem]), Queries(&[Gsi3])],
    ),
    Function::http(
        "FileGet",
        "file-get",
        "GET",
        "/v1/files/{id}",
        &[Items(&[GetItem]), Objects(GetObject, &[Pending, Files])],
    ),
    Function::http(
        "FileDelete",
        "file-delete",
        "DELETE",
        "/v1/files/{id}",
        &[
            Items(&[GetItem, DeleteItem, UpdateItem]),
            Objects(DeleteObject, &[Pending, Files]),
        ],
    ),
];
