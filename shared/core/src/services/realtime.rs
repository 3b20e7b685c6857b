//! Realtime: single-use tickets bound to a session, connections that belong to
//! it, chat with a per-user rate limit, and server events pushed to connections
//! with bounded fan-out.

use crate::domain::{is_plausible_id, new_id, SessionId, UserId, WorkspaceId};
use crate::error::{AccessError, ApiError, RequestError};
use futures::StreamExt;
use serde::Deserialize;
use serde_json::json;

use crate::app::{Absent, Core, Sockets};
use crate::clock::{rfc3339, UnixSecs};
use crate::crypto::{random_token, sha256_b64};
use crate::domain::{Connection, FileRecord};
use crate::ports::Push;
use crate::Caller;

pub const TICKET_TTL_SECONDS: i64 = 30;
const TICKET_PURPOSE: &str = "ws_ticket";
const MESSAGES_PER_WINDOW: u32 = 10;
const TICKETS_PER_MINUTE: u32 = 10;
const WINDOW_SECONDS: i64 = 10;
/// How many pushes of one fan-out are in flight at once.
const FAN_OUT: usize = 64;

pub struct Ticket {
    pub ticket: String,
    pub url: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClientMessage {
    action: String,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    workspace_id: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TaskEvent {
    Created,
    Updated,
    Deleted,
}

impl TaskEvent {
    pub fn name(self) -> &'static str {
        match self {
            TaskEvent::Created => "task.created",
            TaskEvent::Updated => "task.updated",
            TaskEvent::Deleted => "task.deleted",
        }
    }
}

/// Tickets, connections and chat.
#[derive(Clone, Copy)]
pub struct Realtime<'a, S = Absent> {
    pub(super) core: &'a Core,
    pub(super) sockets: S,
}

crate::service!(Realtime { sockets: S });

impl<S> Realtime<'_, S> {
    /// A ticket bound to the caller's session; `TICKETS_PER_MINUTE` per user.
    pub async fn issue_ticket(&self, caller: &Caller) -> Result<Ticket, ApiError> {
        let now = self.core.clock.now_secs();
        let key = format!("ticket#{}", caller.user_id());
        self.core.limit(&key, TICKETS_PER_MINUTE, 60, now).await?;
        let ticket = random_token(32);
        let subject = format!("{} {}", caller.user_id(), caller.session_id());
        self.core
            .store
            .put_once(
                TICKET_PURPOSE,
                &sha256_b64(&ticket),
                &subject,
                now + TICKET_TTL_SECONDS,
                now,
            )
            .await?;
        let base = self.core.settings.websocket_url.trim_end_matches('/');
        Ok(Ticket {
            url: format!("{base}/?ticket={ticket}"),
            ticket,
        })
    }

    /// `$connect`: a live, unused ticket and (when a browser sends one) an allowed `Origin`.
    pub async fn connect(
        &self,
        connection_id: &str,
        ticket: Option<&str>,
        origin: Option<&str>,
    ) -> Result<(), ApiError> {
        if origin.is_some_and(|o| !self.core.settings.allowed_origins.iter().any(|a| a == o)) {
            return Err(AccessError::Forbidden.into());
        }
        let ticket = ticket
            .filter(|t| !t.is_empty())
            .ok_or(AccessError::Unauthenticated)?;
        let now = self.core.clock.now_secs();
        let subject = self
            .core
            .store
            .take(TICKET_PURPOSE, &sha256_b64(ticket), now)
            .await?
            .ok_or(AccessError::Unauthenticated)?;
        let (user_id, session_id) = subject
            .split_once(' ')
            .ok_or(AccessError::Unauthenticated)?;
        let (user_id, session_id) = (UserId::from(user_id), SessionId::from(session_id));
        let user = self.core.store.user_by_id(&user_id).await?;
        let user = user.ok_or(AccessError::Unauthenticated)?.user;
        let connection = Connection {
            id: connection_id.to_string(),
            session_id: session_id.clone(),
            user_id: user.id,
            user_name: user.name,
            role: user.role,
            expires_at: now + Connection::LIFETIME_SECONDS,
        };
        // Stored before the session is checked: a revocation that lands
        // meanwhile either is seen here or finds this connection to close.
        self.core.store.put_connection(&connection).await?;
        if !self.session_is_live(&user_id, &session_id, now).await? {
            self.core.store.delete_connection(connection_id).await?;
            return Err(AccessError::Unauthenticated.into());
        }
        Ok(())
    }

    async fn session_is_live(
        &self,
        user_id: &UserId,
        session_id: &SessionId,
        now: UnixSecs,
    ) -> Result<bool, ApiError> {
        let session = self.core.store.session(user_id, session_id).await?;
        Ok(session.is_some_and(|s| s.is_live(now)))
    }

    pub async fn disconnect(&self, connection_id: &str) -> Result<(), ApiError> {
        Ok(self.core.store.delete_connection(connection_id).await?)
    }
}

impl Realtime<'_, Sockets<'_>> {
    /// `$default`: `ping`, `message`, or an error back to the sender; the
    /// connection stays, unless its session was revoked: then the message is
    /// refused and the connection closed.
    pub async fn on_message(&self, connection_id: &str, body: &[u8]) -> Result<(), ApiError> {
        let now = self.core.clock.now_secs();
        let Some(sender) = self.core.store.connection(connection_id, now).await? else {
            return Ok(());
        };
        if !self
            .session_is_live(&sender.user_id, &sender.session_id, now)
            .await?
        {
            self.sockets.notifier.disconnect(connection_id).await?;
            self.core.store.delete_connection(connection_id).await?;
            return Ok(());
        }
        let reply = match serde_json::from_slice::<ClientMessage>(body) {
            Ok(m) if m.action == "ping" && m.text.is_none() && m.workspace_id.is_none() => {
                json!({ "type": "pong" })
            }
            Ok(ClientMessage {
                action,
                text: Some(text),
                workspace_id: Some(workspace),
            }) if action == "message" && valid_text(&text) && is_plausible_id(&workspace) => {
                let workspace = WorkspaceId::from(workspace);
                match self.chat(&sender, &workspace, &text, now).await? {
                    Some(refusal) => json!({ "type": "error", "code": refusal }),
                    None => return Ok(()),
                }
            }
            _ => json!({ "type": "error", "code": "bad_request" }),
        };
        self.sockets
            .push_or_forget(&sender, &reply.to_string())
            .await;
        Ok(())
    }

    /// A chat message to every connection of the workspace's members, the
    /// sender's included; the refusal's code otherwise.
    async fn chat(
        &self,
        sender: &Connection,
        workspace: &WorkspaceId,
        text: &str,
        now: UnixSecs,
    ) -> Result<Option<&'static str>, ApiError> {
        let store = &self.core.store;
        if store
            .membership(workspace, &sender.user_id)
            .await?
            .is_none()
        {
            return Ok(Some("forbidden"));
        }
        if self.over_message_limit(&sender.user_id, now).await? {
            return Ok(Some("rate_limited"));
        }
        let from = json!({ "id": sender.user_id, "name": sender.user_name });
        let sent_at = rfc3339(self.core.clock.now_ms());
        let message = json!({ "type": "message", "workspace_id": workspace, "from": from, "text": text, "sent_at": sent_at });
        let to = self.sockets.workspace_connections(workspace, now).await?;
        self.sockets.broadcast(to, &message.to_string()).await;
        Ok(None)
    }

    /// One budget per user, shared by all of the user's sockets.
    async fn over_message_limit(&self, user_id: &UserId, now: UnixSecs) -> Result<bool, ApiError> {
        let key = format!("ws#user#{user_id}");
        match self
            .core
            .limit(&key, MESSAGES_PER_WINDOW, WINDOW_SECONDS, now)
            .await
        {
            Err(ApiError::Request(RequestError::RateLimited { .. })) => Ok(true),
            other => other.map(|()| false),
        }
    }
}

impl Sockets<'_> {
    /// Every live connection of the workspace's members: their members, a
    /// page at a time, and each member's own connections, `FAN_OUT` at once.
    pub(crate) async fn workspace_connections(
        &self,
        workspace: &WorkspaceId,
        now: UnixSecs,
    ) -> Result<Vec<Connection>, ApiError> {
        let store = &self.core.store;
        let mut all = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let page = store.members(workspace, after.as_deref(), 100).await?;
            let users: Vec<UserId> = page.items.into_iter().map(|m| m.user_id).collect();
            let reads = users.chunks(FAN_OUT).map(|chunk| {
                futures::future::try_join_all(chunk.iter().map(|u| store.connections_of(u, now)))
            });
            let mut theirs: Vec<Vec<Connection>> = Vec::new();
            for read in reads {
                theirs.extend(read.await?);
            }
            all.extend(theirs.into_iter().flatten());
            match page.next {
                Some(next) => after = Some(next),
                None => return Ok(all),
            }
        }
    }

    /// Pushes to every connection, `FAN_OUT` at a time; gone ones are deleted.
    pub async fn broadcast(&self, to: Vec<Connection>, payload: &str) {
        futures::stream::iter(to)
            .for_each_concurrent(FAN_OUT, |c| async move {
                self.push_or_forget(&c, payload).await
            })
            .await;
    }

    async fn push_or_forget(&self, connection: &Connection, payload: &str) {
        match self.notifier.push(&connection.id, payload).await {
            Ok(Push::Sent) => {}
            Ok(Push::Gone) => self.forget(connection).await,
            Err(e) => tracing::warn!(error.cause_chain = ?e, "push failed"),
        }
    }

    /// Pushes to every connection, `FAN_OUT` at a time; gone ones are
    /// deleted. Any other failure is an error once all were tried, so that
    /// the change is delivered again (a repeat carries the same `event_id`).
    pub(crate) async fn deliver_to_all(
        &self,
        to: Vec<Connection>,
        payload: &str,
    ) -> Result<(), ApiError> {
        let failed = std::sync::atomic::AtomicUsize::new(0);
        futures::stream::iter(to)
            .for_each_concurrent(FAN_OUT, |c| {
                let failed = &failed;
                async move {
                    match self.notifier.push(&c.id, payload).await {
                        Ok(Push::Sent) => {}
                        Ok(Push::Gone) => self.forget(&c).await,
                        Err(e) => {
                            tracing::warn!(error.cause_chain = ?e, "push failed");
                            failed.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        }
                    }
                }
            })
            .await;
        match failed.into_inner() {
            0 => Ok(()),
            n => Err(anyhow::anyhow!("{n} pushes failed").into()),
        }
    }

    /// Deletes a connection a push found gone, unless it may still be
    /// opening: deleting that one would leave its socket deaf for good.
    /// `$disconnect` deletes it when it closes.
    async fn forget(&self, connection: &Connection) {
        if connection.may_be_opening(self.core.clock.now_secs()) {
            return;
        }
        if let Err(e) = self.core.store.delete_connection(&connection.id).await {
            tracing::warn!(error.cause_chain = ?e, "stale connection not deleted");
        }
    }

    pub async fn push_file_ready(&self, file: &FileRecord) {
        let payload =
            json!({ "type": "file.ready", "event_id": new_id(), "file": file }).to_string();
        match self
            .core
            .store
            .connections_of(&file.owner_id, self.core.clock.now_secs())
            .await
        {
            Ok(mine) => self.broadcast(mine, &payload).await,
            Err(e) => tracing::warn!(error.cause_chain = ?e, "file event not pushed"),
        }
    }

    /// Closes the user's sockets that `closes` picks (by their session) and
    /// forgets them.
    pub async fn close_connections(
        &self,
        user_id: &UserId,
        closes: impl Fn(&Connection) -> bool,
    ) -> Result<(), ApiError> {
        let now = self.core.clock.now_secs();
        for c in self.core.store.connections_of(user_id, now).await? {
            if closes(&c) {
                self.notifier.disconnect(&c.id).await?;
                self.core.store.delete_connection(&c.id).await?;
            }
        }
        Ok(())
    }
}

fn valid_text(text: &str) -> bool {
    (1..=1000).contains(&text.chars().count())
}
