//! Pins how many DynamoDB calls each task and workspace route makes, against DynamoDB Local,
//! counted by the SDK interceptor in `tests/support/recorder.rs`. No write pushes to
//! sockets itself: its `task.*` event comes from the table's stream (`fan-out`).

use std::collections::BTreeMap;
use std::sync::Arc;

use adapters::aws::provision::create_table_without_stream;
use adapters::aws::DynamoStore;
use adapters::outbox::OutboxSender;
use local_adapters::blobs::LocalBlobs;
use local_adapters::memory::MemoryQueue;
use serde_json::{json, Value};
use shared::config::MissingSecrets;
use shared::Config;
use think_tank_core::clock::SystemClock;
use think_tank_core::domain::Role;
use think_tank_core::{App, Claim};

use e2e::recorder::Recorder;

use crate::fixtures::{body_json, fixture, request};

fn counts(operations: &[String]) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for op in operations {
        *counts.entry(op.clone()).or_default() += 1;
    }
    counts
}

fn expect(pairs: &[(&str, usize)]) -> BTreeMap<String, usize> {
    pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
}

/// The calls made since the last look: how many of each operation, and how
/// many round trips they took one after another (calls made at once count
/// as one).
fn profile(recorder: &Recorder) -> (BTreeMap<String, usize>, usize) {
    let (operations, trips) = recorder.take_profile();
    (counts(&operations), trips)
}

fn pinned(pairs: &[(&str, usize)], trips: usize) -> (BTreeMap<String, usize>, usize) {
    (expect(pairs), trips)
}

/// An API Gateway v2 event for a task route, shaped like the `me` fixture.
pub fn event(method: &str, path: &str, route: &str, token: &str, body: Option<Value>) -> Value {
    let mut e = fixture("me");
    e["routeKey"] = json!(format!("{method} {route}"));
    e["rawPath"] = json!(path);
    e["requestContext"]["routeKey"] = e["routeKey"].clone();
    e["requestContext"]["http"]["method"] = json!(method);
    e["requestContext"]["http"]["path"] = json!(path);
    e["headers"]["authorization"] = json!(format!("Bearer {token}"));
    let parameters: serde_json::Map<String, Value> = route
        .split('/')
        .zip(path.split('/'))
        .filter_map(|(r, p)| {
            Some((
                r.strip_prefix('{')?.strip_suffix('}')?.to_string(),
                json!(p),
            ))
        })
        .collect();
    if !parameters.is_empty() {
        e["pathParameters"] = Value::Object(parameters);
    }
    if let Some(body) = body {
        e["headers"]["content-type"] = json!("application/json");
        e["body"] = json!(body.to_string());
    }
    e
}

/// A new workspace owned by the token's user, with `members` as editors:
/// its tasks path.
pub async fn workspace_with(app: &App, token: &str, members: &[&str]) -> String {
    let now = app.core.clock.now_secs();
    let claim = Claim::new(app.core.tokens.verify(token, now).unwrap(), false);
    let workspaces = app.service::<think_tank_core::services::workspaces::Workspaces>();
    let ws = workspaces.create(claim, "Board".into()).await.unwrap().id;
    for user in members {
        let membership = think_tank_core::domain::Membership {
            workspace_id: ws.clone(),
            user_id: (*user).into(),
            role: think_tank_core::domain::WorkspaceRole::Editor,
            joined_at: app.core.clock.now_ms(),
        };
        app.core.store.add_member(&membership, 100).await.unwrap();
    }
    format!("/v1/workspaces/{ws}/tasks")
}

/// The route of the task collection and of one task.
pub const TASKS_ROUTE: &str = "/v1/workspaces/{ws}/tasks";
pub const TASK_ROUTE: &str = "/v1/workspaces/{ws}/tasks/{id}";

/// The app on DynamoDB Local, seen through a link that holds each answer
/// 20 ms, as a network would: calls made at once then overlap in time, and
/// the recorder tells them from calls made one after another. (Over
/// loopback an answer can arrive before the next call even starts.)
async fn counted_app() -> Option<(Arc<App>, Recorder)> {
    let clients = e2e::aws_clients_or_skip().await?;
    let table = e2e::unique_name("calls");
    create_table_without_stream(&clients, &table).await.unwrap();
    let endpoint = std::env::var("AWS_ENDPOINT_URL_DYNAMODB").unwrap();
    let link = e2e::faults::Link::to(&endpoint).await;
    link.hold_answers(std::time::Duration::from_millis(20));
    let distant = clients.clone().with_dynamodb(link.dynamodb(&clients));
    let recorder = Recorder::default();
    let store = DynamoStore::new(recorder.watch(&distant).dynamodb(), &table);
    let outbox = std::env::temp_dir().join(e2e::unique_name("calls-outbox"));
    let vars = [("LOCAL_OUTBOX_DIR".to_string(), outbox.display().to_string())].into();
    let config = Config::from_map(&vars, MissingSecrets::GenerateEphemeral).unwrap();
    let local = shared::config::LocalConfig::from_map(&vars).unwrap();
    let blobs = Arc::new(LocalBlobs::new(&config, &local, Arc::new(SystemClock)));
    let app = shared::wiring::assemble(
        config,
        Arc::new(store),
        Arc::new(MemoryQueue::default()),
        Arc::new(OutboxSender::new(&outbox.display().to_string())),
        blobs,
        Arc::new(SystemClock),
    );
    Some((Arc::new(app), recorder))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_task_route_makes_a_pinned_number_of_dynamodb_calls() {
    let Some((app, calls)) = counted_app().await else {
        return;
    };
    let now = think_tank_core::clock::Clock::now_secs(&SystemClock);
    let token = app
        .core
        .tokens
        .issue(&"admin-1".into(), &"session-1".into(), Role::Admin, now)
        .unwrap()
        .token;

    let tasks_path = workspace_with(&app, &token, &[]).await;
    calls.take_operations();
    let (tasks_route, task_route) = (TASKS_ROUTE, TASK_ROUTE);

    let title = Some(json!({ "title": "Count me" }));
    let create = event("POST", &tasks_path, tasks_route, &token, title);
    let (status, _, body) =
        body_json((tasks::TASKS_CREATE.handler)(app.clone(), request(&create)).await).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(
        profile(&calls),
        pinned(&[("GetItem", 3), ("PutItem", 1)], 2),
        "create: revocation, membership, workspace; pushes come from the change feed"
    );
    let path = format!("{tasks_path}/{}", body["task"]["id"].as_str().unwrap());

    let get = event("GET", &path, task_route, &token, None);
    assert_eq!(
        body_json((tasks::TASK_GET.handler)(app.clone(), request(&get)).await)
            .await
            .0,
        200
    );
    assert_eq!(profile(&calls), pinned(&[("GetItem", 4)], 1), "get");

    let list = event("GET", &tasks_path, tasks_route, &token, None);
    assert_eq!(
        body_json((tasks::TASKS_LIST.handler)(app.clone(), request(&list)).await)
            .await
            .0,
        200
    );
    assert_eq!(
        profile(&calls),
        pinned(&[("GetItem", 3), ("Query", 1)], 1),
        "list"
    );

    let status = Some(json!({ "status": "done" }));
    let patch = event("PATCH", &path, task_route, &token, status);
    assert_eq!(
        body_json((tasks::TASK_UPDATE.handler)(app.clone(), request(&patch)).await)
            .await
            .0,
        200
    );
    assert_eq!(
        profile(&calls),
        pinned(&[("GetItem", 4), ("PutItem", 1)], 2),
        "update"
    );

    let delete = event("DELETE", &path, task_route, &token, None);
    assert_eq!(
        body_json((tasks::TASK_DELETE.handler)(app.clone(), request(&delete)).await)
            .await
            .0,
        204
    );
    assert_eq!(
        profile(&calls),
        pinned(&[("DeleteItem", 1), ("GetItem", 4)], 2),
        "delete"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
/// The revocation check, the user and their second factors, read at once.
async fn me_makes_three_dynamodb_reads() {
    let Some((app, calls)) = counted_app().await else {
        return;
    };
    let now = think_tank_core::clock::Clock::now_secs(&SystemClock);
    let token = app
        .core
        .tokens
        .issue(&"nobody".into(), &"session-1".into(), Role::User, now)
        .unwrap()
        .token;
    let me = event("GET", "/v1/auth/me", "/v1/auth/me", &token, None);
    body_json((auth::ME.handler)(app.clone(), request(&me)).await).await;
    assert_eq!(profile(&calls), pinned(&[("GetItem", 3)], 1));
}

/// A workspace fixture for workspace `ws`, with the access token.
fn workspace_event(name: &str, token: &str, ws: &str, body: Option<Value>) -> Value {
    let text = fixture(name)
        .to_string()
        .replace("REPLACE_WITH_ACCESS_TOKEN", token)
        .replace("01936f3e-0000-7000-8000-0000000000a1", ws);
    let mut event: Value = serde_json::from_str(&text).unwrap();
    if let Some(body) = body {
        event["body"] = json!(body.to_string());
    }
    event
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
/// A workspace read is the revocation check, the caller's membership and the
/// workspace, all at once.
async fn each_workspace_route_makes_a_pinned_number_of_dynamodb_calls() {
    let Some((app, calls)) = counted_app().await else {
        return;
    };
    let now = think_tank_core::clock::Clock::now_secs(&SystemClock);
    let issued = app
        .core
        .tokens
        .issue(&"member-1".into(), &"session-1".into(), Role::User, now);
    let token = issued.unwrap().token;
    let run = |route: shared::wiring::Route, event: Value| {
        let app = app.clone();
        async move { body_json((route.handler)(app, request(&event)).await).await }
    };

    let name = Some(json!({ "name": "Counted" }));
    let create = workspace_event("workspace-create", &token, "-", name);
    let (status, _, body) = run(workspaces::WORKSPACE_CREATE, create).await;
    assert_eq!(status, 201, "{body}");
    let pinned_calls = [("GetItem", 1), ("TransactWriteItems", 1)];
    assert_eq!(profile(&calls), pinned(&pinned_calls, 2), "create");
    let ws = body["workspace"]["id"].as_str().unwrap().to_string();

    let list = workspace_event("workspaces-list", &token, &ws, None);
    assert_eq!(run(workspaces::WORKSPACES_LIST, list).await.0, 200);
    let pinned_calls = [("BatchGetItem", 1), ("GetItem", 1), ("Query", 1)];
    assert_eq!(profile(&calls), pinned(&pinned_calls, 2), "list");

    let get = workspace_event("workspace-get", &token, &ws, None);
    assert_eq!(run(workspaces::WORKSPACE_GET, get).await.0, 200);
    let pinned_calls = [("GetItem", 3)];
    assert_eq!(profile(&calls), pinned(&pinned_calls, 1), "get");

    let rename = Some(json!({ "name": "Recounted" }));
    let update = workspace_event("workspace-update", &token, &ws, rename);
    assert_eq!(run(workspaces::WORKSPACE_UPDATE, update).await.0, 200);
    let pinned_calls = [("GetItem", 3), ("UpdateItem", 1)];
    assert_eq!(profile(&calls), pinned(&pinned_calls, 2), "update");

    let members = workspace_event("members-list", &token, &ws, None);
    assert_eq!(run(workspaces::MEMBERS_LIST, members).await.0, 200);
    let pinned_calls = [("GetItem", 4), ("Query", 1)];
    assert_eq!(
        profile(&calls),
        pinned(&pinned_calls, 3),
        "members: + one user"
    );
}
