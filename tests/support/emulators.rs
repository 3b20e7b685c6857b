//! Emulator tests run when `THINK_TANK_EMULATORS=1` (set by `infra/test.sh`
//! after it starts DynamoDB Local and moto). Without it they skip, except in
//! CI (`CI=true`), where a missing emulator is a failure.

use adapters::aws::AwsClients;

pub fn unique_name(prefix: &str) -> String {
    format!("{prefix}-{}", uuid::Uuid::new_v4().simple())
}

/// The SDK clients for the emulators, or `None` (skip) outside CI.
pub async fn aws_clients_or_skip() -> Option<AwsClients> {
    if std::env::var("THINK_TANK_EMULATORS").as_deref() != Ok("1") {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("CI=true but THINK_TANK_EMULATORS is not 1: emulator tests must not be skipped in CI");
        }
        eprintln!(
            "skipped: emulators not running (run infra/test.sh, or set THINK_TANK_EMULATORS=1)"
        );
        return None;
    }
    for var in [
        "AWS_ENDPOINT_URL_DYNAMODB",
        "AWS_ENDPOINT_URL_SQS",
        "AWS_ENDPOINT_URL_S3",
        "AWS_ENDPOINT_URL_SNS",
    ] {
        let endpoint = std::env::var(var).unwrap_or_default();
        assert!(
            endpoint.starts_with("http://127.0.0.1") || endpoint.starts_with("http://localhost"),
            "{var} must point at a local emulator, got {endpoint:?}"
        );
    }
    Some(AwsClients::from_env().await)
}

/// The local OpenID Connect provider (`infra/oidc/provider.mjs`, started with
/// the emulators), or `None` (skip) outside CI.
pub fn oidc_issuer_or_skip() -> Option<String> {
    match std::env::var("OIDC_TEST_ISSUER") {
        Ok(issuer) if !issuer.is_empty() => Some(issuer),
        _ if std::env::var("CI").as_deref() == Ok("true") => {
            panic!(
                "CI=true but OIDC_TEST_ISSUER is not set: provider tests must not be skipped in CI"
            )
        }
        _ => {
            eprintln!(
                "skipped: the OpenID Connect test provider is not running (run infra/test.sh)"
            );
            None
        }
    }
}
