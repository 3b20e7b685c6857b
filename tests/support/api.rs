//! A local gateway per test with its own stores, outbox and clock.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use adapters::aws::provision::{create_bucket, create_email_queues, create_table};
use adapters::aws::AwsClients;
use http::HeaderMap;
use serde_json::{json, Value};
use shared::config::{LocalConfig, MissingSecrets};
use shared::Config;
use think_tank_core::clock::ManualClock;

use crate::emulators::{aws_clients_or_skip, unique_name};

/// The email the test gateways register as admin when started with [`ADMIN`].
pub const ADMIN_EMAIL: &str = "admin@example.com";
/// Overrides that make [`ADMIN_EMAIL`] the bootstrap admin.
pub const ADMIN: &[(&str, &str)] = &[("BOOTSTRAP_ADMIN_EMAIL", ADMIN_EMAIL)];

pub struct Api {
    pub base: String,
    pub client: reqwest::Client,
    pub clock: Arc<ManualClock>,
    pub outbox: PathBuf,
    /// The email queue's URL, when it is SQS.
    pub queue_url: String,
    pub running: local::Running,
    /// The emulator's table, dropped by [`Api::finish`].
    table: Option<(AwsClients, String)>,
}

pub struct Resp {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Resp {
    pub fn code(&self) -> &str {
        self.body["code"].as_str().unwrap_or_default()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok().map(str::to_string))
            .collect()
    }

    /// `name=value` of one `Set-Cookie`, ready for a `Cookie` header.
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.set_cookies()
            .iter()
            .find(|c| c.starts_with(&format!("{name}=")))
            .and_then(|c| c.split(';').next().map(str::to_string))
    }
}

pub struct TestUser {
    pub id: String,
    pub email: String,
    pub password: String,
    pub access_token: String,
    pub refresh_token: String,
    pub session_id: String,
}

fn base_vars(outbox: &std::path::Path) -> HashMap<String, String> {
    HashMap::from([
        ("LOCAL_OUTBOX_DIR".to_string(), outbox.display().to_string()),
        (
            "LOCAL_BLOB_DIR".to_string(),
            outbox.join("blobs").display().to_string(),
        ),
        ("IP_RATE_LIMIT".to_string(), "10000".to_string()),
        ("LOCAL_HTTP_ADDR".to_string(), "127.0.0.1:0".to_string()),
        ("LOCAL_WS_ADDR".to_string(), "127.0.0.1:0".to_string()),
    ])
}

fn with_overrides(
    mut vars: HashMap<String, String>,
    overrides: &[(&str, &str)],
) -> (Config, LocalConfig) {
    vars.extend(
        overrides
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string())),
    );
    let config = Config::from_map(&vars, MissingSecrets::GenerateEphemeral);
    let local = LocalConfig::from_map(&vars);
    (
        config.expect("test configuration is valid"),
        local.expect("test local configuration is valid"),
    )
}

fn new_outbox() -> PathBuf {
    std::env::temp_dir().join(unique_name("think-tank-outbox"))
}

impl Api {
    pub async fn start_memory(overrides: &[(&str, &str)]) -> Self {
        let outbox = new_outbox();
        Self::start(with_overrides(base_vars(&outbox), overrides), outbox).await
    }

    /// A fresh table and queue in the emulators, or `None` when they are not running (outside CI).
    pub async fn start_aws(overrides: &[(&str, &str)]) -> Option<Self> {
        let clients = aws_clients_or_skip().await?;
        let table = unique_name("think-tank");
        create_table(&clients, &table)
            .await
            .expect("create table in DynamoDB Local");
        let queues = create_email_queues(&clients, &unique_name("email"))
            .await
            .expect("create queues in moto");
        let bucket = unique_name("tt");
        create_bucket(&clients, &bucket)
            .await
            .expect("create bucket in s3s-fs");
        let outbox = new_outbox();
        let mut vars = base_vars(&outbox);
        vars.insert("BACKEND".into(), "aws".into());
        vars.insert("BUCKET_NAME".into(), bucket);
        vars.insert("TABLE_NAME".into(), table.clone());
        vars.insert("EMAIL_QUEUE_URL".into(), queues.queue_url);
        let api = Self::start(with_overrides(vars, overrides), outbox).await;
        Some(Self {
            table: Some((clients, table)),
            ..api
        })
    }

    /// Stops the gateway and drops the scenario's table: DynamoDB Local keeps
    /// working for every stream of every table it holds.
    pub async fn finish(self) {
        self.running.stop().await;
        if let Some((clients, table)) = self.table {
            let deleted = clients
                .dynamodb()
                .delete_table()
                .table_name(&table)
                .send()
                .await;
            if let Err(e) = deleted {
                eprintln!("table {table} not deleted: {e}");
            }
        }
    }

    async fn start((config, local): (Config, LocalConfig), outbox: PathBuf) -> Self {
        log_when_asked();
        let clock = Arc::new(ManualClock::starting_now());
        let queue_url = config.email_queue_url.clone();
        let settings = local::Settings {
            config,
            local,
            clock: clock.clone(),
        };
        let running = local::start(settings).await.expect("local gateway starts");
        Self {
            base: format!("http://{}", running.http_addr),
            client: reqwest::Client::new(),
            clock,
            outbox,
            queue_url,
            running,
            table: None,
        }
    }

    pub async fn call(
        &self,
        method: &str,
        path: &str,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> Resp {
        let method_name = method;
        let method = http::Method::from_bytes(method.as_bytes()).unwrap();
        let mut req = self
            .client
            .request(method, format!("{}{}", self.base, path));
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        if let Some(body) = body {
            req = req
                .header("content-type", "application/json")
                .body(body.to_string());
        }
        let res = req.send().await.expect("request reaches the gateway");
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let text = res.text().await.unwrap_or_default();
        let content_type = headers
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        crate::openapi::check_response(method_name, path, status, content_type, &text);
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Resp {
            status,
            headers,
            body,
        }
    }

    pub async fn post(&self, path: &str, body: Value) -> Resp {
        self.call("POST", path, Some(body), &[]).await
    }

    pub async fn get_as(&self, path: &str, token: &str) -> Resp {
        self.call(
            "GET",
            path,
            None,
            &[("authorization", &format!("Bearer {token}"))],
        )
        .await
    }

    /// `PATCH /v1/admin/users/{id}` with the given admin's token.
    pub async fn admin_update_user(&self, token: &str, user_id: &str, body: Value) -> Resp {
        let path = format!("/v1/admin/users/{user_id}");
        self.send_as("PATCH", &path, token, Some(body)).await
    }

    pub async fn send_as(
        &self,
        method: &str,
        path: &str,
        token: &str,
        body: Option<Value>,
    ) -> Resp {
        self.call(
            method,
            path,
            body,
            &[("authorization", &format!("Bearer {token}"))],
        )
        .await
    }

    pub async fn register(&self, email: &str, password: &str) -> Resp {
        self.post(
            "/v1/auth/register",
            json!({ "email": email, "password": password, "name": "Test User" }),
        )
        .await
    }

    pub async fn login(&self, email: &str, password: &str) -> Resp {
        self.post(
            "/v1/auth/login",
            json!({ "email": email, "password": password }),
        )
        .await
    }

    /// Registers, verifies and logs in a fresh user with the mobile flow.
    pub async fn user(&self) -> TestUser {
        let email = format!("{}@example.com", unique_name("user"));
        self.user_with_email(&email).await
    }

    pub async fn user_with_email(&self, email: &str) -> TestUser {
        let password = "correct horse battery";
        self.register_verified(email, password).await;
        self.logged_in(email, password).await
    }

    /// Registers and follows the verification link, as the owner of the
    /// address would: sign-in needs a verified email.
    pub async fn register_verified(&self, email: &str, password: &str) -> Resp {
        let registered = self.register(email, password).await;
        assert_eq!(registered.status, 201, "register: {}", registered.body);
        let verified = self.verify_email(email).await;
        assert_eq!(verified.status, 200, "verify: {}", verified.body);
        verified
    }

    /// Logs in with the mobile flow (the address must be verified).
    pub async fn logged_in(&self, email: &str, password: &str) -> TestUser {
        let login = self.login(email, password).await;
        assert_eq!(login.status, 200, "login: {}", login.body);
        TestUser {
            id: login.body["user"]["id"].as_str().unwrap().to_string(),
            email: email.to_string(),
            password: password.to_string(),
            access_token: login.body["access_token"].as_str().unwrap().to_string(),
            refresh_token: login.body["refresh_token"].as_str().unwrap().to_string(),
            session_id: login.body["session_id"].as_str().unwrap().to_string(),
        }
    }

    /// Registers the bootstrap admin (start the gateway with [`ADMIN`]), proves
    /// the address (the role is granted only then) and logs in.
    pub async fn admin(&self) -> TestUser {
        let password = "correct horse battery";
        let verified = self.register_verified(ADMIN_EMAIL, password).await;
        assert_eq!(verified.body["user"]["role"], "admin", "{}", verified.body);
        self.logged_in(ADMIN_EMAIL, password).await
    }

    /// Follows the newest verification link sent to `email`.
    pub async fn verify_email(&self, email: &str) -> Resp {
        let sent = self
            .emails_to(email, "Confirm your email address")
            .len()
            .max(1);
        let token = self
            .token_from_email(email, "Confirm your email address", sent)
            .await;
        self.post("/v1/auth/verify-email", json!({ "token": token }))
            .await
    }

    /// Every `.eml` delivered to `to` whose subject contains `subject`.
    pub fn emails_to(&self, to: &str, subject: &str) -> Vec<String> {
        let Ok(entries) = std::fs::read_dir(&self.outbox) else {
            return Vec::new();
        };
        let mut found: Vec<(String, String)> = entries
            .filter_map(Result::ok)
            .filter(|e| {
                e.file_name()
                    .to_string_lossy()
                    .ends_with(&format!("{to}.eml"))
            })
            .filter_map(|e| {
                Some((
                    e.file_name().to_string_lossy().to_string(),
                    std::fs::read_to_string(e.path()).ok()?,
                ))
            })
            .filter(|(_, text)| text.contains(&format!("Subject: {subject}")))
            .collect();
        found.sort();
        found.into_iter().map(|(_, text)| text).collect()
    }

    /// Waits (up to 10 s) for the n-th email to `to` with `subject`.
    pub async fn wait_for_email(&self, to: &str, subject: &str, nth: usize) -> String {
        for _ in 0..200 {
            if let Some(mail) = self.emails_to(to, subject).into_iter().nth(nth - 1) {
                return mail;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("no email #{nth} {subject:?} reached {to}");
    }

    /// The `?token=` of the link in the n-th such email.
    pub async fn token_from_email(&self, to: &str, subject: &str, nth: usize) -> String {
        let mail = self.wait_for_email(to, subject, nth).await;
        let start = mail.find("?token=").expect("email has a token link") + "?token=".len();
        mail[start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect()
    }
}

/// `TEST_LOG=<filter>` prints the gateway's logs beside a test's output.
fn log_when_asked() {
    if let Ok(filter) = std::env::var("TEST_LOG") {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
            .with_test_writer()
            .try_init();
    }
}
