//! Fault injection against the emulators: DynamoDB Local and moto's SQS seen
//! through a link that can freeze or cut. A stuck or dead dependency answers
//! `503 unavailable` (never a 500, never a hang until the function times
//! out), nothing is half-written, and everything works once it is back.

use std::sync::Arc;
use std::time::Duration;

use adapters::aws::provision::{create_email_queues, create_table_without_stream};
use adapters::aws::AwsClients;
use e2e::faults::Link;
use shared::config::MissingSecrets;
use shared::Config;
use think_tank_core::clock::SystemClock;
use think_tank_core::App;

use crate::calls;
use crate::fixtures::{
    body_json, fixture_with, login_event, register_event, register_verified_event, request,
    with_body,
};

/// Longer than the SDK's timeouts allow a call to take, far shorter than the
/// link stays broken: answering inside it means the request did not hang.
const NO_HANG: Duration = Duration::from_secs(10);

struct Rig {
    app: Arc<App>,
    table: Link,
    queue: Link,
    queue_url: String,
    clients: AwsClients,
}

async fn rig() -> Option<Rig> {
    let clients = e2e::aws_clients_or_skip().await?;
    let table_name = e2e::unique_name("faults");
    create_table_without_stream(&clients, &table_name)
        .await
        .unwrap();
    let queues = create_email_queues(&clients, &e2e::unique_name("faults"))
        .await
        .unwrap();
    let table = Link::to(&std::env::var("AWS_ENDPOINT_URL_DYNAMODB").unwrap()).await;
    let queue = Link::to(&std::env::var("AWS_ENDPOINT_URL_SQS").unwrap()).await;
    let through = clients
        .clone()
        .with_dynamodb(table.dynamodb(&clients))
        .with_sqs(aws_sdk_sqs::Client::from_conf(
            aws_sdk_sqs::config::Builder::from(&clients.sdk)
                .endpoint_url(queue.url())
                .build(),
        ));
    let outbox = std::env::temp_dir().join(e2e::unique_name("faults-outbox"));
    let vars = [
        ("BACKEND", "aws"),
        ("TABLE_NAME", table_name.as_str()),
        ("EMAIL_QUEUE_URL", queues.queue_url.as_str()),
        ("LOCAL_OUTBOX_DIR", &outbox.display().to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let config = Config::from_map(&vars, MissingSecrets::GenerateEphemeral).unwrap();
    let app = shared::wiring::on_aws_with(config, &through, Arc::new(SystemClock));
    Some(Rig {
        app: Arc::new(app),
        table,
        queue,
        queue_url: queues.queue_url,
        clients,
    })
}

async fn login(app: &Arc<App>, email: &str) -> String {
    let (status, login) = login_event(app, email).await;
    assert_eq!(status, 200, "{login}");
    login["access_token"].as_str().unwrap().to_string()
}

/// `GET /v1/auth/me`: status and problem code, or a failure if it hung.
async fn me(app: &Arc<App>, token: &str) -> (u16, String) {
    let e = fixture_with("me", &[("ACCESS_TOKEN", token)]);
    let call = (auth::ME.handler)(app.clone(), request(&e));
    let response = tokio::time::timeout(NO_HANG, call)
        .await
        .expect("answered while the dependency was still broken");
    let (status, _, body) = body_json(response).await;
    (
        status,
        body["code"].as_str().unwrap_or_default().to_string(),
    )
}

async fn resend(app: &Arc<App>, email: &str) -> (u16, String) {
    let e = with_body("verify-email-resend", serde_json::json!({ "email": email }));
    let call = (auth::VERIFY_EMAIL_RESEND.handler)(app.clone(), request(&e));
    let response = tokio::time::timeout(NO_HANG, call).await.expect("no hang");
    let (status, _, body) = body_json(response).await;
    (
        status,
        body["code"].as_str().unwrap_or_default().to_string(),
    )
}

/// Logs in, breaks the table with `break_it`, then `GET /v1/auth/me` must
/// answer `503` while it is broken and `200` once it is back.
async fn a_broken_table_answers_503_and_recovers(email: &str, break_it: fn(&Link)) {
    let Some(rig) = rig().await else { return };
    register_verified_event(&rig.app, email).await;
    let token = login(&rig.app, email).await;
    break_it(&rig.table);
    assert_eq!(me(&rig.app, &token).await, (503, "unavailable".to_string()));
    rig.table.restore();
    assert_eq!(me(&rig.app, &token).await.0, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_frozen_table_answers_503_without_hanging_and_recovers() {
    a_broken_table_answers_503_and_recovers("frozen@example.com", Link::freeze).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dead_table_answers_503_and_recovers() {
    a_broken_table_answers_503_and_recovers("dead@example.com", Link::cut).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dead_queue_neither_fails_registration_nor_loses_the_resend() {
    let Some(rig) = rig().await else { return };
    rig.queue.cut();
    let status = tokio::time::timeout(NO_HANG, register_event(&rig.app, "queue@example.com"))
        .await
        .expect("no hang");
    assert_eq!(
        status, 201,
        "the account was created, so the answer says so"
    );
    assert_eq!(
        resend(&rig.app, "queue@example.com").await,
        (503, "unavailable".to_string())
    );
    rig.queue.restore();
    assert_eq!(resend(&rig.app, "queue@example.com").await.0, 202);
    let jobs = queued_jobs(&rig).await;
    assert_eq!(jobs.len(), 1, "exactly the resend reached the queue");
    assert_eq!(jobs[0]["to"], "queue@example.com");
}

/// The email jobs waiting on the rig's queue.
async fn queued_jobs(rig: &Rig) -> Vec<serde_json::Value> {
    let received = rig
        .clients
        .sqs()
        .receive_message()
        .queue_url(&rig.queue_url)
        .max_number_of_messages(10)
        .send()
        .await
        .unwrap();
    received
        .messages()
        .iter()
        .filter_map(|m| serde_json::from_str(m.body()?).ok())
        .collect()
}

/// The newest email job of `kind` on the rig's queue.
async fn queued_job(rig: &Rig, kind: &str) -> serde_json::Value {
    let jobs = queued_jobs(rig).await;
    let job = jobs.into_iter().rfind(|job| job["kind"] == kind);
    job.expect("the job was queued")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_registration_whose_answer_came_late_is_still_created_not_taken() {
    let Some(rig) = rig().await else { return };
    rig.table.answer_late("TransactWriteItems");
    let status = register_event(&rig.app, "late-register@example.com").await;
    assert_eq!(status, 201, "the retry met its own write");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_verification_whose_answer_came_late_still_verifies() {
    let Some(rig) = rig().await else { return };
    register_event(&rig.app, "late-verify@example.com").await;
    let job = queued_job(&rig, "verify_email").await;
    let token = job["data"]["token"].as_str().unwrap();
    rig.table.answer_late("UpdateItem");
    let e = with_body("verify-email", serde_json::json!({ "token": token }));
    let (status, _, body) =
        body_json((auth::VERIFY_EMAIL.handler)(rig.app.clone(), request(&e)).await).await;
    assert_eq!(status, 200, "the retry took its own token: {body}");
    assert_eq!(body["user"]["email_verified"], true);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refresh_whose_answer_came_late_still_rotates_and_is_no_reuse() {
    let Some(rig) = rig().await else { return };
    let email = "late-refresh@example.com";
    register_verified_event(&rig.app, email).await;
    let (_, login) = login_event(&rig.app, email).await;
    let refresh_token = login["refresh_token"].as_str().unwrap();
    rig.table.answer_late("PutItem");
    let e = with_body(
        "refresh",
        serde_json::json!({ "refresh_token": refresh_token }),
    );
    let (status, _, body) =
        body_json((auth::REFRESH.handler)(rig.app.clone(), request(&e)).await).await;
    assert_eq!(status, 200, "the retry met its own rotation: {body}");
    let access = body["access_token"].as_str().unwrap();
    assert_eq!(me(&rig.app, access).await.0, 200, "the session lives on");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_task_delete_whose_answer_came_late_is_still_204() {
    let Some(rig) = rig().await else { return };
    let email = "late-delete@example.com";
    register_verified_event(&rig.app, email).await;
    let token = login(&rig.app, email).await;
    let body = serde_json::json!({ "title": "Doomed" });
    let tasks_path = calls::workspace_with(&rig.app, &token, &[]).await;
    let create = calls::event("POST", &tasks_path, calls::TASKS_ROUTE, &token, Some(body));
    let (status, _, task) =
        body_json((tasks::TASKS_CREATE.handler)(rig.app.clone(), request(&create)).await).await;
    assert_eq!(status, 201, "{task}");
    let path = format!("{tasks_path}/{}", task["task"]["id"].as_str().unwrap());
    rig.table.answer_late("DeleteItem");
    let delete = calls::event("DELETE", &path, calls::TASK_ROUTE, &token, None);
    let (status, _, body) =
        body_json((tasks::TASK_DELETE.handler)(rig.app.clone(), request(&delete)).await).await;
    assert_eq!(status, 204, "the retry found its own delete done: {body}");
}
