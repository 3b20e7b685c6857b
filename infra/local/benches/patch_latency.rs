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

#[path = "support/mod.rs"]
mod support;

const SOCKETS: usize = 2000;
const PATCHES: usize = 300;
const OUTBOX: &str = "/tmp/think-tank-patch-latency";

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
    let running = support::gateway(OUTBOX).await?;
    let base = format!("http://{}", running.http_addr);
    let http = reqwest::Client::new();
    let login = support::signed_in(&base, OUTBOX, "crowd@example.com").await?;
    let token = login["access_token"]
        .as_str()
        .unwrap_or_default()
        .to_string();
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

    let received = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    for _ in 0..SOCKETS {
        let mut socket = support::socket(&running, &login).await?;
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
