//! Ports whose AWS calls no emulator here answers or the SDK does not make
//! (API Gateway's management API, SES, presigned S3 URLs): each records the
//! IAM permission its AWS adapter needs, then does the local equivalent. And
//! one that tees: SMS go to SNS (moto) and to the outbox, where the story
//! reads the codes.

use std::sync::{Arc, Mutex};

use adapters::aws::SnsSender;
use adapters::outbox::OutboxSender;
use async_trait::async_trait;
use think_tank_core::clock::UnixSecs;
use think_tank_core::error::StoreResult;
use think_tank_core::ports::{
    BlobStore, EmailSender, Notifier, Probe, Push, SmsSender, UploadTicket,
};

use super::policy::Permission;

/// The permissions the stand-ins saw needed.
#[derive(Clone, Default)]
pub struct Seen(Arc<Mutex<Vec<Permission>>>);

impl Seen {
    fn note(&self, action: &str, resource: String) {
        self.0
            .lock()
            .unwrap()
            .push(Permission::new(action, resource));
    }

    pub fn take(&self) -> Vec<Permission> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
}

/// Sockets whose id starts with this are gone when pushed to (the client
/// went away without a `$disconnect`), so the pusher forgets them.
pub const GONE: &str = "gone-";

/// `PostToConnection` and `DeleteConnection`.
pub struct ManagementApi(pub Seen);

#[async_trait]
impl Notifier for ManagementApi {
    async fn push(&self, connection_id: &str, _: &str) -> StoreResult<Push> {
        let resource = format!("WebSocketApi/live/POST/@connections/{connection_id}");
        self.0.note("execute-api:ManageConnections", resource);
        match connection_id.starts_with(GONE) {
            true => Ok(Push::Gone),
            false => Ok(Push::Sent),
        }
    }

    async fn disconnect(&self, connection_id: &str) -> StoreResult<()> {
        let resource = format!("WebSocketApi/live/DELETE/@connections/{connection_id}");
        self.0.note("execute-api:ManageConnections", resource);
        Ok(())
    }
}

/// SES `SendEmail` with raw content, delivered to the outbox instead.
pub struct Ses(pub Seen, pub OutboxSender);

#[async_trait]
impl EmailSender for Ses {
    async fn send(&self, to: &str, message: &[u8]) -> StoreResult<()> {
        self.0
            .note("ses:SendRawEmail", "identity/SesIdentity".to_string());
        self.1.send(to, message).await
    }
}

/// S3 through the SDK (recorded by the interceptor), plus the presigned
/// upload: a POST policy signed by hand, which lets its holder put the object
/// with the function's credentials.
pub struct Presigning(pub Seen, pub Arc<dyn BlobStore>);

#[async_trait]
impl Probe for Presigning {
    async fn ping(&self) -> StoreResult<()> {
        self.1.ping().await
    }
}

#[async_trait]
impl BlobStore for Presigning {
    async fn presign_upload(
        &self,
        key: &str,
        content_type: &str,
        size: u64,
        expires_at: UnixSecs,
    ) -> StoreResult<UploadTicket> {
        self.0.note("s3:PutObject", format!("UploadBucket/{key}"));
        self.1
            .presign_upload(key, content_type, size, expires_at)
            .await
    }

    async fn presign_download(&self, key: &str, expires_at: UnixSecs) -> StoreResult<String> {
        self.1.presign_download(key, expires_at).await
    }

    async fn object_size(&self, key: &str) -> StoreResult<Option<u64>> {
        self.1.object_size(key).await
    }

    async fn delete_object(&self, key: &str) -> StoreResult<()> {
        self.1.delete_object(key).await
    }

    async fn promote(&self, from: &str, to: &str) -> StoreResult<()> {
        self.1.promote(from, to).await
    }
}

/// SNS `Publish` (recorded by the SDK interceptor), plus a copy in the outbox.
pub struct SmsTee(pub SnsSender, pub OutboxSender);

#[async_trait]
impl SmsSender for SmsTee {
    async fn send_sms(&self, id: &str, to: &str, text: &str) -> StoreResult<()> {
        self.0.send_sms(id, to, text).await?;
        self.1.send_sms(id, to, text).await
    }
}
