//! Authentication routes (README, "Auth in short"). Each handler: parse, authenticate,
//! call one service, answer. `src/bin/<route>.rs` runs one as a Lambda.

#[cfg(feature = "openapi")]
pub mod docs;

mod bodies;
mod replies;

use std::sync::Arc;

use http::{Response, StatusCode};
use lambda_http::{Body, Request};
use shared::auth::Gate;
use shared::http::cookies;
use shared::http::{endpoint, Ctx, Reply};
use think_tank_core::domain::AuditType;
use think_tank_core::services::validate::Checks;
use think_tank_core::{ApiError, App};

use bodies::*;
use replies::*;

shared::handlers! {
    REGISTER: "register" => register, uses [EmailQueue];
    LOGIN: "login" => login, uses [EmailQueue, Notifier];
    LOGIN_WEB: "login-web" => login_web, uses [EmailQueue, Notifier];
    LOGIN_MFA: "login-mfa" => login_mfa, uses [EmailQueue, Notifier];
    LOGIN_MFA_SMS: "login-mfa-sms" => login_mfa_sms, uses [EmailQueue];
    REFRESH: "refresh" => refresh, uses [Notifier];
    LOGOUT: "logout" => logout, uses [Notifier];
    LOGOUT_ALL: "logout-all" => logout_all, uses [Notifier];
    SESSIONS_LIST: "sessions-list" => sessions_list, uses [];
    SESSION_REVOKE: "session-revoke" => session_revoke, uses [Notifier];
    ME: "me" => me, uses [];
    ME_UPDATE: "me-update" => me_update, uses [];
    PASSWORD_CHANGE: "password-change" => password_change, uses [EmailQueue, Notifier];
    REAUTHENTICATE: "reauthenticate" => reauthenticate, uses [EmailQueue];
    VERIFY_EMAIL: "verify-email" => verify_email, uses [];
    VERIFY_EMAIL_RESEND: "verify-email-resend" => verify_email_resend, uses [EmailQueue];
    PASSWORD_FORGOT: "password-forgot" => password_forgot, uses [EmailQueue];
    PASSWORD_RESET: "password-reset" => password_reset, uses [Notifier];
    JWKS: "jwks" => jwks, uses [];
}

pub async fn register(app: Arc<App>, req: Request) -> Response<Body> {
    let app = &*app;
    endpoint(&app.settings, req, |ctx| async move {
        let input = ctx.body::<RegisterBody>()?;
        let user = app.register(input, &ctx.client_meta(app)).await?;
        Reply::json(StatusCode::CREATED, &UserEnvelope { user: &user })
    })
    .await
}

pub async fn login(app: Arc<App>, req: Request) -> Response<Body> {
    let app = &*app;
    endpoint(&app.settings, req, |ctx| async move {
        let input = ctx.body::<LoginBody>()?;
        let issued = app.login(input, &ctx.client_meta(app)).await?;
        Reply::ok(&TokenResponse::new(&issued, app.clock.now_secs()))
    })
    .await
}

pub async fn login_web(app: Arc<App>, req: Request) -> Response<Body> {
    let app = &*app;
    endpoint(&app.settings, req, |ctx| async move {
        let mut input = ctx.body::<LoginBody>()?;
        input.web = true;
        let issued = app.login(input, &ctx.client_meta(app)).await?;
        web_session_reply(
            &issued,
            &app.keys.csrf,
            app.clock.now_secs(),
            WebBody::Login,
        )
    })
    .await
}

/// The second step of an MFA login: answers as the login that issued the token.
pub async fn login_mfa(app: Arc<App>, req: Request) -> Response<Body> {
    let app = &*app;
    endpoint(&app.settings, req, |ctx| async move {
        let body = ctx.body::<MfaLoginBody>()?;
        let meta = ctx.client_meta(app);
        let signed_in = app
            .login_with_code(&body.mfa_token, &body.code, &meta)
            .await?;
        let now = app.clock.now_secs();
        if signed_in.web {
            web_session_reply(&signed_in.issued, &app.keys.csrf, now, WebBody::Login)
        } else {
            Reply::ok(&TokenResponse::new(&signed_in.issued, now))
        }
    })
    .await
}

/// Texts the code for a pending MFA login: `202`.
pub async fn login_mfa_sms(app: Arc<App>, req: Request) -> Response<Body> {
    let app = &*app;
    endpoint(&app.settings, req, |ctx| async move {
        let body = ctx.body::<MfaTokenBody>()?;
        app.send_login_code(&body.mfa_token, &ctx.client_meta(app))
            .await?;
        Ok(Reply::empty(StatusCode::ACCEPTED))
    })
    .await
}

pub async fn refresh(app: Arc<App>, req: Request) -> Response<Body> {
    let app = &*app;
    endpoint(&app.settings, req, |ctx| async move {
        let meta = ctx.client_meta(app);
        if let Some(raw) = ctx.cookie(cookies::REFRESH).filter(|_| ctx.body.is_empty()) {
            check_refresh_csrf(app, &ctx, &raw)?;
            let issued = app.rotate_session(&raw, &meta).await?;
            return web_session_reply(
                &issued,
                &app.keys.csrf,
                app.clock.now_secs(),
                WebBody::Refresh,
            );
        }
        let body = ctx.body::<RefreshBody>()?;
        let issued = app.rotate_session(&body.refresh_token, &meta).await?;
        Reply::ok(&TokenResponse::new(&issued, app.clock.now_secs()))
    })
    .await
}

/// The web refresh must carry a CSRF token bound to the refresh token's session.
fn check_refresh_csrf(app: &App, ctx: &Ctx, raw_refresh: &str) -> Result<(), ApiError> {
    let session_id = think_tank_core::auth::refresh::RefreshToken::parse(raw_refresh)
        .ok_or(ApiError::Unauthorized)?
        .session_id;
    let header = ctx.header("x-csrf-token");
    let cookie = ctx.cookie(cookies::CSRF);
    if shared::auth::csrf::verify(&app.keys.csrf, &session_id, header, cookie.as_deref()) {
        Ok(())
    } else {
        Err(ApiError::CsrfFailed)
    }
}

pub async fn logout(app: Arc<App>, req: Request) -> Response<Body> {
    let app = &*app;
    endpoint(&app.settings, req, |ctx| async move {
        ctx.no_body()?;
        let caller = app.authenticate(&ctx).await?;
        app.logout(&caller).await?;
        let detail = serde_json::json!({ "session_id": caller.session_id() });
        app.audit_caller(AuditType::Logout, &ctx.client_meta(app), &caller, detail)
            .await?;
        Ok(no_content_clearing_cookies(caller.via_cookie()))
    })
    .await
}

pub async fn logout_all(app: Arc<App>, req: Request) -> Response<Body> {
    let app = &*app;
    endpoint(&app.settings, req, |ctx| async move {
        ctx.no_body()?;
        let caller = app.authenticate(&ctx).await?;
        let revoked = app.logout_all(&caller).await?;
        let detail = serde_json::json!({ "sessions_revoked": revoked });
        app.audit_caller(AuditType::LogoutAll, &ctx.client_meta(app), &caller, detail)
            .await?;
        Ok(no_content_clearing_cookies(caller.via_cookie()))
    })
    .await
}

pub async fn sessions_list(app: Arc<App>, req: Request) -> Response<Body> {
    let app = &*app;
    endpoint(&app.settings, req, |ctx| async move {
        let claim = app.claim(&ctx)?;
        let (caller, sessions) = app.my_sessions(claim).await?;
        let items = sessions
            .iter()
            .map(|s| SessionView::new(s, caller.session_id()))
            .collect();
        Reply::ok(&SessionList { items })
    })
    .await
}

pub async fn session_revoke(app: Arc<App>, req: Request) -> Response<Body> {
    let app = &*app;
    endpoint(&app.settings, req, |ctx| async move {
        ctx.no_body()?;
        let caller = app.authenticate(&ctx).await?;
        let session_id = ctx.path_id("id")?;
        if !app.revoke_own_session(&caller, session_id).await? {
            return Err(ApiError::NotFound);
        }
        let detail = serde_json::json!({ "session_id": session_id });
        app.audit_caller(
            AuditType::SessionRevoked,
            &ctx.client_meta(app),
            &caller,
            detail,
        )
        .await?;
        Ok(Reply::empty(StatusCode::NO_CONTENT))
    })
    .await
}

pub async fn me(app: Arc<App>, req: Request) -> Response<Body> {
    let app = &*app;
    endpoint(&app.settings, req, |ctx| async move {
        let profile = app.me(app.claim(&ctx)?).await?;
        Reply::ok(&serde_json::json!({ "user": profile }))
    })
    .await
}

pub async fn me_update(app: Arc<App>, req: Request) -> Response<Body> {
    let app = &*app;
    endpoint(&app.settings, req, |ctx| async move {
        let caller = app.authenticate(&ctx).await?;
        let body = ctx.body::<MeBody>()?;
        let mut checks = Checks::default();
        let name = checks.text("name", &body.name, 1, 100);
        checks.finish()?;
        let user = app.rename(&caller, name).await?;
        Reply::ok(&UserEnvelope { user: &user })
    })
    .await
}

pub async fn password_change(app: Arc<App>, req: Request) -> Response<Body> {
    let app = &*app;
    endpoint(&app.settings, req, |ctx| async move {
        let caller = app.authenticate(&ctx).await?;
        let body = ctx.body::<PasswordChangeBody>()?;
        let meta = ctx.client_meta(app);
        app.change_password(&caller, body.0, body.1, &meta).await?;
        Ok(Reply::empty(StatusCode::NO_CONTENT))
    })
    .await
}

/// Renews the current session's proof of identity for sensitive routes.
pub async fn reauthenticate(app: Arc<App>, req: Request) -> Response<Body> {
    let app = &*app;
    endpoint(&app.settings, req, |ctx| async move {
        let caller = app.authenticate(&ctx).await?;
        let (password, code) = ctx.body::<ReauthBody>()?;
        let meta = ctx.client_meta(app);
        app.reauthenticate(&caller, password, code.as_deref(), &meta)
            .await?;
        Ok(Reply::empty(StatusCode::NO_CONTENT))
    })
    .await
}

pub async fn verify_email(app: Arc<App>, req: Request) -> Response<Body> {
    let app = &*app;
    endpoint(&app.settings, req, |ctx| async move {
        let body = ctx.body::<TokenBody>()?;
        let user = app.verify_email(&body.token).await?;
        Reply::ok(&UserEnvelope { user: &user })
    })
    .await
}

/// No session needed: `202` for every well-formed address.
pub async fn verify_email_resend(app: Arc<App>, req: Request) -> Response<Body> {
    let app = &*app;
    endpoint(&app.settings, req, |ctx| async move {
        let email = ctx.body::<EmailBody>()?;
        app.resend_verification(&email, &ctx.client_meta(app))
            .await?;
        Ok(Reply::empty(StatusCode::ACCEPTED))
    })
    .await
}

pub async fn password_forgot(app: Arc<App>, req: Request) -> Response<Body> {
    let app = &*app;
    endpoint(&app.settings, req, |ctx| async move {
        let email = ctx.body::<EmailBody>()?;
        app.forgot_password(&email, &ctx.client_meta(app)).await?;
        Ok(Reply::empty(StatusCode::ACCEPTED))
    })
    .await
}

pub async fn password_reset(app: Arc<App>, req: Request) -> Response<Body> {
    let app = &*app;
    endpoint(&app.settings, req, |ctx| async move {
        let body = ctx.body::<ResetBody>()?;
        let mut checks = Checks::default();
        checks.password("new_password", &body.new_password);
        checks.finish()?;
        let meta = ctx.client_meta(app);
        app.reset_password(&body.token, body.new_password.into(), &meta)
            .await?;
        Ok(Reply::empty(StatusCode::NO_CONTENT))
    })
    .await
}

/// The public keys that verify access tokens: the current one and, during a
/// rotation, the next (and the previous until its tokens have expired).
pub async fn jwks(app: Arc<App>, req: Request) -> Response<Body> {
    let app = &*app;
    endpoint(&app.settings, req, |ctx| async move {
        ctx.no_body()?;
        // Keys rotate with the next one published ahead: five minutes of
        // caching never misses a key in use.
        let reply = Reply::ok(&app.tokens.jwks())?;
        Ok(reply.header(http::header::CACHE_CONTROL, "public, max-age=300"))
    })
    .await
}
