//! Deployed functions read their signing keys and pepper from Secrets Manager
//! (moto here) once per cold start; without them they refuse to start.

use std::collections::HashMap;

use shared::runtime::deployed_config;

#[tokio::test]
async fn deployed_config_reads_the_secret_named_by_secrets_arn() {
    let Some(clients) = e2e::aws_clients_or_skip().await else {
        return;
    };
    let client = aws_sdk_secretsmanager::Client::new(&clients.sdk);
    let key = "A".repeat(43);
    let secret = serde_json::json!({
        "JWT_SIGNING_KEYS": format!("k1:{key}"),
        "APP_SECRET": key,
        "IP_HASH_PEPPER": key,
        "UNRELATED": "ignored",
    });
    let created = client
        .create_secret()
        .name(e2e::unique_name("think-tank"))
        .secret_string(secret.to_string())
        .send()
        .await
        .expect("create the secret in moto");
    let arn = created.arn().unwrap().to_string();
    let vars = HashMap::from([("SECRETS_ARN".to_string(), arn)]);
    let config = deployed_config(vars, &clients)
        .await
        .expect("config with secrets");
    assert_eq!(config.jwt_keys[0].kid, "k1");

    let missing = deployed_config(HashMap::new(), &clients)
        .await
        .err()
        .expect("no secrets, no start");
    assert!(missing.to_string().contains("JWT_SIGNING_KEYS"));
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
