//! AWS adapters: DynamoDB, SQS and SES. SDK types never leave this module.

mod dynamo;
mod lambda_env;
pub mod provision;
pub mod roots;
mod s3;
mod ses;
mod sns;
mod sqs;
mod websocket;

pub use dynamo::{changes, DynamoStore};
pub use s3::S3Blobs;
pub use ses::SesSender;
pub use sns::SnsSender;
pub use sqs::{ReceivedMessage, SqsQueue};
pub use websocket::ApiGatewayNotifier;

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use aws_runtime::retries::classifiers::{THROTTLING_ERRORS, TRANSIENT_ERRORS};
use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;

use think_tank_core::error::StoreError;

/// The SDK configuration and the service clients built from it. A client is
/// built on first use, so a function pays only for the services its ports
/// name (see `wiring::AwsPort`); clones share their clients, whichever
/// clone builds them.
#[derive(Clone)]
pub struct AwsClients {
    pub sdk: aws_config::SdkConfig,
    pub credentials: Option<aws_credential_types::provider::SharedCredentialsProvider>,
    pub region: String,
    /// An S3 emulator's endpoint (`AWS_ENDPOINT_URL_S3`), which presigned
    /// uploads must name too; `None` on AWS.
    pub s3_endpoint: Option<String>,
    dynamodb: Arc<OnceLock<aws_sdk_dynamodb::Client>>,
    sqs: Arc<OnceLock<aws_sdk_sqs::Client>>,
    ses: Arc<OnceLock<aws_sdk_sesv2::Client>>,
    sns: Arc<OnceLock<aws_sdk_sns::Client>>,
    s3: Arc<OnceLock<aws_sdk_s3::Client>>,
}

impl AwsClients {
    /// Region, credentials and `AWS_ENDPOINT_URL_*` from the standard
    /// environment, with [`timeouts`] so a stuck dependency fails fast. The
    /// SDK's behaviour version is pinned: an SDK update never changes
    /// retries or timeouts behind our back (move it on purpose, and re-run
    /// the fault tests).
    pub async fn from_env() -> Self {
        let sdk = aws_config::defaults(aws_config::BehaviorVersion::v2026_01_12())
            .timeout_config(timeouts())
            .load()
            .await;
        Self::from_sdk(sdk)
    }

    /// What a Lambda function needs and no more ([`lambda_env::sdk_config`]):
    /// region, credentials and `AWS_ENDPOINT_URL_*` from the environment
    /// alone, and an HTTPS client that trusts one bundle of roots
    /// ([`roots::https_client`]).
    pub async fn for_lambda() -> Self {
        Self::from_sdk(lambda_env::sdk_config(timeouts()))
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
            dynamodb: Arc::default(),
            sqs: Arc::default(),
            ses: Arc::default(),
            sns: Arc::default(),
            s3: Arc::default(),
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
            dynamodb: Arc::new(client.into()),
            ..self
        }
    }

    pub fn with_sqs(self, client: aws_sdk_sqs::Client) -> Self {
        Self {
            sqs: Arc::new(client.into()),
            ..self
        }
    }

    pub fn with_sns(self, client: aws_sdk_sns::Client) -> Self {
        Self {
            sns: Arc::new(client.into()),
            ..self
        }
    }

    pub fn with_s3(self, client: aws_sdk_s3::Client) -> Self {
        Self {
            s3: Arc::new(client.into()),
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

/// Whether the service said "later": its answer was a 5xx or a 429, or its
/// error code is one the SDK itself retries as throttling or transient (a
/// DynamoDB throttle is a 400 with its own code; S3 says `SlowDown`).
fn says_try_later<E: ProvideErrorMetadata>(e: &SdkError<E, HttpResponse>) -> bool {
    let code = e.code().unwrap_or_default();
    let retried_code = THROTTLING_ERRORS.contains(&code) || TRANSIENT_ERRORS.contains(&code);
    let status = e.raw_response().map(|r| r.status().as_u16());
    retried_code || status.is_some_and(|s| s >= 500 || s == 429)
}

/// Network trouble, timeouts, throttling and the service's own 5xx are
/// `Unavailable` (503); anything else is a bug or misconfiguration.
pub(crate) fn sdk_error<E>(context: &'static str, e: SdkError<E, HttpResponse>) -> StoreError
where
    E: std::error::Error + ProvideErrorMetadata + Send + Sync + 'static,
{
    let unavailable = says_try_later(&e)
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

#[cfg(test)]
mod tests {
    use aws_sdk_dynamodb::error::ErrorMetadata;
    use aws_sdk_dynamodb::operation::get_item::GetItemError;
    use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
    use aws_smithy_runtime_api::http::StatusCode;
    use aws_smithy_types::body::SdkBody;

    use super::*;

    fn answered(code: Option<&str>, status: u16) -> SdkError<GetItemError, HttpResponse> {
        let mut meta = ErrorMetadata::builder();
        if let Some(code) = code {
            meta = meta.code(code);
        }
        let raw = HttpResponse::new(StatusCode::try_from(status).unwrap(), SdkBody::empty());
        SdkError::service_error(GetItemError::generic(meta.build()), raw)
    }

    #[test]
    fn throttling_and_server_errors_of_any_service_are_unavailable_and_the_rest_unexpected() {
        let cases = [
            (Some("SlowDown"), 503, true),
            (Some("TooManyRequestsException"), 429, true),
            (Some("LimitExceededException"), 400, true),
            (Some("ProvisionedThroughputExceededException"), 400, true),
            (Some("InternalFailure"), 500, true),
            (None, 502, true),
            (Some("ValidationException"), 400, false),
            (Some("ResourceNotFoundException"), 400, false),
        ];
        for (code, status, unavailable) in cases {
            let err = sdk_error("test", answered(code, status));
            assert_eq!(
                matches!(err, StoreError::Unavailable(_)),
                unavailable,
                "{code:?} {status}"
            );
        }
    }
}
