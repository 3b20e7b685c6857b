//! One table, queue and bucket in the emulators, and an app per function
//! wired the way its Lambda `main` wires it, with every AWS call it makes
//! written down as the IAM permission it needs.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

use adapters::aws::provision::{create_bucket, create_email_queues, create_table};
use adapters::aws::{AwsClients, DynamoStore, S3Blobs, SnsSender, SqsQueue};
use adapters::outbox::OutboxSender;
use serde_json::Value;
use shared::config::keys::SigningKey;
use shared::config::MissingSecrets;
use shared::wiring::Route;
use shared::wiring::{aws, on_aws_for};
use shared::Config;
use think_tank_core::app::{App, Port, Ports};
use think_tank_core::clock::SystemClock;
use think_tank_core::crypto::{b64url_encode, random_bytes};

use e2e::recorder::Recorder;

use super::policy::{needs, Permission};
use super::ports::{ManagementApi, Presigning, Seen, Ses, SmsTee};
use crate::fixtures::{body_json, fixture, request, sqs_event};

pub struct World {
    pub(super) raw: AwsClients,
    watched: AwsClients,
    recorder: Recorder,
    seen: Seen,
    pub(super) vars: HashMap<String, String>,
    pub outbox: PathBuf,
    queue_url: String,
    /// Binary name -> the permissions its calls needed.
    pub needed: BTreeMap<String, BTreeSet<Permission>>,
    /// Partition key written (table or index) -> the functions that wrote it.
    pub written: BTreeMap<String, BTreeSet<String>>,
    pub capacity: super::capacity::Capacity,
    /// The calls the last warm-up made: a cold start's, not the request's.
    warm_calls: std::cell::Cell<usize>,
    /// Secret variable -> the functions the template gives the secret's ARN;
    /// no other function gets the secret here either.
    secret_holders: BTreeMap<&'static str, BTreeSet<String>>,
    seed_key: String,
}

/// Each secret a cold start may read: the variable naming its ARN, the
/// template parameter behind it, and the variables taken from it.
const SECRETS: [(&str, &str, &[&str]); 3] = [
    (
        "SIGNING_KEY_SECRET_ARN",
        "SigningKeySecretArn",
        &["JWT_SIGNING_KEY"],
    ),
    (
        "MFA_KEY_SECRET_ARN",
        "MfaKeySecretArn",
        &["MFA_ENCRYPTION_KEY"],
    ),
    (
        "OIDC_SECRETS_ARN",
        "OidcClientSecretsArn",
        &["OIDC_CLIENT_SECRETS"],
    ),
];

impl World {
    /// As after a cold start: its warm-up calls count towards the role too.
    pub(super) async fn warm_up(&self, app: &App, ports: Ports) {
        shared::runtime::warm_connection(&self.watched, &self.vars["TABLE_NAME"]).await;
        shared::runtime::warm_providers(app, ports).await;
        self.warm_calls.set(self.recorder.count());
    }

    pub async fn new(raw: AwsClients) -> Self {
        let table = e2e::unique_name("iam");
        create_table(&raw, &table).await.unwrap();
        let queues = create_email_queues(&raw, &e2e::unique_name("iam-email"))
            .await
            .unwrap();
        let bucket = e2e::unique_name("iam");
        create_bucket(&raw, &bucket).await.unwrap();
        let outbox = std::env::temp_dir().join(e2e::unique_name("iam-outbox"));
        let (signing, public) = SigningKey::generate("iam").unwrap();
        let secret = || b64url_encode(&random_bytes(32));
        let vars = [
            ("TABLE_NAME", table),
            ("EMAIL_QUEUE_URL", queues.queue_url.clone()),
            ("BUCKET_NAME", bucket),
            ("LOCAL_OUTBOX_DIR", outbox.display().to_string()),
            ("BOOTSTRAP_ADMIN_EMAIL", super::ADMIN_EMAIL.to_string()),
            // The origin of the WebSocket fixture: a refused handshake would
            // leave the connect function's own calls unchecked.
            ("ALLOWED_ORIGINS", "https://app.example.com".to_string()),
            ("JWT_SIGNING_KEY", signing),
            ("JWT_PUBLIC_KEYS", public),
            ("APP_SECRET", secret()),
            ("OIDC_PROVIDERS", oidc_providers()),
            (
                "OAUTH_REDIRECT_URIS",
                format!("{},{}", super::APP, super::MOBILE_APP),
            ),
            (
                "OIDC_CLIENT_SECRETS",
                r#"{"local":"dev-secret"}"#.to_string(),
            ),
            // A loopback callback, which the test provider accepts on any port.
            ("API_BASE_URL", super::API_BASE_URL.to_string()),
            ("IP_HASH_PEPPER", secret()),
            // Every fixture comes from one address; the story signs in more
            // often than a client may in a minute.
            ("IP_RATE_LIMIT", "100000".to_string()),
        ];
        let recorder = Recorder::default();
        Self {
            watched: recorder.watch(&raw),
            raw,
            recorder,
            seen: Seen::default(),
            vars: vars.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
            outbox,
            queue_url: queues.queue_url,
            needed: BTreeMap::new(),
            written: BTreeMap::new(),
            capacity: Default::default(),
            warm_calls: Default::default(),
            seed_key: secret(),
            secret_holders: SECRETS
                .iter()
                .map(|(var, _, _)| {
                    (
                        *var,
                        super::policy::functions_with_env(super::TEMPLATE, var),
                    )
                })
                .collect(),
        }
    }

    /// The app as the function's `main` builds it; AWS calls no emulator
    /// answers go to recording stand-ins.
    pub(super) fn app(&self, binary: &str, ports: Ports) -> Arc<App> {
        let mut vars = self.vars.clone();
        vars.insert("MFA_ENCRYPTION_KEY".into(), self.seed_key.clone());
        for (arn_var, _, taken) in SECRETS {
            if !self.secret_holders[arn_var].contains(binary) {
                for var in taken {
                    vars.remove(*var);
                }
            }
        }
        let config = Config::from_map(&vars, MissingSecrets::Fail).unwrap();
        let outbox = OutboxSender::new(&self.outbox.display().to_string());
        let s3 = &self.watched;
        let bucket = S3Blobs::new(
            s3.s3(),
            s3.credentials.clone(),
            &config.bucket_name,
            &s3.region,
            s3.s3_endpoint.as_deref(),
        );
        let mut app = on_aws_for(
            config,
            &self.watched,
            Arc::new(SystemClock),
            ports,
            &aws::ALL,
        )
        .unwrap();
        if ports.contains(Port::Notifier) {
            app = app.with_notifier(Arc::new(ManagementApi(self.seen.clone())));
        }
        if ports.contains(Port::EmailSender) {
            app = app.with_email_sender(Arc::new(Ses(self.seen.clone(), outbox)));
        }
        if ports.contains(Port::SmsSender) {
            let sns = SnsSender::new(self.watched.sns());
            let copy = OutboxSender::new(&self.outbox.display().to_string());
            app = app.with_sms_sender(Arc::new(SmsTee(sns, copy)));
        }
        if ports.contains(Port::Blobs) {
            app = app.with_blobs(Arc::new(Presigning(self.seen.clone(), Arc::new(bucket))));
        }
        Arc::new(app)
    }

    /// Invokes the route's handler with the event and checks it answered
    /// `expected`: a step that fails early would leave the calls of its main
    /// path unrecorded and so its permissions unchecked. Its calls count
    /// towards its role.
    pub async fn call(&mut self, route: Route, event: Value, expected: u16) -> Value {
        self.call_for_headers(route, event, expected).await.1
    }

    /// [`World::call`], with the answer's headers.
    pub async fn call_for_headers(
        &mut self,
        route: Route,
        event: Value,
        expected: u16,
    ) -> (http::HeaderMap, Value) {
        self.forget();
        let app = self.app(route.name, route.ports);
        self.warm_up(&app, route.ports).await;
        let (status, headers, body) = body_json((route.handler)(app, request(&event)).await).await;
        assert_eq!(status, expected, "{} answered {status}: {body}", route.name);
        self.note(route.name);
        (headers, body)
    }

    /// The route's fixture with the access token and a body, answered `expected`.
    pub async fn send(
        &mut self,
        route: Route,
        token: &str,
        body: Option<Value>,
        expected: u16,
    ) -> Value {
        let event = event(route.name, token, body, None);
        self.call(route, event, expected).await
    }

    /// The route's fixture with the access token and `query` as its query string.
    pub async fn list(
        &mut self,
        route: Route,
        token: &str,
        query: &[(&str, &str)],
        expected: u16,
    ) -> Value {
        let event = with_query(event(route.name, token, None, None), query);
        self.call(route, event, expected).await
    }

    /// [`World::send`] with a path id.
    pub async fn send_to(
        &mut self,
        route: Route,
        token: &str,
        id: &str,
        body: Option<Value>,
        expected: u16,
    ) -> Value {
        let event = event(route.name, token, body, Some(id));
        self.call(route, event, expected).await
    }

    /// Everything queued, through the email worker as one SQS batch.
    pub async fn run_email_worker(&mut self) {
        let queue = SqsQueue::new(self.raw.sqs(), &self.queue_url);
        let messages = queue.receive(10, 1).await.unwrap();
        let event = sqs_event(messages.iter().map(|m| (&m.message_id, &m.body)));
        self.forget();
        let app = self.app("email-worker", email_worker::PORTS);
        self.warm_up(&app, email_worker::PORTS).await;
        let response = email_worker::handle(app, event).await;
        assert!(response.batch_item_failures.is_empty());
        self.note("email-worker");
    }

    /// Gives the user an active TOTP seed and backup codes, outside any
    /// function (no route enables them yet), so a reset has them to delete.
    pub async fn seed_second_factors(&self, user_id: &str) {
        use think_tank_core::ports::MfaStore;
        let store = self.store();
        let user_id = &user_id.into();
        store.set_pending_totp(user_id, "sealed").await.unwrap();
        store.activate_totp(user_id, 1).await.unwrap();
        let codes: Vec<String> = (0..10).map(|i| format!("code-{i}")).collect();
        store.replace_backup_codes(user_id, &codes).await.unwrap();
    }

    /// The table, written outside any function.
    pub fn store(&self) -> DynamoStore {
        DynamoStore::new(self.raw.dynamodb(), &self.vars["TABLE_NAME"])
    }

    /// Makes a stored connection `seconds` older, outside any function.
    pub async fn age_connection(&self, connection_id: &str, seconds: i64) {
        use think_tank_core::clock::Clock;
        use think_tank_core::ports::ConnectionStore;
        let store = self.store();
        let now = SystemClock.now_secs();
        let mut connection = store
            .connection(connection_id, now)
            .await
            .unwrap()
            .expect("the connection");
        connection.expires_at = connection.expires_at - seconds;
        store.put_connection(&connection).await.unwrap();
    }

    /// Fills the user's sessions up to the cap, outside any function: 50
    /// live sessions older than any real one, the oldest with a socket
    /// `connection_id`. The next sign-in ends it and closes the socket.
    pub async fn crowd_sessions(&self, email: &str, connection_id: &str) {
        use think_tank_core::clock::{Clock, UnixMillis, UnixSecs};
        use think_tank_core::domain::{Connection, Email, Session};
        use think_tank_core::ports::{ConnectionStore, SessionStore, UserStore};
        let store = self.store();
        let email = Email::parse(email).unwrap();
        let user = store
            .user_by_email(&email)
            .await
            .unwrap()
            .expect("the account")
            .user;
        let now = SystemClock.now_secs();
        for n in 0..50u64 {
            let session = Session {
                id: format!("crowd-{n:02}-{}", user.id).into(),
                user_id: user.id.clone(),
                refresh_hash: format!("unused-{n}"),
                rotated_hashes: Vec::new(),
                access_jtis: Vec::new(),
                device_name: None,
                user_agent: None,
                created_at: UnixMillis(1_000_000 + n as i64),
                last_used_at: UnixMillis(1_000_000 + n as i64),
                expires_at: UnixSecs(now.0 + 3600),
                absolute_expires_at: UnixSecs(now.0 + 3600),
                revoked: false,
                authenticated_at: now,
                credential_generation: u64::MAX,
            };
            store.create_session(&session).await.unwrap();
        }
        let socket = Connection {
            id: connection_id.to_string(),
            user_id: user.id.clone(),
            session_id: format!("crowd-00-{}", user.id).into(),
            user_name: user.name.clone(),
            role: user.role,
            expires_at: UnixSecs(now.0 + 3600),
        };
        store.put_connection(&socket).await.unwrap();
    }

    /// Revokes a session outside any function, leaving its sockets open.
    pub async fn revoke_session(&self, user_id: &str, session_id: &str) {
        use think_tank_core::ports::SessionStore;
        let store = self.store();
        let ids = (user_id.into(), session_id.into());
        store.revoke_session(&ids.0, &ids.1).await.unwrap();
    }

    /// Puts an object where a presigned upload would, outside any function.
    pub async fn upload(&self, key: &str, bytes: Vec<u8>) {
        let bucket = &self.vars["BUCKET_NAME"];
        let put = self.raw.s3().put_object().bucket(bucket).key(key);
        put.body(bytes.into()).send().await.unwrap();
    }

    pub(super) fn forget(&self) {
        self.warm_calls.set(0);
        self.recorder.take();
        self.seen.take();
    }

    pub(super) fn note(&mut self, binary: &str) {
        let calls = self.recorder.take();
        let warm = self.warm_calls.take().min(calls.len());
        self.capacity.add(binary, &calls[warm..]);
        for partition in calls.iter().flat_map(|c| c.partitions.iter()) {
            let writers = self.written.entry(partition.clone()).or_default();
            writers.insert(binary.to_string());
        }
        let mut needed: Vec<Permission> = calls.iter().flat_map(needs).collect();
        needed.extend(self.seen.take());
        needed.extend(self.secrets_read_at_cold_start(binary));
        self.needed
            .entry(binary.to_string())
            .or_default()
            .extend(needed);
    }
}

impl World {
    /// Every function reads the secret behind `SECRETS_ARN`, and each other
    /// secret whose ARN the template gives it (`shared::runtime::deployed_config`).
    fn secrets_read_at_cold_start(&self, binary: &str) -> Vec<Permission> {
        let read = |parameter: &str| Permission::new("secretsmanager:GetSecretValue", parameter);
        let mut reads = vec![read("SecretsArn")];
        for (arn_var, parameter, _) in SECRETS {
            if self.secret_holders[arn_var].contains(binary) {
                reads.push(read(parameter));
            }
        }
        reads
    }
}

/// The local test provider as `local` (the fixtures' provider).
fn oidc_providers() -> String {
    let issuer = std::env::var("OIDC_TEST_ISSUER").unwrap_or_default();
    serde_json::json!([{ "name": "local", "issuer": issuer, "client_id": "think-tank" }])
        .to_string()
}

/// `event` with `query` as its query string.
pub fn with_query(mut event: Value, query: &[(&str, &str)]) -> Value {
    let raw = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(query)
        .finish();
    event["rawQueryString"] = Value::String(raw);
    let pairs = query
        .iter()
        .map(|(k, v)| (k.to_string(), Value::String(v.to_string())));
    event["queryStringParameters"] = Value::Object(pairs.collect());
    event
}

/// The fixture named like the route, filled in.
fn event(name: &str, token: &str, body: Option<Value>, id: Option<&str>) -> Value {
    let fixture_id = fixture(name)["pathParameters"]["id"]
        .as_str()
        .map(str::to_string);
    let mut text = fixture(name)
        .to_string()
        .replace("REPLACE_WITH_ACCESS_TOKEN", token);
    if let (Some(from), Some(to)) = (fixture_id, id) {
        text = text.replace(&from, to);
    }
    let mut event: Value = serde_json::from_str(&text).unwrap();
    if let Some(body) = body {
        event["body"] = Value::String(body.to_string());
        event["isBase64Encoded"] = Value::Bool(false);
    }
    event
}
