//! Fan-out: one chat broadcast to 1,000 WebSocket connections on the local
//! gateway (memory backend); time from send to the last delivery.
//! Bounded: 1,000 connections, 5 rounds, 30 s timeout per round.
//! Run: `cargo bench -p local --bench fanout`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::{SinkExt, StreamExt};
use shared::config::MissingSecrets;
use shared::Config;
use think_tank_core::clock::SystemClock;
use tokio_tungstenite::tungstenite::Message;

const CONNECTIONS: usize = 1000;
const ROUNDS: usize = 5;
const OUTBOX: &str = "/tmp/think-tank-fanout";

/// The token of the newest verification email to `to` (sign-in needs a verified email).
async fn verification_token(outbox: &str, to: &str) -> anyhow::Result<String> {
    for _ in 0..100 {
        let mut mails: Vec<_> = std::fs::read_dir(outbox)?
            .filter_map(Result::ok)
            .filter(|e| {
                e.file_name()
                    .to_string_lossy()
                    .ends_with(&format!("{to}.eml"))
            })
            .map(|e| e.path())
            .collect();
        mails.sort();
        if let Some(mail) = mails.last() {
            let text = std::fs::read_to_string(mail)?;
            let start = text.find("token=").map(|i| i + "token=".len());
            let token: String = text[start.unwrap_or(text.len())..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                .collect();
            return Ok(token);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    anyhow::bail!("no verification email reached {to}")
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let vars = [
        ("IP_RATE_LIMIT", "1000000"),
        ("LOCAL_OUTBOX_DIR", OUTBOX),
        ("LOCAL_HTTP_ADDR", "127.0.0.1:0"),
        ("LOCAL_WS_ADDR", "127.0.0.1:0"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let config = Config::from_map(&vars, MissingSecrets::GenerateEphemeral)?;
    let local = shared::config::LocalConfig::from_map(&vars)?;
    let running = local::start(local::Settings {
        config,
        local,
        clock: Arc::new(SystemClock),
    })
    .await?;
    let base = format!("http://{}", running.http_addr);
    let http = reqwest::Client::new();
    let body = serde_json::json!({ "email": "fan@example.com", "password": "fan out password", "name": "Fan" });
    http.post(format!("{base}/v1/auth/register"))
        .json(&body)
        .send()
        .await?;
    let token = verification_token(OUTBOX, "fan@example.com").await?;
    http.post(format!("{base}/v1/auth/verify-email"))
        .json(&serde_json::json!({ "token": token }))
        .send()
        .await?
        .error_for_status()?;
    let credentials = serde_json::json!({ "email": body["email"], "password": body["password"] });
    let login: serde_json::Value = http
        .post(format!("{base}/v1/auth/login"))
        .json(&credentials)
        .send()
        .await?
        .json()
        .await?;
    let token = login["access_token"]
        .as_str()
        .unwrap_or_default()
        .to_string();

    let workspace: serde_json::Value = http
        .post(format!("{base}/v1/workspaces"))
        .bearer_auth(&token)
        .json(&serde_json::json!({ "name": "Fan-out" }))
        .send()
        .await?
        .json()
        .await?;
    let workspace_id = workspace["workspace"]["id"].clone();

    let mut sockets = Vec::with_capacity(CONNECTIONS);
    for _ in 0..CONNECTIONS {
        let ticket: serde_json::Value = http
            .post(format!("{base}/v1/realtime/ticket"))
            .bearer_auth(&token)
            .send()
            .await?
            .json()
            .await?;
        let (socket, _) =
            tokio_tungstenite::connect_async(ticket["url"].as_str().unwrap_or_default()).await?;
        sockets.push(socket);
    }
    let (mut sender, receivers) = {
        let mut iter = sockets.into_iter();
        let first = iter.next().expect("one socket");
        (first, iter.collect::<Vec<_>>())
    };
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Instant>();
    for mut socket in receivers {
        let tx = tx.clone();
        tokio::spawn(async move {
            while let Some(Ok(message)) = socket.next().await {
                if matches!(message, Message::Text(_)) {
                    let _ = tx.send(Instant::now());
                }
            }
        });
    }
    let mut results = Vec::new();
    for round in 0..ROUNDS {
        let started = Instant::now();
        let text = serde_json::json!({ "action": "message", "workspace_id": workspace_id, "text": format!("round {round}") });
        sender.send(Message::text(text.to_string())).await?;
        let mut last = started;
        for _ in 0..CONNECTIONS - 1 {
            last = tokio::time::timeout(Duration::from_secs(30), rx.recv())
                .await?
                .unwrap_or(last);
        }
        while let Some(Ok(m)) = tokio::time::timeout(Duration::from_millis(1), sender.next())
            .await
            .ok()
            .flatten()
        {
            drop(m);
        }
        results.push(last - started);
        println!(
            "round {round}: last of {} deliveries after {:?}",
            CONNECTIONS,
            last - started
        );
    }
    results.sort();
    println!(
        "fanout to {CONNECTIONS} connections: min {:?}, median {:?}, max {:?}",
        results[0],
        results[ROUNDS / 2],
        results[ROUNDS - 1]
    );
    running.stop().await;
    Ok(())
}
