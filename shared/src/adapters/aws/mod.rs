//! AWS adapters: DynamoDB, SQS and SES. SDK types never leave this module.

mod dynamo;
pub mod provision;
mod s3;
mod ses;
mod sns;
mod sqs;
mod websocket;

pub use dynamo::DynamoStore;
pub use s3::S3Blobs;
pub use ses::SesSender;
pub use sns::SnsSender;
pub use sqs::{ReceivedMessage, SqsQueue};
pub use websocket::ApiGatewayNotifier;

use std::sync::OnceLock;
use std::time::Duration;

use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};

use crate::error::StoreError;

/// The SDK configuration and the service clients built from it. A client is
/// built on first use, so a function pays only for the services its ports
/// name (see `wiring::on_aws_for`); clones share the clients built so far.
#[derive(Clone)]
pub struct AwsClients {
    pub sdk: aws_config::SdkConfig,
    pub credentials: Option<aws_credential_types::provider::SharedCredentialsProvider>,
    pub region: String,
    /// An S3 emulator's endpoint (`AWS_ENDPOINT_URL_S3`), which presigned
    /// uploads must name too; `None` on AWS.
    pub s3_endpoint: Option<String>,
    dynamodb: OnceLock<aws_sdk_dynamodb::Client>,
    sqs: OnceLock<aws_sdk_sqs::Client>,
    ses: OnceLock<aws_sdk_sesv2::Client>,
    sns: OnceLock<aws_sdk_sns::Client>,
    s3: OnceLock<aws_sdk_s3::Client>,
}

impl AwsClients {
    /// Region, credentials and `AWS_ENDPOINT_URL_*` from the standard
    /// environment, with [`timeouts`] so a stuck dependency fails fast.
    pub async fn from_env() -> Self {
        let sdk = aws_config::defaults(aws_config::BehaviorVersion::latest())
            .timeout_config(timeouts())
            .load()
            .await;
        Self::from_sdk(sdk)
    }

    pub fn from_sdk(sdk: aws_config::SdkConfig) -> Self {
        let s3_endpoint = ["AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"]
            .iter()
            .find_map(|var| std::env::var(var).ok().filter(|e| !e.is_empty()));
        Self {
            credentials: sdk.credentials_provider(),
            region: sdk
                .region()
                .map(|r| r.to_string())
                .unwrap_or_else(|| "us-east-1".into()),
            s3_endpoint,
            sdk,
            dynamodb: OnceLock::new(),
            sqs: OnceLock::new(),
            ses: OnceLock::new(),
            sns: OnceLock::new(),
            s3: OnceLock::new(),
        }
    }

    pub fn dynamodb(&self) -> aws_sdk_dynamodb::Client {
        built(&self.dynamodb, || aws_sdk_dynamodb::Client::new(&self.sdk))
    }

    pub fn sqs(&self) -> aws_sdk_sqs::Client {
        built(&self.sqs, || aws_sdk_sqs::Client::new(&self.sdk))
    }

    pub fn ses(&self) -> aws_sdk_sesv2::Client {
        built(&self.ses, || aws_sdk_sesv2::Client::new(&self.sdk))
    }

    pub fn sns(&self) -> aws_sdk_sns::Client {
        built(&self.sns, || aws_sdk_sns::Client::new(&self.sdk))
    }

    pub fn s3(&self) -> aws_sdk_s3::Client {
        built(&self.s3, || {
            // Emulators serve buckets by path, not by virtual host.
            let config = aws_sdk_s3::config::Builder::from(&self.sdk)
                .force_path_style(self.s3_endpoint.is_some())
                .build();
            aws_sdk_s3::Client::from_conf(config)
        })
    }

    /// The same configuration with these clients in place of the built ones
    /// (tests: a client with an interceptor or another endpoint).
    pub fn with_dynamodb(self, client: aws_sdk_dynamodb::Client) -> Self {
        Self {
            dynamodb: client.into(),
            ..self
        }
    }

    pub fn with_sqs(self, client: aws_sdk_sqs::Client) -> Self {
        Self {
            sqs: client.into(),
            ..self
        }
    }

    pub fn with_sns(self, client: aws_sdk_sns::Client) -> Self {
        Self {
            sns: client.into(),
            ..self
        }
    }

    pub fn with_s3(self, client: aws_sdk_s3::Client) -> Self {
        Self {
            s3: client.into(),
            ..self
        }
    }

    pub fn websocket_management(&self, endpoint: &str) -> aws_sdk_apigatewaymanagement::Client {
        let config = aws_sdk_apigatewaymanagement::config::Builder::from(&self.sdk)
            .endpoint_url(endpoint)
            .build();
        aws_sdk_apigatewaymanagement::Client::from_conf(config)
    }
}

fn built<T: Clone>(cell: &OnceLock<T>, build: impl FnOnce() -> T) -> T {
    cell.get_or_init(build).clone()
}

/// A frozen or unreachable dependency answers `503` within about 3 s instead
/// of holding the request until the function times out: 1 s to connect, 1 s
/// per attempt, 2.5 s for the whole call with its retries.
pub fn timeouts() -> aws_config::timeout::TimeoutConfig {
    aws_config::timeout::TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(1))
        .operation_attempt_timeout(Duration::from_secs(1))
        .operation_timeout(Duration::from_millis(2500))
        .build()
}

/// A conditional write that lost its condition: an expected outcome, not an error.
pub(crate) fn is_lost_condition<E: ProvideErrorMetadata>(e: &E) -> bool {
    e.code() == Some("ConditionalCheckFailedException")
}

/// Error codes that mean "try again later", whatever the service.
const TRANSIENT_CODES: [&str; 6] = [
    "ThrottlingException",
    "ProvisionedThroughputExceededException",
    "RequestLimitExceeded",
    "ServiceUnavailable",
    "InternalServerError",
    "InternalFailure",
];

/// Network trouble, timeouts, throttling and the service's own 5xx are
/// `Unavailable` (503); anything else is a bug or misconfiguration.
pub(crate) fn sdk_error<E, R>(context: &'static str, e: SdkError<E, R>) -> StoreError
where
    E: std::error::Error + ProvideErrorMetadata + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    let transient = e.code().is_some_and(|c| TRANSIENT_CODES.contains(&c));
    let unavailable = transient
        || matches!(
            e,
            SdkError::DispatchFailure(_) | SdkError::TimeoutError(_) | SdkError::ResponseError(_)
        );
    let err = anyhow::Error::new(e).context(context);
    if unavailable {
        StoreError::Unavailable(err)
    } else {
        StoreError::Unexpected(err)
    }
}
