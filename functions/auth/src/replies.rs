//! Response bodies of the auth routes.

pub use edge::auth::signed_in::{web_session_reply, TokenResponse, WebBody};
use edge::http::cookies;
use edge::http::Reply;
use http::StatusCode;
use serde::Serialize;
use think_tank_core::clock::{serde_rfc3339, UnixMillis};
use think_tank_core::domain::Session;

pub fn no_content_clearing_cookies(via_cookie: bool) -> Reply {
    let reply = Reply::empty(StatusCode::NO_CONTENT);
    if via_cookie {
        reply.cookies(cookies::clear())
    } else {
        reply
    }
}

#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionView<'a> {
    session_id: &'a str,
    device_name: Option<&'a str>,
    user_agent: Option<&'a str>,
    #[serde(with = "serde_rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    created_at: UnixMillis,
    #[serde(with = "serde_rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionList<'a> {
    pub items: Vec<SessionView<'a>>,
}
