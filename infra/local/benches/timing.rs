//! Does the answer time tell whether an account exists? Login with a wrong
//! password for a registered email vs. an unknown one, and `password/forgot`
//! for both, sequentially through the local gateway; prints the median and
//! mean of each and their difference. Every request uses a fresh address, so
//! no lockout or per-address budget interferes. Memory backend, or DynamoDB
//! Local + moto when `THINK_TANK_EMULATORS=1` (`eval "$(infra/emulators/start.sh)"`
//! first); or any running gateway with `TIMING_BASE_URL=http://127.0.0.1:3000`
//! (to compare two builds). Bounded: 60 requests per case.
//! Run: `cargo bench -p local --bench timing`.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use shared::adapters::aws::provision::{create_email_queues, create_table};
use shared::adapters::aws::AwsClients;
use shared::clock::SystemClock;
use shared::config::MissingSecrets;
use shared::Config;

const SAMPLES: usize = 60;

async fn vars() -> anyhow::Result<HashMap<String, String>> {
    let mut vars: HashMap<String, String> = [
        ("IP_RATE_LIMIT", "1000000000"),
        ("LOCKOUT_THRESHOLD", "1000"),
        ("LOCAL_OUTBOX_DIR", "/tmp/think-tank-timing"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    if std::env::var("THINK_TANK_EMULATORS").as_deref() == Ok("1") {
        let clients = AwsClients::from_env().await;
        let name = format!("timing-{}", uuid::Uuid::new_v4().simple());
        create_table(&clients, &name).await?;
        let queues = create_email_queues(&clients, &name).await?;
        vars.insert("BACKEND".into(), "aws".into());
        vars.insert("TABLE_NAME".into(), name);
        vars.insert("EMAIL_QUEUE_URL".into(), queues.queue_url);
    }
    Ok(vars)
}

fn stats(samples: &mut [Duration]) -> (f64, f64) {
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let mean = samples.iter().map(|d| ms(*d)).sum::<f64>() / samples.len() as f64;
    (ms(samples[samples.len() / 2]), mean)
}

/// The gateway to measure: the one named by `TIMING_BASE_URL`, or one started here.
async fn gateway() -> anyhow::Result<(String, String, Option<local::Running>)> {
    if let Ok(base) = std::env::var("TIMING_BASE_URL") {
        return Ok((base, "external".into(), None));
    }
    let vars = vars().await?;
    let backend = vars.get("BACKEND").cloned().unwrap_or("memory".into());
    let running = local::start(local::Settings {
        config: Config::from_map(&vars, MissingSecrets::GenerateEphemeral)?,
        http_addr: "127.0.0.1:0".parse()?,
        ws_addr: "127.0.0.1:0".parse()?,
        clock: Arc::new(SystemClock),
    })
    .await?;
    Ok((format!("http://{}", running.http_addr), backend, Some(running)))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let (base, backend, _running) = gateway().await?;
    let http = reqwest::Client::new();
    let run = uuid::Uuid::new_v4().simple().to_string();
    let known = |i: usize| format!("known-{i}-{}@example.com", &run[..8]);
    let unknown = |i: usize| format!("unknown-{i}-{}@example.com", &run[..8]);
    for i in 0..SAMPLES * 2 {
        let account = serde_json::json!({ "email": known(i), "password": "the right password", "name": "Timing" });
        http.post(format!("{base}/v1/auth/register")).json(&account).send().await?;
    }

    println!("gateway: {backend}, {SAMPLES} sequential requests per case and address kind");
    println!("| case | registered: median / mean | unknown: median / mean | difference of means |");
    println!("| --- | --- | --- | --- |");
    for (n, (case, path, body)) in [
        ("login, wrong password", "/v1/auth/login", r#"{"email":"EMAIL","password":"not the password"}"#),
        ("password/forgot", "/v1/auth/password/forgot", r#"{"email":"EMAIL"}"#),
    ]
    .into_iter()
    .enumerate()
    {
        let mut registered = Vec::with_capacity(SAMPLES);
        let mut nobody = Vec::with_capacity(SAMPLES);
        for i in 0..SAMPLES * 2 {
            let sample = n * SAMPLES + i / 2;
            let (email, into) = if i % 2 == 0 {
                (known(sample), &mut registered)
            } else {
                (unknown(sample), &mut nobody)
            };
            let started = Instant::now();
            let res = http
                .post(format!("{base}{path}"))
                .header("content-type", "application/json")
                .body(body.replace("EMAIL", &email))
                .send()
                .await?;
            res.bytes().await?;
            into.push(started.elapsed());
        }
        let (km, ka) = stats(&mut registered);
        let (um, ua) = stats(&mut nobody);
        println!("| {case} | {km:.2} / {ka:.2} ms | {um:.2} / {ua:.2} ms | {:+.2} ms |", ka - ua);
    }
    Ok(())
}
