//! Fan-out: one chat broadcast to 1,000 WebSocket connections on the local
//! gateway (memory backend); time from send to the last delivery.
//! Bounded: 1,000 connections, 5 rounds, 30 s timeout per round.
//! Run: `cargo bench -p local --bench fanout`.

use std::time::{Duration, Instant};

use futures::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::Message;

#[path = "support/socket.rs"]
mod socket;
#[path = "support/mod.rs"]
mod support;

const CONNECTIONS: usize = 1000;
const ROUNDS: usize = 5;
const OUTBOX: &str = "/tmp/think-tank-fanout";

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let running = support::gateway(OUTBOX).await?;
    let base = format!("http://{}", running.http_addr);
    let login = support::signed_in(&base, OUTBOX, "fan@example.com").await?;
    let token = support::access_token(&login);
    let workspace_id = support::workspace(&base, &token, "Fan-out").await?;

    let mut sockets = Vec::with_capacity(CONNECTIONS);
    for _ in 0..CONNECTIONS {
        sockets.push(socket::socket(running.ws_addr, &running.app, &login).await?);
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
