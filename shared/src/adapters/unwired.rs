//! Stand-ins for the ports a function's wiring leaves out. Reaching one is a
//! wiring bug (the function's route list and its IAM role disagree with its
//! code), so it fails loudly as `500`, naming the port.

use async_trait::async_trait;

use think_tank_core::clock::UnixSecs;
use think_tank_core::email::EmailJob;
use think_tank_core::error::{StoreError, StoreResult};
use think_tank_core::ports::{
    AuthorizationRequest, BlobStore, EmailQueue, EmailSender, IdentityProviders, Notifier, Probe,
    Push, Redemption, SmsSender, UploadTicket, VerifiedIdentity,
};

pub struct Unwired(pub &'static str);

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
