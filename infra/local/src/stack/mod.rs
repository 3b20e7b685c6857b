//! `template.yaml` from the route table: the skeleton
//! (`infra/template/skeleton.yaml`: parameters, the table, queues, APIs,
//! domains, outputs) with one function block and two alarms for each entry
//! of [`functions()`]. The rendered template is committed, as SAM
//! users read and deploy it; a test keeps it equal to this rendering.

mod functions;
mod render;

pub use functions::functions;
pub use render::render;

pub const SKELETON: &str = include_str!("../../../template/skeleton.yaml");

/// `template.yaml` as the route table and the skeleton make it.
pub fn template() -> String {
    render(SKELETON, &functions())
}

/// One Lambda of the stack.
#[derive(Clone, Copy, Debug)]
pub struct Function {
    /// The template's logical id without `Function` (`Login` → `LoginFunction`).
    pub id: &'static str,
    /// The function's name: its `Handler`, and the name of its route
    /// (`shared::handlers!`) or of the email worker.
    pub name: &'static str,
    pub event: Event,
    /// Defaults to the HTTP method and path.
    pub description: Option<&'static str>,
    /// Megabytes and why, when not the default 256.
    pub memory: Option<(u32, &'static str)>,
    /// Seconds and why, when not the default 10.
    pub timeout: Option<(u32, &'static str)>,
    /// Secrets beyond the one every function reads (`SECRETS_ARN`).
    pub secrets: &'static [Secret],
    /// What its role allows, beyond those secrets.
    pub grants: &'static [Grant],
}

impl Function {
    /// A route of the HTTP API; the description is its method and path.
    pub const fn http(
        id: &'static str,
        name: &'static str,
        method: &'static str,
        path: &'static str,
        grants: &'static [Grant],
    ) -> Self {
        Self::new(id, name, Event::Http(method, path), None, grants)
    }

    /// A route of the WebSocket API.
    pub const fn websocket(
        id: &'static str,
        name: &'static str,
        description: &'static str,
        grants: &'static [Grant],
    ) -> Self {
        Self::new(id, name, Event::WebSocket, Some(description), grants)
    }

    /// The consumer of the email queue.
    pub const fn email_worker(
        id: &'static str,
        name: &'static str,
        description: &'static str,
        grants: &'static [Grant],
    ) -> Self {
        Self::new(id, name, Event::EmailQueue, Some(description), grants)
    }

    /// The consumer of the table's stream.
    pub const fn table_stream(
        id: &'static str,
        name: &'static str,
        description: &'static str,
        grants: &'static [Grant],
    ) -> Self {
        Self::new(id, name, Event::TableStream, Some(description), grants)
    }

    const fn new(
        id: &'static str,
        name: &'static str,
        event: Event,
        description: Option<&'static str>,
        grants: &'static [Grant],
    ) -> Self {
        Self {
            id,
            name,
            event,
            description,
            memory: None,
            timeout: None,
            secrets: &[],
            grants,
        }
    }

    /// Secrets it reads beyond `SECRETS_ARN`.
    pub const fn secrets(self, secrets: &'static [Secret]) -> Self {
        Self { secrets, ..self }
    }

    /// Megabytes, and why.
    pub const fn memory(self, memory: (u32, &'static str)) -> Self {
        Self {
            memory: Some(memory),
            ..self
        }
    }

    /// Seconds, and why.
    pub const fn timeout(self, timeout: (u32, &'static str)) -> Self {
        Self {
            timeout: Some(timeout),
            ..self
        }
    }
}

/// What invokes the function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    /// A route of the HTTP API: method and path.
    Http(&'static str, &'static str),
    /// A route of the WebSocket API (its integration lives in the skeleton).
    WebSocket,
    /// Batches from the email queue.
    EmailQueue,
    /// Batches of the table's stream: task and membership changes.
    TableStream,
}

/// A secret a function reads at cold start, beside `SECRETS_ARN`'s.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Secret {
    /// `JWT_SIGNING_KEY`: the functions that mint tokens.
    SigningKey,
    /// `MFA_ENCRYPTION_KEY`: the functions that read or write TOTP seeds.
    MfaKey,
    /// `OIDC_CLIENT_SECRETS`: the function that redeems provider codes.
    OidcClients,
}

/// One statement of a function's role.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Grant {
    /// These item actions on the table.
    Items(&'static [Action]),
    /// `Query` on the table and these of its indexes.
    Queries(&'static [Index]),
    /// `GetItem` of the fixed `HEALTH` item only: the cold start's
    /// connection warm-up, for functions that read nothing else.
    HealthItem,
    /// `SendMessage` to the email queue.
    QueueEmail,
    /// `GetQueueAttributes` of the email queue (the health check's depth).
    EmailQueueDepth,
    /// `PostToConnection` on the WebSocket API.
    PushToSockets,
    /// `DeleteConnection` on the WebSocket API.
    CloseSockets,
    /// One object action under these prefixes of the upload bucket.
    Objects(ObjectAction, &'static [Prefix]),
    /// `ListBucket` on the upload bucket: a missing object answers 404, not 403.
    ListUploads,
    /// SES, from the stack's sender identity only.
    SendEmail,
    /// SNS text messages straight to phone numbers.
    SendSms,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    BatchGetItem,
    GetItem,
    PutItem,
    UpdateItem,
    DeleteItem,
    Query,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Index {
    Table,
    Gsi1,
    Gsi2,
    Gsi3,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ObjectAction {
    GetObject,
    PutObject,
    DeleteObject,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Prefix {
    /// Uploads until they are completed.
    Pending,
    /// Completed uploads.
    Files,
}
