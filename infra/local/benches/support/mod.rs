//! What the gateway benchmarks share: a release gateway on the memory
//! backend, and one verified, signed-in user.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};
use shared::config::MissingSecrets;
use shared::Config;
use think_tank_core::clock::SystemClock;

/// The gateway on free ports, its emails in `outbox`, no per-IP limit.
pub async fn gateway(outbox: &str) -> anyhow::Result<local::Running> {
    let _ = std::fs::remove_dir_all(outbox);
    let vars = [
        ("IP_RATE_LIMIT", "1000000"),
        ("LOCAL_OUTBOX_DIR", outbox),
        ("LOCAL_HTTP_ADDR", "127.0.0.1:0"),
        ("LOCAL_WS_ADDR", "127.0.0.1:0"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let config = Config::from_map(&vars, MissingSecrets::GenerateEphemeral)?;
    let local = shared::config::LocalConfig::from_map(&vars)?;
    let clock = Arc::new(SystemClock);
    local::start(local::Settings {
        config,
        local,
        clock,
    })
    .await
}

/// Registers `email`, follows its verification link, and signs in: the
/// login answer (`access_token`, `user`, `session_id`).
pub async fn signed_in(base: &str, outbox: &str, email: &str) -> anyhow::Result<Value> {
    let http = reqwest::Client::new();
    let account = json!({ "email": email, "password": "a benchmark password", "name": "Bench" });
    let register = http.post(format!("{base}/v1/auth/register")).json(&account);
    register.send().await?.error_for_status()?;
    let verify = json!({ "token": verification_token(outbox, email).await? });
    let verified = http
        .post(format!("{base}/v1/auth/verify-email"))
        .json(&verify);
    verified.send().await?.error_for_status()?;
    let credentials = json!({ "email": email, "password": account["password"] });
    let login = http
        .post(format!("{base}/v1/auth/login"))
        .json(&credentials);
    Ok(login.send().await?.error_for_status()?.json().await?)
}

/// The access token of a login answer.
pub fn access_token(login: &Value) -> String {
    login["access_token"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// A new workspace named `name`, created with `token`: its id.
pub async fn workspace(base: &str, token: &str, name: &str) -> anyhow::Result<String> {
    let create = reqwest::Client::new()
        .post(format!("{base}/v1/workspaces"))
        .bearer_auth(token)
        .json(&json!({ "name": name }));
    let created: Value = create.send().await?.error_for_status()?.json().await?;
    Ok(created["workspace"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_string())
}

/// The token of the newest verification email to `to`.
async fn verification_token(outbox: &str, to: &str) -> anyhow::Result<String> {
    for _ in 0..100 {
        let mut mails: Vec<_> = std::fs::read_dir(outbox)
            .into_iter()
            .flatten()
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.to_string_lossy().ends_with(&format!("{to}.eml")))
            .collect();
        mails.sort();
        if let Some(mail) = mails.last() {
            let text = std::fs::read_to_string(mail)?;
            let start = text
                .find("token=")
                .map_or(text.len(), |i| i + "token=".len());
            return Ok(text[start..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                .collect());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    anyhow::bail!("no verification email reached {to}")
}
