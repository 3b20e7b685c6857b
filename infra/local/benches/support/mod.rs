//! What the gateway benchmarks share: a release gateway on the memory
//! backend, and one verified, signed-in user.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};
use shared::config::MissingSecrets;
use shared::Config;
use think_tank_core::clock::{Clock, SystemClock};
use think_tank_core::crypto::{random_token, sha256_b64};

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

pub type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// A socket of the signed-in user's session at the gateway's WebSocket
/// address, its ticket minted in-process through the gateway's app: the
/// per-user ticket limit (10 a minute) is not what a benchmark measures.
pub async fn socket(
    ws_addr: std::net::SocketAddr,
    app: &think_tank_core::App,
    login: &Value,
) -> anyhow::Result<Socket> {
    let subject = format!(
        "{} {}",
        login["user"]["id"].as_str().unwrap_or_default(),
        login["session_id"].as_str().unwrap_or_default()
    );
    let ticket = random_token(32);
    let now = SystemClock.now_secs();
    let store = &app.core.store;
    store
        .put_once("ws_ticket", &sha256_b64(&ticket), &subject, now + 30, now)
        .await?;
    let url = format!("ws://{ws_addr}/?ticket={ticket}");
    Ok(tokio_tungstenite::connect_async(url).await?.0)
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
