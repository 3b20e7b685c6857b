//! Files: the `files` functions.

use crate::stack::Action::*;
use crate::stack::Event::Http;
use crate::stack::Function;
use crate::stack::Grant::*;
use crate::stack::Index::{Gsi3, Table};
use crate::stack::ObjectAction::*;
use crate::stack::Prefix::*;

pub const FUNCTIONS: &[Function] = &[
    Function {
        id: "FilesCreate",
        name: "files-create",
        event: Http("POST", "/v1/files"),
        description: None,
        memory: None,
        timeout: None,
        secrets: &[],
        grants: &[Items(&[GetItem, PutItem]), Objects(PutObject, &[Pending])],
    },
    Function {
        id: "FileComplete",
        name: "file-complete",
        event: Http("POST", "/v1/files/{id}/complete"),
        description: None,
        memory: None,
        timeout: None,
        secrets: &[],
        grants: &[
            Items(&[DeleteItem, GetItem, UpdateItem]),
            Queries(&[Table]),
            Objects(GetObject, &[Pending, Files]),
            Objects(PutObject, &[Files]),
            Objects(DeleteObject, &[Pending]),
            ListUploads,
            PushToSockets,
        ],
    },
    Function {
        id: "FilesList",
        name: "files-list",
        event: Http("GET", "/v1/files"),
        description: None,
        memory: None,
        timeout: None,
        secrets: &[],
        grants: &[Items(&[GetItem]), Queries(&[Gsi3])],
    },
    Function {
        id: "FileGet",
        name: "file-get",
        event: Http("GET", "/v1/files/{id}"),
        description: None,
        memory: None,
        timeout: None,
        secrets: &[],
        grants: &[Items(&[GetItem]), Objects(GetObject, &[Pending, Files])],
    },
    Function {
        id: "FileDelete",
        name: "file-delete",
        event: Http("DELETE", "/v1/files/{id}"),
        description: None,
        memory: None,
        timeout: None,
        secrets: &[],
        grants: &[
            Items(&[GetItem, DeleteItem]),
            Objects(DeleteObject, &[Pending, Files]),
        ],
    },
];
