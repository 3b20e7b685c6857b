//! Text messages through Amazon SNS: a direct publish to the phone number,
//! marked transactional (delivered first, even to numbers that opted out
//! of promotional messages).

use async_trait::async_trait;
use aws_sdk_sns::types::MessageAttributeValue;

use super::sdk_error;
use think_tank_core::error::StoreResult;
use think_tank_core::ports::SmsSender;

pub struct SnsSender {
    client: aws_sdk_sns::Client,
}

impl SnsSender {
    pub fn new(client: aws_sdk_sns::Client) -> Self {
        Self { client }
    }
}

fn string_attribute(value: &str) -> StoreResult<MessageAttributeValue> {
    MessageAttributeValue::builder()
        .data_type("String")
        .string_value(value)
        .build()
        .map_err(|e| anyhow::anyhow!("sns attribute: {e}").into())
}

#[async_trait]
impl SmsSender for SnsSender {
    async fn send_sms(&self, _id: &str, to: &str, text: &str) -> StoreResult<()> {
        self.client
            .publish()
            .phone_number(to)
            .message(text)
            .message_attributes("AWS.SNS.SMS.SMSType", string_attribute("Transactional")?)
            .send()
            .await
            .map_err(|e| sdk_error("sns publish", e))?;
        Ok(())
    }
}
