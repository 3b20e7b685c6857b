//! The fan-out from the change feed, through its service on the memory
//! store's feed: changes come out in commit order, and a change that did not
//! reach every live socket is an error, so the feed delivers it again with
//! the same `event_id`.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use shared::config::{LocalConfig, MissingSecrets};
use shared::Config;
use think_tank_core::app::{Mail, Sockets};
use think_tank_core::clock::ManualClock;
use think_tank_core::domain::{Connection, Role, TaskStatus};
use think_tank_core::error::{StoreError, StoreResult};
use think_tank_core::ports::{Notifier, Push};
use think_tank_core::services::fanout::{Change, ChangeRecord, FanOut};
use think_tank_core::services::realtime::TaskEvent;
use think_tank_core::services::tasks::{NewTask, Tasks};
use think_tank_core::services::workspaces::Workspaces;
use think_tank_core::App;
use tokio::sync::mpsc::UnboundedReceiver;

use crate::services::{claim, signed_in};

/// Sockets where `gone` ones answer 410 and `failing` ones an error.
#[derive(Default)]
struct Sockets3 {
    pushed: Mutex<Vec<(String, String)>>,
    gone: HashSet<String>,
    failing: Mutex<HashSet<String>>,
}

#[async_trait]
impl Notifier for Sockets3 {
    async fn push(&self, connection_id: &str, payload: &str) -> StoreResult<Push> {
        if self.gone.contains(connection_id) {
            return Ok(Push::Gone);
        }
        if self.failing.lock().unwrap().contains(connection_id) {
            return Err(StoreError::Unavailable(anyhow::anyhow!("throttled")));
        }
        let sent = (connection_id.to_string(), payload.to_string());
        self.pushed.lock().unwrap().push(sent);
        Ok(Push::Sent)
    }

    async fn disconnect(&self, _: &str) -> StoreResult<()> {
        Ok(())
    }
}

fn app_with(sockets: Arc<Sockets3>) -> (Arc<App>, UnboundedReceiver<ChangeRecord>) {
    let vars = Default::default();
    let config = Config::from_map(&vars, MissingSecrets::GenerateEphemeral).unwrap();
    let local = LocalConfig::from_map(&vars).unwrap();
    let clock = Arc::new(ManualClock::starting_now());
    let (app, _, feed) = local_adapters::in_memory_with_feed(config, &local, clock);
    (Arc::new(app.with_notifier(sockets)), feed)
}

fn new_task(title: &str) -> NewTask {
    NewTask {
        title: title.into(),
        description: String::new(),
        status: TaskStatus::Todo,
        assignee_id: None,
    }
}

#[tokio::test]
async fn a_tasks_changes_come_off_the_feed_in_commit_order() {
    let (app, mut feed) = app_with(Default::default());
    let owner = signed_in(&app, "feed-order@example.com").await;
    let ws = app
        .service::<Workspaces>()
        .create(claim(&app, &owner), "Feed".into())
        .await;
    let ws = ws.unwrap().id;
    let tasks = app.service::<Tasks<Mail>>();
    let task = tasks
        .create_task(claim(&app, &owner), &ws, new_task("One"))
        .await
        .unwrap();
    let remover = app.service::<Tasks>();
    remover
        .delete_task(claim(&app, &owner), &ws, &task.id)
        .await
        .unwrap();
    let mut seen = Vec::new();
    while let Ok(record) = feed.try_recv() {
        seen.push(record.change);
    }
    assert!(
        matches!(&seen[0], Change::Member(..)),
        "the owner joined first"
    );
    assert!(matches!(&seen[1], Change::Task(TaskEvent::Created, t) if t.id == task.id));
    assert!(matches!(&seen[2], Change::Task(TaskEvent::Deleted, t) if t.id == task.id));
    assert_eq!(seen.len(), 3);
}

#[tokio::test]
async fn a_push_that_failed_fails_the_change_so_it_comes_again_with_its_event_id() {
    let sockets = Arc::new(Sockets3 {
        gone: HashSet::from(["gone".to_string()]),
        failing: Mutex::new(HashSet::from(["flaky".to_string()])),
        ..Default::default()
    });
    let (app, mut feed) = app_with(sockets.clone());
    let owner = signed_in(&app, "feed-retry@example.com").await;
    let ws = app
        .service::<Workspaces>()
        .create(claim(&app, &owner), "Feed".into())
        .await;
    let ws = ws.unwrap().id;
    let now = app.core.clock.now_secs();
    for id in ["ok", "gone", "flaky"] {
        let connection = Connection {
            id: id.into(),
            user_id: owner.user.id.clone(),
            session_id: owner.session.id.clone(),
            user_name: "Owner".into(),
            role: Role::User,
            expires_at: now + 3600,
        };
        app.core.store.put_connection(&connection).await.unwrap();
    }
    let tasks = app.service::<Tasks<Mail>>();
    tasks
        .create_task(claim(&app, &owner), &ws, new_task("Retry"))
        .await
        .unwrap();
    let created = std::iter::from_fn(|| feed.try_recv().ok()).last().unwrap();
    let fan_out = app.service::<FanOut<Sockets>>();

    assert!(fan_out.deliver(&created).await.is_err(), "flaky missed it");
    assert_eq!(app.core.store.connection("gone", now).await.unwrap(), None);
    sockets.failing.lock().unwrap().clear();
    fan_out.deliver(&created).await.unwrap();
    let pushed = sockets.pushed.lock().unwrap().clone();
    let to = |id: &str| {
        pushed
            .iter()
            .filter(|(c, _)| c == id)
            .map(|(_, p)| p.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(to("ok").len(), 2, "a repeat for the one that had it");
    assert_eq!(to("flaky").len(), 1);
    let event: serde_json::Value = serde_json::from_str(&to("flaky")[0]).unwrap();
    assert_eq!(event["event_id"], created.event_id.as_str());
    assert_eq!(to("ok")[0], to("ok")[1], "the same event, the same id");
}

/// A gateway's stream poller ends when the gateway is gone, even when it was
/// never told to stop: it runs on the realtime thread, which nothing else
/// would end, and would poll a deleted table forever.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stream_poller_ends_when_its_gateway_is_gone() {
    let Some(clients) = e2e::aws_clients_or_skip().await else {
        return;
    };
    let table = e2e::unique_name("poller");
    adapters::aws::provision::create_table(&clients, &table)
        .await
        .unwrap();
    let vars = [("TABLE_NAME".to_string(), table.clone())].into();
    let config = Config::from_map(&vars, MissingSecrets::GenerateEphemeral).unwrap();
    let app = shared::wiring::on_aws_with(config, &clients, Arc::new(ManualClock::starting_now()));
    let arn = local::stream::arn(&clients, &table).await.unwrap();
    let (gateway, stop) = tokio::sync::watch::channel(false);
    let poller = tokio::spawn(local::stream::poll(
        Arc::new(app),
        local::stream::client(&clients),
        arn,
        stop,
    ));
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    drop(gateway);
    let ended = tokio::time::timeout(std::time::Duration::from_secs(5), poller).await;
    assert!(ended.is_ok(), "the poller outlived its gateway");
}
