use std::path::PathBuf;
use std::sync::Arc;

use aws_lambda_events::event::sqs::SqsEvent;
use local_adapters::memory::MemoryQueue;
use serde_json::Value;
use shared::config::MissingSecrets;
use shared::Config;
use think_tank_core::clock::ManualClock;
use think_tank_core::App;

pub fn fixture(name: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("events")
        .join(format!("{name}.json"));
    serde_json::from_str(&std::fs::read_to_string(&path).expect("fixture exists"))
        .expect("fixture is JSON")
}

/// The fixture with every `REPLACE_WITH_<KEY>` placeholder filled in.
pub fn fixture_with(name: &str, values: &[(&str, &str)]) -> Value {
    let mut text = fixture(name).to_string();
    for (key, value) in values {
        text = text.replace(&format!("REPLACE_WITH_{key}"), value);
    }
    serde_json::from_str(&text).unwrap()
}

/// The fixture event with another JSON body.
pub fn with_body(name: &str, body: Value) -> Value {
    let mut e = fixture(name);
    e["body"] = serde_json::json!(body.to_string());
    e["isBase64Encoded"] = serde_json::json!(false);
    if let Some(headers) = e["headers"].as_object_mut() {
        headers.remove("content-length");
    }
    e
}

pub const PASSWORD: &str = "correct horse battery";

/// `POST /v1/auth/register` through the handler: the status.
pub async fn register_event(app: &Arc<App>, email: &str) -> u16 {
    let body = serde_json::json!({ "email": email, "password": PASSWORD, "name": "Event" });
    let e = with_body("register", body);
    body_json((auth::REGISTER.handler)(app.clone(), request(&e)).await)
        .await
        .0
}

/// `POST /v1/auth/register`, then the address proven as its link would
/// prove it (sign-in needs a verified email): the register status.
pub async fn register_verified_event(app: &Arc<App>, email: &str) -> u16 {
    let status = register_event(app, email).await;
    mark_verified(app, email).await;
    status
}

/// Marks a registered account's address as proven (test setup).
pub async fn mark_verified(app: &App, email: &str) {
    let email = think_tank_core::domain::Email::parse(email).unwrap();
    let record = app.core.store.user_by_email(&email).await.unwrap();
    let changes = think_tank_core::domain::UserChanges {
        email_verified: Some(true),
        ..Default::default()
    };
    let id = record.expect("a registered account").user.id;
    app.core.store.update_user(&id, &changes).await.unwrap();
}

/// `POST /v1/auth/login` through the handler: status and body.
pub async fn login_event(app: &Arc<App>, email: &str) -> (u16, Value) {
    let body = serde_json::json!({ "email": email, "password": PASSWORD });
    let e = with_body("login", body);
    let (status, _, login) = body_json((auth::LOGIN.handler)(app.clone(), request(&e)).await).await;
    (status, login)
}

/// The in-memory app with `REAUTH_SECONDS=600`, and its clock to move.
pub fn app_with_clock() -> (Arc<App>, Arc<ManualClock>) {
    let vars = [("REAUTH_SECONDS".to_string(), "600".to_string())].into();
    let config = Config::from_map(&vars, MissingSecrets::GenerateEphemeral).unwrap();
    let local = shared::config::LocalConfig::from_map(&vars).unwrap();
    let clock = Arc::new(ManualClock::starting_now());
    let (app, _) = local_adapters::in_memory(config, &local, clock.clone());
    (Arc::new(app), clock)
}

/// Deserialized exactly as the Lambda runtime deserializes an invocation.
pub fn request(event: &Value) -> lambda_http::Request {
    lambda_http::request::from_str(&event.to_string()).expect("an API Gateway v2 event")
}

pub struct Harness {
    pub app: Arc<App>,
    pub queue: Arc<MemoryQueue>,
    pub outbox: PathBuf,
}

impl Harness {
    pub fn new() -> Self {
        let outbox = std::env::temp_dir().join(e2e::unique_name("handlers-outbox"));
        let vars = [("LOCAL_OUTBOX_DIR", outbox.display().to_string())]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        let config = Config::from_map(&vars, MissingSecrets::GenerateEphemeral).unwrap();
        let local = shared::config::LocalConfig::from_map(&vars).unwrap();
        let (app, queue) =
            local_adapters::in_memory(config, &local, Arc::new(ManualClock::starting_now()));
        Self {
            app: Arc::new(app),
            queue,
            outbox,
        }
    }

    pub fn outbox_files(&self) -> Vec<String> {
        std::fs::read_dir(&self.outbox)
            .map(|d| {
                d.filter_map(Result::ok)
                    .filter_map(|e| std::fs::read_to_string(e.path()).ok())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Feeds everything queued to the worker as one SQS event shaped like the fixture.
    pub async fn run_worker(&self) -> Vec<String> {
        let batch = self.queue.receive(10);
        let event = sqs_event(batch.iter().map(|m| (&m.message_id, &m.body)));
        let response = email_worker::handle(self.app.clone(), event).await;
        response
            .batch_item_failures
            .into_iter()
            .map(|f| f.item_identifier)
            .collect()
    }
}

/// An SQS batch shaped like the `email-worker` fixture, one record per `(id, body)`.
pub fn sqs_event<'a>(messages: impl Iterator<Item = (&'a String, &'a String)>) -> SqsEvent {
    let mut event: SqsEvent = serde_json::from_value(fixture("email-worker")).unwrap();
    let template = event.records[0].clone();
    event.records = messages
        .map(|(id, body)| {
            let mut record = template.clone();
            record.message_id = Some(id.clone());
            record.body = Some(body.clone());
            record
        })
        .collect();
    event
}

pub async fn body_json(
    response: http::Response<lambda_http::Body>,
) -> (u16, http::HeaderMap, Value) {
    let (parts, body) = response.into_parts();
    let json = serde_json::from_slice(body.as_ref()).unwrap_or(Value::Null);
    (parts.status.as_u16(), parts.headers, json)
}
