//! The OpenAPI description of the file routes.

use edge::openapi::Operation;
use serde_json::json;
use think_tank_core::domain::FileRecord;

use crate::{CreateBody, FileCreated, FileWithDownload};

pub fn operations() -> Vec<Operation> {
    vec![
        Operation::new("files-create", "files", "Announce an upload")
            .describe("Answers a presigned request, valid 5 minutes, that sends the bytes straight to storage; then call `POST /v1/files/{id}/complete`. An account keeps at most 1,000 ready files (`409 conflict` past that); pending uploads do not count.")
            .signed_in()
            .body::<CreateBody>(json!({ "filename": "plan.pdf", "content_type": "application/pdf", "size": 48213 }))
            .reply::<FileCreated>(201, "The pending file and its upload request.")
            .errors(&["forbidden", "file_too_large", "conflict"]),
        Operation::new("file-complete", "files", "Finish an upload")
            .describe("Checks the stored object's size against the announced one. `409 conflict` when nothing was uploaded, or when the account already keeps 1,000 ready files (the upload stays pending: complete it again once a file is deleted).")
            .signed_in()
            .envelope::<FileRecord>(200, "The file, `ready`.")
            .errors(&["forbidden", "not_found", "conflict"]),
        Operation::new("files-list", "files", "List files")
            .signed_in()
            .listing::<FileRecord>("One page of files."),
        Operation::new("file-get", "files", "A file and a download link")
            .signed_in()
            .reply::<FileWithDownload<'static>>(200, "The file and a presigned download URL.")
            .errors(&["not_found", "conflict"]),
        Operation::new("file-delete", "files", "Delete a file")
            .signed_in()
            .empty(204, "Deleted.")
            .errors(&["forbidden", "not_found"]),
    ]
}
