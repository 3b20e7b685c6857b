//! `PATCH` latency with and without a crowd of open sockets: a task `PATCH`
//! through the local gateway (memory backend), paced at 20 a second
//! (`PATCH_INTERVAL_MS`, default 50), first
//! with no socket open, then with 2,000 sockets of the workspace's member
//! open, each receiving every `task.updated`. The pushes come from the change
//! feed, so the second run should be within 20 % of the first.
//! Bounded: 300 PATCHes per run, 2,000 sockets, 30 s timeouts.
//! Run: `cargo bench -p local --bench patch_latency`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::StreamExt;
use serde_json::{json, Value};
use shared::config::MissingSecrets;
use shared::Config;
use think_tank_core::clock::{Clock, SystemClock};
use think_tank_core::crypto::{random_token, sha256_b64};

const SOCKETS: usize = 2000;
const PATCHES: usize = 300;
const OUTBOX: &str = "/tmp/think-tank-patch-latency";

/// The `?token=` of the newest email to `to`.
fn token_in_outbox(to: &str) -> anyhow::Result<String> {
    let mut mails: Vec<_> = std::fs::read_dir(OUTBOX)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().ends_with(&format!("{to}.eml")))
        .collect();
    mails.sort();
    let text = std::fs::read_to_string(mails.last().ok_or(anyhow::anyhow!("no email"))?)?;
    let start = text
        .find("token=")
        .map_or(text.len(), |i| i + "token=".len());
    Ok(text[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect())
}

async fn patch_latencies(
    http: &reqwest::Client,
    task: &str,
    token: &str,
) -> anyhow::Result<Vec<Duration>> {
    let mut latencies = Vec::with_capacity(PATCHES);
    let every = std::env::var("PATCH_INTERVAL_MS")
        .ok()
        .and_then(|v| v.parse().ok());
    let mut pace = tokio::time::interval(Duration::from_millis(every.unwrap_or(50)));
    for i in 0..PATCHES {
        pace.tick().await;
        let started = Instant::now();
        let res = http
            .patch(task)
            .bearer_auth(token)
            .json(&json!({ "description": format!("edit {i}") }))
            .send()
            .await?;
        anyhow::ensure!(res.status() == 200, "PATCH answered {}", res.status());
        latencies.push(started.elapsed());
    }
    latencies.sort();
    Ok(latencies)
}

fn report(label: &str, sorted: &[Duration]) -> (Duration, Duration) {
    let p50 = sorted[sorted.len() / 2];
    let p99 = sorted[sorted.len() * 99 / 100];
    println!(
        "{label}: p50 {p50:?}, p99 {p99:?} ({} PATCHes)",
        sorted.len()
    );
    (p50, p99)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let _ = std::fs::remove_dir_all(OUTBOX);
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
    let email = "crowd@example.com";
    let account = json!({ "email": email, "password": "a crowd of sockets", "name": "Crowd" });
    http.post(format!("{base}/v1/auth/register"))
        .json(&account)
        .send()
        .await?;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let verify = json!({ "token": token_in_outbox(email)? });
    http.post(format!("{base}/v1/auth/verify-email"))
        .json(&verify)
        .send()
        .await?
        .error_for_status()?;
    let credentials = json!({ "email": email, "password": account["password"] });
    let login: Value = http
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
    let subject = format!(
        "{} {}",
        login["user"]["id"].as_str().unwrap_or_default(),
        login["session_id"].as_str().unwrap_or_default()
    );
    let created: Value = http
        .post(format!("{base}/v1/workspaces"))
        .bearer_auth(&token)
        .json(&json!({ "name": "Crowd" }))
        .send()
        .await?
        .json()
        .await?;
    let tasks = format!(
        "{base}/v1/workspaces/{}/tasks",
        created["workspace"]["id"].as_str().unwrap_or_default()
    );
    let task: Value = http
        .post(&tasks)
        .bearer_auth(&token)
        .json(&json!({ "title": "Hot" }))
        .send()
        .await?
        .json()
        .await?;
    let task = format!(
        "{tasks}/{}",
        task["task"]["id"].as_str().unwrap_or_default()
    );

    let quiet = patch_latencies(&http, &task, &token).await?;

    // Tickets minted in-process: the per-user ticket limit is not what is measured.
    let store = &running.app.core.store;
    let received = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    for _ in 0..SOCKETS {
        let ticket = random_token(32);
        let now = SystemClock.now_secs();
        store
            .put_once("ws_ticket", &sha256_b64(&ticket), &subject, now + 30, now)
            .await?;
        let url = format!("ws://{}/?ticket={ticket}", running.ws_addr);
        let (mut socket, _) = tokio_tungstenite::connect_async(url).await?;
        let received = received.clone();
        tokio::spawn(async move {
            while let Some(Ok(_)) = socket.next().await {
                received.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
        });
    }
    let crowded = patch_latencies(&http, &task, &token).await?;
    let expected = SOCKETS * PATCHES;
    let deadline = Instant::now() + Duration::from_secs(30);
    while received.load(std::sync::atomic::Ordering::Relaxed) < expected
        && Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    println!(
        "deliveries: {} of {expected}",
        received.load(std::sync::atomic::Ordering::Relaxed)
    );
    let (p50, p99) = report("0 sockets", &quiet);
    let (c50, c99) = report(&format!("{SOCKETS} sockets"), &crowded);
    println!(
        "with {SOCKETS} sockets: p50 x{:.2}, p99 x{:.2}",
        c50.as_secs_f64() / p50.as_secs_f64(),
        c99.as_secs_f64() / p99.as_secs_f64()
    );
    running.stop().await;
    Ok(())
}
