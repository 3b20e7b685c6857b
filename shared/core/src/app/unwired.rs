//! The stand-in for a port an `App` was built without. A service reaches a
//! port only through the handle its `PORTS` name, and the wiring builds every
//! port a function's services name, so a deployed function never reaches
//! one; an `App` assembled by hand (a test) that lacks a port answers `500`
//! naming it.

use async_trait::async_trait;

use crate::clock::UnixSecs;
use crate::email::EmailJob;
use crate::error::{StoreError, StoreResult};
use crate::ports::{
    AuthorizationRequest, BlobStore, EmailQueue, EmailSender, IdentityProviders, Notifier, Probe,
    Push, Redemption, SmsSender, UploadTicket, VerifiedIdentity,
};

pub(super) struct Unwired(pub &'static str);

impl Unwired {
    fn fail<T>(&self) -> StoreResult<T> {
        Err(StoreError::Unexpected(anyhow::anyhow!(
            "the {} port is not wired for this function",
            self.0
        )))
    }
}

#[async_trait]
impl Probe for Unwired {
    async fn ping(&self) -> StoreResult<()> {
        self.fail()
    }
}

#[async_trait]
impl EmailQueue for Unwired {
    async fn enqueue(&self, _: &EmailJob) -> StoreResult<()> {
        self.fail()
    }
}

#[async_trait]
impl EmailSender for Unwired {
    async fn send(&self, _: &str, _: &[u8]) -> StoreResult<()> {
        self.fail()
    }
}

#[async_trait]
impl SmsSender for Unwired {
    async fn send_sms(&self, _: &str, _: &str, _: &str) -> StoreResult<()> {
        self.fail()
    }
}

#[async_trait]
impl Notifier for Unwired {
    async fn push(&self, _: &str, _: &str) -> StoreResult<Push> {
        self.fail()
    }

    async fn disconnect(&self, _: &str) -> StoreResult<()> {
        self.fail()
    }
}

#[async_trait]
impl BlobStore for Unwired {
    async fn presign_upload(
        &self,
        _: &str,
        _: &str,
        _: u64,
        _: UnixSecs,
    ) -> StoreResult<UploadTicket> {
        self.fail()
    }

    async fn presign_download(&self, _: &str, _: UnixSecs) -> StoreResult<String> {
        self.fail()
    }

    async fn object_size(&self, _: &str) -> StoreResult<Option<u64>> {
        self.fail()
    }

    async fn delete_object(&self, _: &str) -> StoreResult<()> {
        self.fail()
    }

    async fn promote(&self, _: &str, _: &str) -> StoreResult<()> {
        self.fail()
    }
}

#[async_trait]
impl IdentityProviders for Unwired {
    async fn warm(&self) {}

    async fn authorization_url(
        &self,
        _: &str,
        _: &AuthorizationRequest<'_>,
    ) -> StoreResult<Option<String>> {
        self.fail()
    }

    async fn redeem(&self, _: &str, _: &Redemption<'_>) -> StoreResult<Option<VerifiedIdentity>> {
        self.fail()
    }
}
