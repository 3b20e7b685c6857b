//! Cold start, per kind of function: from starting the function's binary
//! to its first poll of the Lambda Runtime API (a small emulator here), with
//! config and secrets read from Secrets Manager (moto) and the DynamoDB
//! connection warmed (DynamoDB Local). Needs the emulators:
//! `eval "$(infra/emulators/start.sh)" && cargo bench -p think-tank-lambda --bench init`
//! (`INIT_BENCH_BINARIES=<directory>` times another build's binaries).

use std::process::Stdio;
use std::time::{Duration, Instant};

use adapters::aws::provision::{create_email_queues, create_table_without_stream};
use adapters::aws::AwsClients;
use criterion::{criterion_group, criterion_main, Criterion};
use shared::config::keys::SigningKey;
use think_tank_core::crypto::{b64url_encode, random_bytes};
use tokio::io::AsyncReadExt;
use tokio::net::TcpListener;
use tokio::process::Command;

/// The functions measured: one of each kind.
const KINDS: [(&str, &str); 6] = [
    ("me", "HTTP, DynamoDB only"),
    ("login", "HTTP, mints tokens (signing-key secret), SQS"),
    ("register", "HTTP, SQS"),
    ("files-create", "HTTP, S3 presign"),
    ("oidc-authorize", "HTTP, provider discovery"),
    ("email-worker", "SQS worker, SES and SNS"),
];

/// Everything a deployed function finds in its environment, pointing at the emulators.
async fn environment(clients: &AwsClients) -> Vec<(String, String)> {
    let name = format!("init-bench-{}", std::process::id());
    create_table_without_stream(clients, &name).await.unwrap();
    let queues = create_email_queues(clients, &name).await.unwrap();
    clients
        .s3()
        .create_bucket()
        .bucket(&name)
        .send()
        .await
        .unwrap();
    let secret = || b64url_encode(&random_bytes(32));
    let (signing, public) = SigningKey::generate("bench").unwrap();
    let shared_secret = serde_json::json!({ "APP_SECRET": secret(), "IP_HASH_PEPPER": secret() });
    let signing_secret = serde_json::json!({ "JWT_SIGNING_KEY": signing });
    let issuer = std::env::var("OIDC_TEST_ISSUER").unwrap_or_default();
    let providers =
        serde_json::json!([{ "name": "local", "issuer": issuer, "client_id": "think-tank" }]);
    vec![
        ("BACKEND".into(), "aws".into()),
        ("TABLE_NAME".into(), name.clone()),
        ("EMAIL_QUEUE_URL".into(), queues.queue_url),
        ("BUCKET_NAME".into(), name.clone()),
        ("JWT_PUBLIC_KEYS".into(), public),
        (
            "SECRETS_ARN".into(),
            create_secret(clients, &format!("{name}-app"), shared_secret).await,
        ),
        (
            "SIGNING_KEY_SECRET_ARN".into(),
            create_secret(clients, &format!("{name}-signing"), signing_secret).await,
        ),
        ("OIDC_PROVIDERS".into(), providers.to_string()),
        ("EMAIL_DELIVERY".into(), "ses".into()),
        ("AWS_LAMBDA_LOG_LEVEL".into(), "WARN".into()),
    ]
}

async fn create_secret(clients: &AwsClients, name: &str, value: serde_json::Value) -> String {
    let client = aws_sdk_secretsmanager::Client::new(&clients.sdk);
    let created = client
        .create_secret()
        .name(name)
        .secret_string(value.to_string());
    created.send().await.unwrap().arn().unwrap().to_string()
}

/// One cold start of `handler`: spawn, wait for the first `next` poll, kill.
async fn cold_start(env: &[(String, String)], handler: &str) -> Duration {
    let runtime_api = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = runtime_api.local_addr().unwrap().to_string();
    let started = Instant::now();
    let mut child = Command::new(binary(handler))
        .envs(env.iter().cloned())
        .env("_HANDLER", handler)
        .env("AWS_LAMBDA_RUNTIME_API", &address)
        .env("AWS_LAMBDA_FUNCTION_NAME", handler)
        .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "256")
        .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        .env("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/bench")
        .env("AWS_LAMBDA_LOG_STREAM_NAME", "bench")
        .stdout(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let polled = tokio::select! {
        polled = first_poll(&runtime_api) => polled,
        status = child.wait() => panic!("{handler} exited before polling: {status:?}"),
    };
    let elapsed = polled - started;
    child.kill().await.unwrap();
    elapsed
}

/// The binary that runs `handler`, from this build or from the directory
/// `INIT_BENCH_BINARIES` (another build's, to compare two builds in one run).
fn binary(handler: &str) -> String {
    let name = think_tank_lambda::binary_of(handler).unwrap().name;
    let built = match name {
        "think-tank-accounts" => env!("CARGO_BIN_EXE_think-tank-accounts"),
        "think-tank-mfa" => env!("CARGO_BIN_EXE_think-tank-mfa"),
        "think-tank-providers" => env!("CARGO_BIN_EXE_think-tank-providers"),
        "think-tank-board" => env!("CARGO_BIN_EXE_think-tank-board"),
        "think-tank-files" => env!("CARGO_BIN_EXE_think-tank-files"),
        _ => env!("CARGO_BIN_EXE_think-tank-email"),
    };
    match std::env::var("INIT_BENCH_BINARIES") {
        Ok(dir) => format!("{dir}/{name}"),
        Err(_) => built.into(),
    }
}

/// When the process first asks the Runtime API for an invocation.
async fn first_poll(listener: &TcpListener) -> Instant {
    loop {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut buf = vec![0u8; 1024];
        let n = socket.read(&mut buf).await.unwrap();
        if String::from_utf8_lossy(&buf[..n]).contains("/runtime/invocation/next") {
            return Instant::now();
        }
    }
}

fn init(c: &mut Criterion) {
    if std::env::var("THINK_TANK_EMULATORS").is_err() {
        eprintln!("init bench: start the emulators first (infra/emulators/start.sh)");
        return;
    }
    let rt = tokio::runtime::Runtime::new().unwrap();
    let env = rt.block_on(async { environment(&AwsClients::from_env().await).await });
    let mut group = c.benchmark_group("init");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(5));
    for (handler, kind) in KINDS {
        eprintln!("{handler}: {kind}");
        group.bench_function(handler, |b| {
            b.to_async(&rt).iter_custom(|n| {
                let env = env.clone();
                async move {
                    let mut total = Duration::ZERO;
                    for _ in 0..n {
                        total += cold_start(&env, handler).await;
                    }
                    total
                }
            })
        });
    }
    group.finish();
}

criterion_group!(benches, init);
criterion_main!(benches);
