//! A write that committed answers success even when what follows it fails:
//! here the email queue is down for every request.

use std::sync::Arc;

use adapters::outbox::OutboxSender;
use async_trait::async_trait;
use local_adapters::blobs::LocalBlobs;
use local_adapters::memory::MemoryStore;
use serde_json::json;
use shared::config::MissingSecrets;
use shared::Config;
use think_tank_core::clock::ManualClock;
use think_tank_core::email::EmailJob;
use think_tank_core::error::{StoreError, StoreResult};
use think_tank_core::ports::{EmailQueue, Probe};
use think_tank_core::App;

use crate::calls::{event, workspace_with, TASKS_ROUTE, TASK_ROUTE};
use crate::fixtures::{body_json, login_event, register_verified_event, request};

struct DownQueue;

#[async_trait]
impl Probe for DownQueue {
    async fn ping(&self) -> StoreResult<()> {
        Err(StoreError::Unavailable(anyhow::anyhow!("queue down")))
    }
}

#[async_trait]
impl EmailQueue for DownQueue {
    async fn enqueue(&self, _job: &EmailJob) -> StoreResult<()> {
        Err(StoreError::Unavailable(anyhow::anyhow!("queue down")))
    }
}

pub fn app_with_queue_down() -> Arc<App> {
    let outbox = std::env::temp_dir().join(e2e::unique_name("down-outbox"));
    let vars = [("LOCAL_OUTBOX_DIR".to_string(), outbox.display().to_string())].into();
    let config = Config::from_map(&vars, MissingSecrets::GenerateEphemeral).unwrap();
    let clock = Arc::new(ManualClock::starting_now());
    let local = shared::config::LocalConfig::from_map(&vars).unwrap();
    let blobs = Arc::new(LocalBlobs::new(&config, &local, clock.clone()));
    let sender = Arc::new(OutboxSender::new(&local.outbox_dir));
    let app = shared::wiring::assemble(
        config,
        Arc::new(MemoryStore::default()),
        Arc::new(DownQueue),
        sender,
        blobs,
        clock,
    );
    Arc::new(app)
}

/// Registers, logs in: (register status, access token, user id).
pub async fn register_and_login(app: &Arc<App>, email: &str) -> (u16, String, String) {
    let status = register_verified_event(app, email).await;
    let (_, login) = login_event(app, email).await;
    let token = login["access_token"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let id = login["user"]["id"].as_str().unwrap_or_default().to_string();
    (status, token, id)
}

#[tokio::test]
async fn registration_succeeds_when_the_verification_email_cannot_be_queued() {
    let app = app_with_queue_down();
    let (status, token, _) = register_and_login(&app, "queued@example.com").await;
    assert_eq!(status, 201);
    assert!(!token.is_empty(), "the account exists and logs in");
}

#[tokio::test]
async fn an_applied_assignment_answers_success_once_even_if_its_email_fails() {
    let app = app_with_queue_down();
    let (_, token, _) = register_and_login(&app, "owner@example.com").await;
    let (_, _, assignee) = register_and_login(&app, "assignee@example.com").await;
    let create = json!({ "title": "Ship it", "assignee_id": assignee });
    let tasks_path = workspace_with(&app, &token, &[&assignee]).await;
    let e = event("POST", &tasks_path, TASKS_ROUTE, &token, Some(create));
    let (status, _, created) =
        body_json((tasks::TASKS_CREATE.handler)(app.clone(), request(&e)).await).await;
    assert_eq!(status, 201, "{created}");
    let path = format!("{tasks_path}/{}", created["task"]["id"].as_str().unwrap());
    let change = json!({ "assignee_id": null });
    let e = event("PATCH", &path, TASK_ROUTE, &token, Some(change));
    body_json((tasks::TASK_UPDATE.handler)(app.clone(), request(&e)).await).await;
    let reassign = json!({ "assignee_id": assignee });
    let e = event("PATCH", &path, TASK_ROUTE, &token, Some(reassign));
    let (status, _, updated) =
        body_json((tasks::TASK_UPDATE.handler)(app.clone(), request(&e)).await).await;
    assert_eq!(
        (status, updated["task"]["version"].as_u64()),
        (200, Some(3))
    );
}
