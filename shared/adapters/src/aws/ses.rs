use async_trait::async_trait;
use aws_sdk_sesv2::primitives::Blob;
use aws_sdk_sesv2::types::{EmailContent, RawMessage};

use super::sdk_error;
use think_tank_core::error::StoreResult;
use think_tank_core::ports::EmailSender;

pub struct SesSender {
    client: aws_sdk_sesv2::Client,
}

impl SesSender {
    pub fn new(client: aws_sdk_sesv2::Client) -> Self {
        Self { client }
    }
}

#[async_trait]
impl EmailSender for SesSender {
    async fn send(&self, _to: &str, message: &[u8]) -> StoreResult<()> {
        let raw = RawMessage::builder()
            .data(Blob::new(message))
            .build()
            .map_err(|e| anyhow::anyhow!("raw message: {e}"))?;
        self.client
            .send_email()
            .content(EmailContent::builder().raw(raw).build())
            .send()
            .await
            .map_err(|e| sdk_error("ses send", e))?;
        Ok(())
    }
}
