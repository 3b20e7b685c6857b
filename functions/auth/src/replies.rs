//! Response bodies of the auth routes.

use http::StatusCode;
use serde::Serialize;
use shared::auth::cookies::{self, WebCookies};
use shared::auth::csrf;
use shared::clock::{serde_rfc3339, UnixMillis, UnixSecs};
use shared::domain::{Session, User};
use shared::http::Reply;
use shared::services::sessions::IssuedSession;
use shared::ApiError;

#[derive(Serialize)]
pub struct UserEnvelope<'a> {
    pub user: &'a User,
}

#[derive(Serialize)]
pub struct TokenResponse<'a> {
    access_token: &'a str,
    token_type: &'static str,
    expires_in: i64,
    refresh_token: &'a str,
    refresh_expires_in: i64,
    session_id: &'a str,
    user: &'a User,
}

impl<'a> TokenResponse<'a> {
    pub fn new(issued: &'a IssuedSession, now: UnixSecs) -> Self {
        Self {
            access_token: &issued.access.token,
            token_type: "Bearer",
            expires_in: issued.access.expires_at - now,
            refresh_token: &issued.refresh_token,
            refresh_expires_in: issued.refresh_expires_in(now),
            session_id: &issued.session.id,
            user: &issued.user,
        }
    }
}

pub enum WebBody {
    Login,
    Refresh,
}

/// The web flow's answer: no token in the body, three cookies.
/// `csrf_key` signs the CSRF token to the session (double submit).
pub fn web_session_reply(
    issued: &IssuedSession,
    csrf_key: &[u8],
    now: UnixSecs,
    body: WebBody,
) -> Result<Reply, ApiError> {
    let expires_in = issued.access.expires_at - now;
    let csrf_token = csrf::issue(csrf_key, &issued.session.id);
    let json = match body {
        WebBody::Login => serde_json::json!({
            "user": issued.user,
            "session_id": issued.session.id,
            "csrf_token": csrf_token,
            "expires_in": expires_in,
        }),
        WebBody::Refresh => {
            serde_json::json!({ "expires_in": expires_in, "csrf_token": csrf_token })
        }
    };
    let set = cookies::set(WebCookies {
        access_token: &issued.access.token,
        access_max_age: expires_in,
        refresh_token: &issued.refresh_token,
        refresh_max_age: issued.refresh_expires_in(now),
        csrf_token: &csrf_token,
    });
    Ok(Reply::ok(&json)?.cookies(set))
}

pub fn no_content_clearing_cookies(via_cookie: bool) -> Reply {
    let reply = Reply::empty(StatusCode::NO_CONTENT);
    if via_cookie {
        reply.cookies(cookies::clear())
    } else {
        reply
    }
}

#[derive(Serialize)]
pub struct SessionView<'a> {
    session_id: &'a str,
    device_name: Option<&'a str>,
    user_agent: Option<&'a str>,
    #[serde(with = "serde_rfc3339")]
    created_at: UnixMillis,
    #[serde(with = "serde_rfc3339")]
    last_used_at: UnixMillis,
    current: bool,
}

impl<'a> SessionView<'a> {
    pub fn new(s: &'a Session, current_session: &str) -> Self {
        Self {
            session_id: &s.id,
            device_name: s.device_name.as_deref(),
            user_agent: s.user_agent.as_deref(),
            created_at: s.created_at,
            last_used_at: s.last_used_at,
            current: s.id == current_session,
        }
    }
}

#[derive(Serialize)]
pub struct SessionList<'a> {
    pub items: Vec<SessionView<'a>>,
}
