//! The auth hot path of every authenticated request: JWT verification plus the
//! revocation check, and the Argon2id cost that bounds login throughput.
//! Run: `cargo bench -p shared --bench auth_hot_path`.

use std::collections::HashMap;
use std::sync::Arc;

use criterion::{criterion_group, criterion_main, Criterion};
use secrecy::SecretString;
use shared::config::MissingSecrets;
use shared::Config;
use think_tank_core::auth::password;
use think_tank_core::clock::{Clock, SystemClock};
use think_tank_core::domain::{LiveJti, Role};
use think_tank_core::App;

fn app() -> App {
    let config = Config::from_map(&HashMap::new(), MissingSecrets::GenerateEphemeral).unwrap();
    let local = shared::config::LocalConfig::from_map(&HashMap::new()).unwrap();
    local_adapters::in_memory(config, &local, Arc::new(SystemClock)).0
}

fn hot_path(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let app = app();
    let now = SystemClock.now_secs();
    let revoked: Vec<LiveJti> = (0..10_000)
        .map(|i| LiveJti {
            jti: format!("revoked-{i}"),
            expires_at: now + 900,
        })
        .collect();
    rt.block_on(app.core.store.revoke_tokens(&revoked)).unwrap();
    let token = app
        .core
        .tokens
        .issue(&"user-1".into(), &"session-1".into(), Role::User, now)
        .unwrap()
        .token;

    c.bench_function("jwt_verify", |b| {
        b.iter(|| app.core.tokens.verify(&token, now).unwrap())
    });
    c.bench_function("jwt_verify_and_revocation_check", |b| {
        b.to_async(&rt).iter(|| async {
            let claims = app.core.tokens.verify(&token, now).unwrap();
            assert!(!app.core.store.is_revoked(&claims.jti, now).await.unwrap());
        })
    });
}

fn password_cost(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let phc = rt
        .block_on(password::hash(SecretString::from(
            "correct horse battery".to_string(),
        )))
        .unwrap();
    let mut group = c.benchmark_group("argon2id");
    group.sample_size(20);
    group.bench_function("verify_one_password", |b| {
        b.to_async(&rt).iter(|| async {
            let secret = SecretString::from("correct horse battery".to_string());
            assert!(password::verify(secret, Some(phc.clone())).await.unwrap());
        })
    });
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    group.bench_function(format!("verify_{cores}_passwords_in_parallel"), |b| {
        b.to_async(&rt).iter(|| async {
            let checks = (0..cores).map(|_| {
                let secret = SecretString::from("correct horse battery".to_string());
                password::verify(secret, Some(phc.clone()))
            });
            for ok in futures::future::join_all(checks).await {
                assert!(ok.unwrap());
            }
        })
    });
    group.finish();
}

criterion_group!(benches, hot_path, password_cost);
criterion_main!(benches);
