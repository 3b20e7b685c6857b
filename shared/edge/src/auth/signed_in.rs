//! How a sign-in answers, wherever it finished (password, second factor,
//! identity provider): tokens in the body for mobile clients, three cookies
//! for browsers.

use serde::Serialize;

use super::csrf;
use crate::http::cookies::{self, WebCookies};
use crate::http::Reply;
use think_tank_core::clock::UnixSecs;
use think_tank_core::domain::User;
use think_tank_core::services::sessions::IssuedSession;
use think_tank_core::ApiError;

#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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

/// The browser's share of a session: its CSRF token (signed to the session
/// with `csrf_key`, for the double submit) and the three `Set-Cookie` values.
pub struct WebSession {
    pub csrf_token: String,
    pub expires_in: i64,
    pub cookies: [String; 3],
}

impl WebSession {
    pub fn new(issued: &IssuedSession, csrf_key: &[u8], now: UnixSecs) -> Self {
        let expires_in = issued.access.expires_at - now;
        let csrf_token = csrf::issue(csrf_key, &issued.session.id);
        let cookies = cookies::set(WebCookies {
            access_token: &issued.access.token,
            access_max_age: expires_in,
            refresh_token: &issued.refresh_token,
            refresh_max_age: issued.refresh_expires_in(now),
            csrf_token: &csrf_token,
        });
        Self {
            csrf_token,
            expires_in,
            cookies,
        }
    }
}

/// A browser sign-in's body: the tokens are in the cookies.
#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebSignIn<'a> {
    user: &'a User,
    session_id: &'a str,
    csrf_token: &'a str,
    expires_in: i64,
}

/// A browser refresh's body: the new CSRF token and the access cookie's lifetime.
#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebRefresh<'a> {
    expires_in: i64,
    csrf_token: &'a str,
}

pub enum WebBody {
    Login,
    Refresh,
}

/// The web flow's answer: no token in the body, three cookies.
pub fn web_session_reply(
    issued: &IssuedSession,
    csrf_key: &[u8],
    now: UnixSecs,
    body: WebBody,
) -> Result<Reply, ApiError> {
    let web = WebSession::new(issued, csrf_key, now);
    let reply = match body {
        WebBody::Login => Reply::ok(&WebSignIn {
            user: &issued.user,
            session_id: &issued.session.id,
            csrf_token: &web.csrf_token,
            expires_in: web.expires_in,
        })?,
        WebBody::Refresh => Reply::ok(&WebRefresh {
            expires_in: web.expires_in,
            csrf_token: &web.csrf_token,
        })?,
    };
    Ok(reply.cookies(web.cookies))
}
