//! Files: the API records them and hands out presigned URLs; the bytes go
//! straight to the blob store, which enforces key, size, type and expiry.

use crate::app::{Absent, Blobs, Core, Sockets};
use crate::clock::UnixMillis;
use crate::domain::{new_id, Completion, FileRecord, FileStatus, Page, Role};
use crate::error::{ApiError, FileError};
use crate::ports::UploadTicket;
use crate::{Caller, Claim};

/// Presigned URLs live 5 minutes.
pub const URL_TTL_SECONDS: i64 = 300;
/// A record whose upload never completes disappears after a day (TTL).
const PENDING_TTL_SECONDS: i64 = 86_400;

fn pending_key(id: &str) -> String {
    format!("pending/{id}")
}

fn final_key(id: &str) -> String {
    format!("files/{id}")
}

pub struct NewFile {
    pub filename: String,
    pub content_type: String,
    pub size: u64,
}

pub struct Download {
    pub url: String,
    pub expires_at: UnixMillis,
}

/// Uploads and downloads of personal files.
#[derive(Clone, Copy)]
pub struct Files<'a, B = Absent, S = Absent> {
    pub(super) core: &'a Core,
    pub(super) blobs: B,
    pub(super) sockets: S,
}

crate::service!(Files {
    blobs: B,
    sockets: S
});

impl<B, S> Files<'_, B, S> {
    pub async fn list_files(
        &self,
        claim: Claim,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Page<FileRecord>, ApiError> {
        let caller = self.core.admit(claim).await?;
        let now = self.core.clock.now_secs();
        Ok(self
            .core
            .store
            .files_of(caller.user_id(), after, limit, now)
            .await?)
    }

    /// The revocation check and the file's read at once; then only the
    /// owner or an admin sees it.
    async fn admit_to_file(
        &self,
        claim: Claim,
        id: &str,
    ) -> Result<(Caller, FileRecord), ApiError> {
        let now = self.core.clock.now_secs();
        let read = async { Ok::<_, ApiError>(self.core.store.file(id, now).await?) };
        let (caller, file) = self.core.admit_with(claim, read).await?;
        let file = visible(&caller, file)?;
        Ok((caller, file))
    }
}

impl<S> Files<'_, Blobs<'_>, S> {
    pub async fn create_file(
        &self,
        caller: &Caller,
        input: NewFile,
    ) -> Result<(FileRecord, UploadTicket), ApiError> {
        if input.size > self.core.settings.max_upload_bytes {
            return Err(FileError::TooLarge.into());
        }
        if !self
            .core
            .settings
            .allowed_upload_types
            .contains(&input.content_type)
        {
            return Err(FileError::UnsupportedType.into());
        }
        let owner = caller.user_id();
        if self.core.store.ready_files(owner).await? >= self.core.settings.max_files_per_user {
            return Err(FileError::TooMany.into());
        }
        let now = self.core.clock.now_secs();
        let id = new_id();
        let file = FileRecord {
            key: pending_key(&id),
            id,
            filename: input.filename,
            content_type: input.content_type,
            size: input.size,
            status: FileStatus::Pending,
            owner_id: caller.user_id().clone(),
            created_at: self.core.clock.now_ms(),
            expires_at: Some(now + PENDING_TTL_SECONDS),
        };
        let (_, ticket) = tokio::try_join!(
            async { Ok::<_, ApiError>(self.core.store.create_file(&file).await?) },
            async {
                Ok(self
                    .blobs
                    .0
                    .presign_upload(
                        &file.key,
                        &file.content_type,
                        file.size,
                        now + URL_TTL_SECONDS,
                    )
                    .await?)
            },
        )?;
        Ok((file, ticket))
    }

    pub async fn file_with_download(
        &self,
        claim: Claim,
        id: &str,
    ) -> Result<(FileRecord, Download), ApiError> {
        let (_, file) = self.admit_to_file(claim, id).await?;
        let expires_at = self.core.clock.now_secs() + URL_TTL_SECONDS;
        let url = self.blobs.0.presign_download(&file.key, expires_at).await?;
        Ok((
            file,
            Download {
                url,
                expires_at: expires_at.to_millis(),
            },
        ))
    }

    /// Removes the object first, then the record, so a failure leaves something to retry.
    pub async fn delete_file(&self, claim: Claim, id: &str) -> Result<(), ApiError> {
        let (_, file) = self.admit_to_file(claim, id).await?;
        self.blobs.0.delete_object(&file.key).await?;
        self.core.store.delete_file(&file).await?;
        Ok(())
    }
}

impl Files<'_, Blobs<'_>, Sockets<'_>> {
    /// Marks the file ready once the object really exists with the declared
    /// size, moving it out of `pending/` (where never-completed uploads expire).
    pub async fn complete_file(&self, claim: Claim, id: &str) -> Result<FileRecord, ApiError> {
        let (caller, file) = self.admit_to_file(claim, id).await?;
        if file.status == FileStatus::Ready {
            return Ok(file);
        }
        let cap = self.core.settings.max_files_per_user;
        if self.core.store.ready_files(&file.owner_id).await? >= cap {
            return Err(FileError::TooMany.into());
        }
        let final_key = final_key(id);
        let (pending, promoted) = tokio::try_join!(
            self.blobs.0.object_size(&file.key),
            self.blobs.0.object_size(&final_key),
        )?;
        match (pending, promoted) {
            (Some(size), _) if size == file.size => {
                self.blobs.0.promote(&file.key, &final_key).await?
            }
            // A completion that promoted the object but did not record it: finish it.
            (None, Some(size)) if size == file.size => {}
            _ => return Err(FileError::NotUploaded.into()),
        }
        let now = self.core.clock.now_secs();
        match self
            .core
            .store
            .mark_file_ready(&file, &final_key, now, cap)
            .await?
        {
            Completion::Ready(ready) => {
                self.sockets.push_file_ready(&ready).await;
                Ok(ready)
            }
            // Another upload took the last place since the check above. The
            // object stays under its final key and the record pending: a
            // completion once a place is free finishes it.
            Completion::Full => Err(FileError::TooMany.into()),
            Completion::NotPending => visible(
                &caller,
                self.core.store.file(id, self.core.clock.now_secs()).await?,
            )
            .and_then(|f| match f.status {
                FileStatus::Ready => Ok(f),
                FileStatus::Pending => Err(ApiError::File(FileError::NotReady)),
            }),
        }
    }
}

/// The owner's or, for an admin, anyone's file; everyone else sees nothing (`404`).
fn visible(caller: &Caller, file: Option<FileRecord>) -> Result<FileRecord, ApiError> {
    file.filter(|f| f.owner_id == caller.user_id() || caller.role() == Role::Admin)
        .ok_or(ApiError::File(FileError::NotFound))
}
