//! Deployed functions read their secrets from Secrets Manager (moto here)
//! once per cold start: every function the shared secret, only the functions
//! that mint tokens the signing key. Without them they refuse to start.

use std::collections::HashMap;

use adapters::aws::AwsClients;
use secrecy::ExposeSecret;
use shared::config::keys::SigningKey;
use shared::runtime::deployed_config;

async fn secret(clients: &AwsClients, value: serde_json::Value) -> String {
    let client = aws_sdk_secretsmanager::Client::new(&clients.sdk);
    let created = client
        .create_secret()
        .name(e2e::unique_name("think-tank"))
        .secret_string(value.to_string())
        .send()
        .await
        .expect("create the secret in moto");
    created.arn().unwrap().to_string()
}

#[tokio::test]
async fn deployed_config_reads_the_shared_secret_and_only_minters_the_signing_key() {
    let Some(clients) = e2e::aws_clients_or_skip().await else {
        return;
    };
    let (private, public) = SigningKey::generate("k1").unwrap();
    let filler = "A".repeat(43);
    let shared = secret(
        &clients,
        serde_json::json!({
            "APP_SECRET": filler,
            "IP_HASH_PEPPER": filler,
            "JWT_SIGNING_KEY": private,
            "MFA_ENCRYPTION_KEY": filler,
            "UNRELATED": "ignored",
        }),
    )
    .await;
    let signing = secret(&clients, serde_json::json!({ "JWT_SIGNING_KEY": private })).await;
    let verifier = HashMap::from([
        ("SECRETS_ARN".to_string(), shared.clone()),
        ("JWT_PUBLIC_KEYS".to_string(), public.clone()),
    ]);
    let config = deployed_config(verifier.clone(), &clients)
        .await
        .expect("config with secrets");
    assert_eq!(config.jwt_public_keys[0].kid, "k1");
    assert!(
        config.jwt_signing_key.is_none(),
        "the shared secret never hands out the signing key"
    );
    assert!(config.mfa_encryption_key.is_none(), "nor the TOTP seed key");
    let seeds = secret(
        &clients,
        serde_json::json!({ "MFA_ENCRYPTION_KEY": filler }),
    )
    .await;
    let mut seed_handler = verifier.clone();
    seed_handler.insert("MFA_KEY_SECRET_ARN".into(), seeds);
    let config = deployed_config(seed_handler, &clients).await.unwrap();
    assert!(config.mfa_encryption_key.is_some());
    let mut minter = verifier;
    minter.insert("SIGNING_KEY_SECRET_ARN".into(), signing);
    let config = deployed_config(minter, &clients).await.unwrap();
    assert_eq!(config.jwt_signing_key.map(|k| k.kid).as_deref(), Some("k1"));

    let missing = deployed_config(HashMap::new(), &clients)
        .await
        .err()
        .expect("no keys, no start");
    assert!(missing.to_string().contains("JWT_PUBLIC_KEYS"));
    let wrong = HashMap::from([(
        "SECRETS_ARN".to_string(),
        "arn:aws:secretsmanager:us-east-1:123456789012:secret:nope".to_string(),
    )]);
    let unreadable = deployed_config(wrong, &clients)
        .await
        .err()
        .expect("an unreadable secret");
    assert!(unreadable.to_string().contains("SECRETS_ARN"));
}

#[tokio::test]
async fn only_the_callback_reads_the_provider_client_secrets_whole() {
    let Some(clients) = e2e::aws_clients_or_skip().await else {
        return;
    };
    let (_, public) = SigningKey::generate("k1").unwrap();
    let filler = "A".repeat(43);
    let shared = serde_json::json!({ "APP_SECRET": filler, "IP_HASH_PEPPER": filler });
    let providers = serde_json::json!({ "google": "g-secret", "gitlab": "l-secret" });
    let vars = HashMap::from([
        ("SECRETS_ARN".to_string(), secret(&clients, shared).await),
        ("JWT_PUBLIC_KEYS".to_string(), public),
    ]);
    let config = deployed_config(vars.clone(), &clients).await.unwrap();
    assert!(config.oidc_client_secrets.is_empty());

    let mut callback = vars;
    let arn = secret(&clients, providers).await;
    callback.insert("OIDC_SECRETS_ARN".into(), arn);
    let config = deployed_config(callback, &clients).await.unwrap();
    let mut names: Vec<_> = config.oidc_client_secrets.keys().cloned().collect();
    names.sort();
    assert_eq!(names, ["gitlab", "google"]);
    let google = &config.oidc_client_secrets["google"];
    assert_eq!(secrecy::ExposeSecret::expose_secret(google), "g-secret");
}

/// What a cold start builds: region, credentials and the emulators'
/// endpoints from the environment alone, with one bundle of roots.
#[tokio::test]
async fn a_lambdas_sdk_configuration_comes_from_its_environment_alone() {
    let Some(emulators) = e2e::aws_clients_or_skip().await else {
        return;
    };
    let pepper = think_tank_core::crypto::random_bytes(32);
    let value = serde_json::json!({
        "APP_SECRET": "A".repeat(43),
        "IP_HASH_PEPPER": think_tank_core::crypto::b64url_encode(&pepper),
    });
    let arn = secret(&emulators, value).await;
    let clients = AwsClients::for_lambda().await;
    assert_eq!(
        Some(clients.region.as_str()),
        emulators.sdk.region().map(|r| r.as_ref())
    );
    let (_, public) = SigningKey::generate("k1").unwrap();
    let vars = HashMap::from([
        ("SECRETS_ARN".to_string(), arn),
        ("JWT_PUBLIC_KEYS".to_string(), public),
    ]);
    let config = deployed_config(vars, &clients)
        .await
        .expect("the secret, read");
    assert_eq!(config.ip_hash_pepper.expose_secret(), pepper.as_slice());
    let tables = clients.dynamodb().list_tables().send().await;
    assert!(
        tables.is_ok(),
        "DynamoDB through AWS_ENDPOINT_URL_DYNAMODB: {tables:?}"
    );
}
