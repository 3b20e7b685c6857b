//! `PATCH` latency with and without a crowd of open sockets: a task `PATCH`
//! through the local gateway (memory backend), paced at 5 a second
//! (`PATCH_INTERVAL_MS`, default 200), first
//! with no socket open, then with 2,000 sockets of the workspace's member
//! open, each receiving every `task.updated`. The pushes come from the change
//! feed, so the second run should be within 20 % of the first.
//!
//! In AWS the pushes, the WebSocket side and the clients run on other
//! machines than the route's function. Here they share two cores, so with
//! `APART=idle` (the default) their threads (the gateway's `realtime` thread
//! and the clients' `clients` thread) get the idle scheduling class (`chrt
//! --idle`): they run whenever the route does not need the CPU, as on a
//! machine of their own. `APART=shared` leaves them at normal priority.
//! Bounded: 300 PATCHes per run (`PATCHES`), 2,000 sockets, 30 s timeouts.
//! Run: `cargo bench -p local --bench patch_latency`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::StreamExt;
use serde_json::{json, Value};

#[path = "support/socket.rs"]
mod socket;
#[path = "support/mod.rs"]
mod support;

const SOCKETS: usize = 2000;
/// `PATCHES` per run unless the variable says otherwise.
const PATCHES: usize = 300;

fn patches() -> usize {
    let set = std::env::var("PATCHES").ok().and_then(|v| v.parse().ok());
    set.unwrap_or(PATCHES)
}
const OUTBOX: &str = "/tmp/think-tank-patch-latency";

async fn patch_latencies(
    http: &reqwest::Client,
    task: &str,
    token: &str,
) -> anyhow::Result<Vec<Duration>> {
    let mut latencies = Vec::with_capacity(patches());
    let every = std::env::var("PATCH_INTERVAL_MS")
        .ok()
        .and_then(|v| v.parse().ok());
    let mut pace = tokio::time::interval(Duration::from_millis(every.unwrap_or(200)));
    for i in 0..patches() {
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
    let token = support::access_token(&login);
    let ws = support::workspace(&base, &token, "Crowd").await?;
    let tasks = format!("{base}/v1/workspaces/{ws}/tasks");
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
    let (opened, stop_clients) = crowd(&running, &login, received.clone())?;
    opened.await??;
    let idle = std::env::var("APART").map_or(true, |v| v != "shared");
    if idle {
        for thread in [local::apart::THREAD, CLIENTS] {
            let n = idle_priority(thread)?;
            println!("{n} `{thread}` thread(s) at idle priority");
        }
    }
    let crowded = patch_latencies(&http, &task, &token).await?;
    let expected = SOCKETS * patches();
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
    let _ = stop_clients.send(());
    running.stop().await;
    Ok(())
}

const CLIENTS: &str = "clients";

type Opened = tokio::sync::oneshot::Receiver<anyhow::Result<()>>;

/// Opens the sockets on a runtime of their own, on a thread named
/// [`CLIENTS`], each counting what it receives into `received`; they stay
/// open until the returned sender is used or dropped.
fn crowd(
    running: &local::Running,
    login: &Value,
    received: Arc<std::sync::atomic::AtomicUsize>,
) -> anyhow::Result<(Opened, tokio::sync::oneshot::Sender<()>)> {
    let (ws_addr, app, login) = (running.ws_addr, running.app.clone(), login.clone());
    let (ready, opened) = tokio::sync::oneshot::channel();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    std::thread::Builder::new()
        .name(CLIENTS.to_string())
        .spawn(move || {
            runtime.block_on(async move {
                let open = async {
                    for _ in 0..SOCKETS {
                        let mut socket = socket::socket(ws_addr, &app, &login).await?;
                        let received = received.clone();
                        tokio::spawn(async move {
                            while let Some(Ok(_)) = socket.next().await {
                                received.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                            }
                        });
                    }
                    anyhow::Ok(())
                };
                let _ = ready.send(open.await);
                let _ = stopped.await;
            })
        })?;
    Ok((opened, stop))
}

/// Puts every thread of this process named `name` in the idle scheduling
/// class; how many there were.
fn idle_priority(name: &str) -> anyhow::Result<usize> {
    let mut count = 0;
    for entry in std::fs::read_dir("/proc/self/task")? {
        let task = entry?.path();
        if std::fs::read_to_string(task.join("comm"))?.trim() != name {
            continue;
        }
        let tid = task
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        let status = std::process::Command::new("chrt")
            .args(["--idle", "--pid", "0", &tid])
            .status()?;
        anyhow::ensure!(status.success(), "chrt --idle on thread {tid} failed");
        count += 1;
    }
    anyhow::ensure!(count > 0, "no thread named {name}");
    Ok(count)
}
