//! API Gateway's management API (`@connections`): post, and delete to close.
//! A `GoneException` (410) means the connection no longer exists.

use async_trait::async_trait;
use aws_sdk_apigatewaymanagement::primitives::Blob;

use super::sdk_error;
use think_tank_core::error::StoreResult;
use think_tank_core::ports::{Notifier, Push};

pub struct ApiGatewayNotifier {
    client: aws_sdk_apigatewaymanagement::Client,
}

impl ApiGatewayNotifier {
    pub fn new(client: aws_sdk_apigatewaymanagement::Client) -> Self {
        Self { client }
    }
}

#[async_trait]
impl Notifier for ApiGatewayNotifier {
    async fn push(&self, connection_id: &str, payload: &str) -> StoreResult<Push> {
        let result = self
            .client
            .post_to_connection()
            .connection_id(connection_id)
            .data(Blob::new(payload.as_bytes()))
            .send()
            .await;
        match result {
            Ok(_) => Ok(Push::Sent),
            Err(e) if e.as_service_error().is_some_and(|s| s.is_gone_exception()) => Ok(Push::Gone),
            Err(e) => Err(sdk_error("post to connection", e)),
        }
    }

    async fn disconnect(&self, connection_id: &str) -> StoreResult<()> {
        match self
            .client
            .delete_connection()
            .connection_id(connection_id)
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if e.as_service_error().is_some_and(|s| s.is_gone_exception()) => Ok(()),
            Err(e) => Err(sdk_error("delete connection", e)),
        }
    }
}
