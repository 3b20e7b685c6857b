//! File routes: presigned direct uploads (README, "Files in short").

#[cfg(feature = "openapi")]
pub mod docs;

use edge::auth::Gate;
use edge::http::{endpoint, Ctx, Reply};
use edge::pagination::{page_request, Listing};
use http::{Response, StatusCode};
use lambda_http::{Body, Request};
use serde::Deserialize;
use think_tank_core::app::{Blobs, Sockets};
use think_tank_core::clock::{serde_rfc3339, UnixMillis};
use think_tank_core::domain::FileRecord;
use think_tank_core::ports::UploadTicket;
use think_tank_core::services::files::Files;
use think_tank_core::services::files::NewFile;
use think_tank_core::services::validate::Checks;
use think_tank_core::ApiError;

shared::handlers! {
    FILES_CREATE: "files-create" => files_create(Files<Blobs>);
    FILE_COMPLETE: "file-complete" => file_complete(Files<Blobs, Sockets>);
    FILES_LIST: "files-list" => files_list(Files);
    FILE_GET: "file-get" => file_get(Files<Blobs>);
    FILE_DELETE: "file-delete" => file_delete(Files<Blobs>);
}

#[derive(Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = FileCreateBody))]
#[serde(deny_unknown_fields)]
struct CreateBody {
    filename: String,
    content_type: String,
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    size: u64,
}

impl edge::http::body::RequestBody for CreateBody {
    type Valid = NewFile;

    fn validate(self) -> Result<NewFile, ApiError> {
        let mut checks = Checks::default();
        let filename = checks.text("filename", &self.filename, 1, 255);
        if filename
            .chars()
            .any(|c| c.is_control() || c == '/' || c == '\\')
        {
            checks.fail("filename", "must be a plain file name");
        }
        if self.size == 0 {
            checks.fail("size", "must be at least 1 byte");
        }
        // The documented type is an int64: beyond it the request is malformed,
        // not merely too large.
        if self.size > i64::MAX as u64 {
            checks.fail("size", "must be a 64-bit signed integer");
        }
        checks.finish()?;
        Ok(NewFile {
            filename,
            content_type: self.content_type.trim().to_string(),
            size: self.size,
        })
    }
}

fn file_id(ctx: &Ctx) -> Result<String, ApiError> {
    ctx.path_id("id")
}

pub async fn files_create(files: Files<'_, Blobs<'_>>, req: Request) -> Response<Body> {
    let core = files.core();
    endpoint(&core.settings, req, |ctx| async move {
        let caller = core.authenticate(&ctx).await?;
        let input = ctx.body::<CreateBody>()?;
        let (file, upload) = files.create_file(&caller, input).await?;
        Reply::json(StatusCode::CREATED, &FileCreated { file, upload })
    })
    .await
}

pub async fn file_complete(
    files: Files<'_, Blobs<'_>, Sockets<'_>>,
    req: Request,
) -> Response<Body> {
    let core = files.core();
    endpoint(&core.settings, req, |ctx| async move {
        ctx.no_body()?;
        let claim = core.claim(&ctx)?;
        let file = files.complete_file(claim, &file_id(&ctx)?).await?;
        Reply::enveloped(StatusCode::OK, &file)
    })
    .await
}

pub async fn files_list(files: Files<'_>, req: Request) -> Response<Body> {
    let core = files.core();
    endpoint(&core.settings, req, |ctx| async move {
        let claim = core.claim(&ctx)?;
        let page = page_request(&ctx, &core.keys.cursor, "files")?;
        let files = files
            .list_files(claim, page.after.as_deref(), page.limit)
            .await?;
        Reply::listing(&Listing::new(files, &core.keys.cursor, "files"))
    })
    .await
}

/// `POST /v1/files`.
#[derive(serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FileCreated {
    file: FileRecord,
    /// How the browser sends the bytes: a `POST` form with `fields` (S3
    /// presigned POST: the size is enforced) or a `PUT` with `headers`.
    upload: UploadTicket,
}

/// `GET /v1/files/{id}`.
#[derive(serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FileWithDownload<'a> {
    file: FileRecord,
    download: DownloadView<'a>,
}

#[derive(serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = Download))]
struct DownloadView<'a> {
    url: &'a str,
    #[serde(with = "serde_rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    expires_at: UnixMillis,
}

pub async fn file_get(files: Files<'_, Blobs<'_>>, req: Request) -> Response<Body> {
    let core = files.core();
    endpoint(&core.settings, req, |ctx| async move {
        let claim = core.claim(&ctx)?;
        let (file, download) = files.file_with_download(claim, &file_id(&ctx)?).await?;
        let download = DownloadView {
            url: &download.url,
            expires_at: download.expires_at,
        };
        Reply::ok(&FileWithDownload { file, download })
    })
    .await
}

pub async fn file_delete(files: Files<'_, Blobs<'_>>, req: Request) -> Response<Body> {
    let core = files.core();
    endpoint(&core.settings, req, |ctx| async move {
        ctx.no_body()?;
        let claim = core.claim(&ctx)?;
        files.delete_file(claim, &file_id(&ctx)?).await?;
        Ok(Reply::empty(StatusCode::NO_CONTENT))
    })
    .await
}
