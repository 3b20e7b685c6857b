//! A Lambda function's SDK configuration, from the variables Lambda sets and
//! nothing else. `aws_config`'s loader would also link (and at a cold start,
//! consult) profile files, instance metadata, SSO and STS: none of them
//! applies in Lambda, and they weigh about half a megabyte of every binary.

use aws_config::environment::EnvironmentVariableCredentialsProvider;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_smithy_async::rt::sleep::TokioSleep;
use aws_smithy_async::time::SystemTimeSource;
use aws_types::service_config::{LoadServiceConfig, ServiceConfigKey};

use super::roots;

/// Region from `AWS_REGION` (or `AWS_DEFAULT_REGION`), credentials from the
/// role's variables, the SDK's standard retries, `timeouts`, and endpoint
/// overrides from `AWS_ENDPOINT_URL_<SERVICE>` or `AWS_ENDPOINT_URL`.
pub fn sdk_config(timeouts: TimeoutConfig) -> SdkConfig {
    let region = ["AWS_REGION", "AWS_DEFAULT_REGION"]
        .iter()
        .find_map(|var| std::env::var(var).ok().filter(|r| !r.is_empty()));
    let credentials = EnvironmentVariableCredentialsProvider::new();
    SdkConfig::builder()
        .behavior_version(BehaviorVersion::v2026_01_12())
        .region(region.map(Region::new))
        .credentials_provider(SharedCredentialsProvider::new(credentials))
        .http_client(roots::https_client())
        .sleep_impl(TokioSleep::new())
        .time_source(SystemTimeSource::new())
        .retry_config(RetryConfig::standard())
        .timeout_config(timeouts)
        .service_config(EndpointsFromEnvironment)
        .build()
}

/// The service-specific settings the SDK asks for by name (today only the
/// endpoint URL): the service's own variable first, then the general one,
/// as `aws_config` reads them, without its profile files.
#[derive(Debug)]
struct EndpointsFromEnvironment;

impl LoadServiceConfig for EndpointsFromEnvironment {
    fn load_config(&self, key: ServiceConfigKey<'_>) -> Option<String> {
        let service = key.service_id().to_uppercase().replace(' ', "_");
        let specific = format!("{}_{service}", key.env());
        let set = |var: &str| std::env::var(var).ok().filter(|v| !v.is_empty());
        set(&specific).or_else(|| set(key.env()))
    }
}
