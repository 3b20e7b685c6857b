//! Authenticated reads run the revocation check concurrently with the data read:
//! both reads must meet at the gate's barrier within one request.

use std::sync::Arc;
use think_tank_core::app::Mail;
use think_tank_core::services::tasks::Tasks;

use serde_json::json;
use think_tank_core::clock::UnixSecs;
use think_tank_core::clock::{Clock, SystemClock};
use think_tank_core::domain::{Role, TaskStatus};
use think_tank_core::ports::{RevocationStore, TaskStore};
use think_tank_core::services::tasks::NewTask;
use think_tank_core::App;

use crate::calls::event;
use crate::fixtures::{body_json, request};
use crate::gate::{app_over, Gate, GateStore};

fn gated_app() -> (Arc<App>, Arc<Gate>) {
    let store = Arc::new(GateStore::default());
    let gate = store.gate.clone();
    (app_over(store), gate)
}

#[tokio::test]
async fn the_gate_catches_reads_made_one_after_the_other() {
    let store = GateStore::default();
    store.gate.arm();
    store.is_revoked("jti", UnixSecs(0)).await.unwrap();
    store.task(&"ws".into(), &"id".into()).await.unwrap();
    assert!(store.gate.waited_alone());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn task_reads_and_me_overlap_the_revocation_check() {
    let (app, gate) = gated_app();
    let now = SystemClock.now_secs();
    let token = app
        .core
        .tokens
        .issue(&"admin-1".into(), &"session-1".into(), Role::Admin, now)
        .unwrap();
    let claim =
        || think_tank_core::Claim::new(app.core.tokens.verify(&token.token, now).unwrap(), false);
    let workspaces = app.service::<think_tank_core::services::workspaces::Workspaces>();
    let ws = workspaces
        .create(claim(), "Overlap".into())
        .await
        .unwrap()
        .id;
    let input = NewTask {
        title: "Overlap".into(),
        description: String::new(),
        status: TaskStatus::Todo,
        assignee_id: None,
    };
    let task = app
        .service::<Tasks<Mail>>()
        .create_task(claim(), &ws, input)
        .await
        .unwrap();
    let tasks = format!("/v1/workspaces/{ws}/tasks");
    let path = format!("{tasks}/{}", task.id);
    let task_route = "/v1/workspaces/{ws}/tasks/{id}";
    let done = Some(json!({ "status": "done" }));

    let cases = [
        (
            "task-get",
            event("GET", &path, task_route, &token.token, None),
        ),
        (
            "tasks-list",
            event(
                "GET",
                &tasks,
                "/v1/workspaces/{ws}/tasks",
                &token.token,
                None,
            ),
        ),
        (
            "task-update",
            event("PATCH", &path, task_route, &token.token, done),
        ),
        (
            "me",
            event("GET", "/v1/auth/me", "/v1/auth/me", &token.token, None),
        ),
    ];
    for (route, e) in cases {
        gate.arm();
        let response = match route {
            "task-get" => (tasks::TASK_GET.handler)(app.clone(), request(&e)).await,
            "tasks-list" => (tasks::TASKS_LIST.handler)(app.clone(), request(&e)).await,
            "task-update" => (tasks::TASK_UPDATE.handler)(app.clone(), request(&e)).await,
            _ => (auth::ME.handler)(app.clone(), request(&e)).await,
        };
        let status = body_json(response).await.0;
        assert!(
            !gate.waited_alone(),
            "{route}: the revocation check ran alone"
        );
        assert!(status == 200 || status == 401, "{route}: {status}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_membership_read_overlaps_the_revocation_check() {
    let (app, gate) = gated_app();
    let now = SystemClock.now_secs();
    let token = app
        .core
        .tokens
        .issue(&"member-1".into(), &"session-1".into(), Role::User, now)
        .unwrap()
        .token;
    let claim = think_tank_core::Claim::new(app.core.tokens.verify(&token, now).unwrap(), false);
    let service = app.service::<think_tank_core::services::workspaces::Workspaces>();
    let ws = service.create(claim, "Overlap".into()).await.unwrap().id;
    let fixture_ws = "01936f3e-0000-7000-8000-0000000000a1";
    for (route, name) in [
        (workspaces::WORKSPACE_GET, "workspace-get"),
        (workspaces::MEMBERS_LIST, "members-list"),
    ] {
        let text = crate::fixtures::fixture(name)
            .to_string()
            .replace("REPLACE_WITH_ACCESS_TOKEN", &token)
            .replace(fixture_ws, &ws);
        gate.arm();
        let response =
            (route.handler)(app.clone(), request(&serde_json::from_str(&text).unwrap())).await;
        assert_eq!(body_json(response).await.0, 200, "{name}");
        assert!(
            !gate.waited_alone(),
            "{name}: the revocation check ran alone"
        );
    }
}
