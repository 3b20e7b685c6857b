//! Authentication routes (README, "Auth in short"). Each handler: parse, authenticate,
//! call one service, answer. `src/bin/<route>.rs` runs one as a Lambda.

#[cfg(feature = "openapi")]
pub mod docs;

mod bodies;
mod replies;

use edge::auth::Gate;
use edge::http::cookies;
use edge::http::{endpoint, Ctx, Reply};
use http::{Response, StatusCode};
use lambda_http::{Body, Request};
use think_tank_core::app::{Core, Mail};
use think_tank_core::domain::AuditType;
use think_tank_core::domain::SessionId;
use think_tank_core::error::{AccessError, AccountError};
use think_tank_core::services::accounts::Accounts;
use think_tank_core::services::login::SignIn;
use think_tank_core::services::mfa::Factors;
use think_tank_core::services::second_factor::Credentials;
use think_tank_core::services::sessions::Sessions;
use think_tank_core::services::validate::Checks;
use think_tank_core::ApiError;

use bodies::*;
use replies::*;

shared::handlers! {
    REGISTER: "register" => register(Accounts<Mail>);
    LOGIN: "login" => login(SignIn);
    LOGIN_WEB: "login-web" => login_web(SignIn);
    LOGIN_MFA: "login-mfa" => login_mfa(SignIn);
    LOGIN_MFA_SMS: "login-mfa-sms" => login_mfa_sms(Factors<Mail>);
    REFRESH: "refresh" => refresh(Sessions);
    LOGOUT: "logout" => logout(Sessions);
    LOGOUT_ALL: "logout-all" => logout_all(Sessions);
    SESSIONS_LIST: "sessions-list" => sessions_list(Accounts);
    SESSION_REVOKE: "session-revoke" => session_revoke(Sessions);
    ME: "me" => me(Accounts);
    ME_UPDATE: "me-update" => me_update(Accounts);
    PASSWORD_CHANGE: "password-change" => password_change(Accounts<Mail, Sessions>);
    REAUTHENTICATE: "reauthenticate" => reauthenticate(Credentials);
    VERIFY_EMAIL: "verify-email" => verify_email(Accounts);
    VERIFY_EMAIL_RESEND: "verify-email-resend" => verify_email_resend(Accounts<Mail>);
    PASSWORD_FORGOT: "password-forgot" => password_forgot(Accounts<Mail>);
    PASSWORD_RESET: "password-reset" => password_reset(Accounts<Mail, Sessions>);
    JWKS: "jwks" => jwks(&Core);
}

pub async fn register(accounts: Accounts<'_, Mail<'_>>, req: Request) -> Response<Body> {
    let core = accounts.core();
    endpoint(&core.settings, req, |ctx| async move {
        let input = ctx.body::<RegisterBody>()?;
        let user = accounts.register(input, &ctx.client_meta(core)).await?;
        Reply::enveloped(StatusCode::CREATED, &user)
    })
    .await
}

pub async fn login(sign_in: SignIn<'_>, req: Request) -> Response<Body> {
    let core = sign_in.core();
    endpoint(&core.settings, req, |ctx| async move {
        let input = ctx.body::<LoginBody>()?;
        let issued = sign_in.login(input, &ctx.client_meta(core)).await?;
        Reply::ok(&TokenResponse::new(&issued, core.clock.now_secs()))
    })
    .await
}

pub async fn login_web(sign_in: SignIn<'_>, req: Request) -> Response<Body> {
    let core = sign_in.core();
    endpoint(&core.settings, req, |ctx| async move {
        let mut input = ctx.body::<LoginBody>()?;
        input.web = true;
        let issued = sign_in.login(input, &ctx.client_meta(core)).await?;
        web_session_reply(
            &issued,
            &core.keys.csrf,
            core.clock.now_secs(),
            WebBody::Login,
        )
    })
    .await
}

/// The second step of an MFA login: answers as the login that issued the token.
pub async fn login_mfa(sign_in: SignIn<'_>, req: Request) -> Response<Body> {
    let core = sign_in.core();
    endpoint(&core.settings, req, |ctx| async move {
        let body = ctx.body::<MfaLoginBody>()?;
        let meta = ctx.client_meta(core);
        let signed_in = sign_in
            .login_with_code(&body.mfa_token, &body.code, &meta)
            .await?;
        let now = core.clock.now_secs();
        if signed_in.web {
            web_session_reply(&signed_in.issued, &core.keys.csrf, now, WebBody::Login)
        } else {
            Reply::ok(&TokenResponse::new(&signed_in.issued, now))
        }
    })
    .await
}

/// Texts the code for a pending MFA login: `202`.
pub async fn login_mfa_sms(factors: Factors<'_, Mail<'_>>, req: Request) -> Response<Body> {
    let core = factors.core();
    endpoint(&core.settings, req, |ctx| async move {
        let body = ctx.body::<MfaTokenBody>()?;
        factors
            .send_login_code(&body.mfa_token, &ctx.client_meta(core))
            .await?;
        Ok(Reply::empty(StatusCode::ACCEPTED))
    })
    .await
}

pub async fn refresh(sessions: Sessions<'_>, req: Request) -> Response<Body> {
    let core = sessions.core();
    endpoint(&core.settings, req, |ctx| async move {
        let meta = ctx.client_meta(core);
        if let Some(raw) = ctx.cookie(cookies::REFRESH).filter(|_| ctx.body.is_empty()) {
            check_refresh_csrf(core, &ctx, &raw)?;
            let issued = sessions.rotate_session(&raw, &meta).await?;
            return web_session_reply(
                &issued,
                &core.keys.csrf,
                core.clock.now_secs(),
                WebBody::Refresh,
            );
        }
        let body = ctx.body::<RefreshBody>()?;
        let issued = sessions.rotate_session(&body.refresh_token, &meta).await?;
        Reply::ok(&TokenResponse::new(&issued, core.clock.now_secs()))
    })
    .await
}

/// The web refresh must carry a CSRF token bound to the refresh token's session.
fn check_refresh_csrf(core: &Core, ctx: &Ctx, raw_refresh: &str) -> Result<(), ApiError> {
    let session_id = think_tank_core::auth::refresh::RefreshToken::parse(raw_refresh)
        .ok_or(AccessError::Unauthenticated)?
        .session_id;
    let header = ctx.header("x-csrf-token");
    let cookie = ctx.cookie(cookies::CSRF);
    if edge::auth::csrf::verify(&core.keys.csrf, &session_id, header, cookie.as_deref()) {
        Ok(())
    } else {
        Err(ApiError::Access(AccessError::CsrfFailed))
    }
}

pub async fn logout(sessions: Sessions<'_>, req: Request) -> Response<Body> {
    let core = sessions.core();
    endpoint(&core.settings, req, |ctx| async move {
        ctx.no_body()?;
        let caller = core.authenticate(&ctx).await?;
        sessions.logout(&caller).await?;
        let detail = serde_json::json!({ "session_id": caller.session_id() });
        core.audit_caller(AuditType::Logout, &ctx.client_meta(core), &caller, detail)
            .await?;
        Ok(no_content_clearing_cookies(caller.via_cookie()))
    })
    .await
}

pub async fn logout_all(sessions: Sessions<'_>, req: Request) -> Response<Body> {
    let core = sessions.core();
    endpoint(&core.settings, req, |ctx| async move {
        ctx.no_body()?;
        let caller = core.authenticate(&ctx).await?;
        let revoked = sessions.logout_all(&caller).await?;
        let detail = serde_json::json!({ "sessions_revoked": revoked });
        core.audit_caller(
            AuditType::LogoutAll,
            &ctx.client_meta(core),
            &caller,
            detail,
        )
        .await?;
        Ok(no_content_clearing_cookies(caller.via_cookie()))
    })
    .await
}

pub async fn sessions_list(accounts: Accounts<'_>, req: Request) -> Response<Body> {
    let core = accounts.core();
    endpoint(&core.settings, req, |ctx| async move {
        let claim = core.claim(&ctx)?;
        let (caller, sessions) = accounts.my_sessions(claim).await?;
        let items = sessions
            .iter()
            .map(|s| SessionView::new(s, caller.session_id()))
            .collect();
        Reply::ok(&SessionList { items })
    })
    .await
}

pub async fn session_revoke(sessions: Sessions<'_>, req: Request) -> Response<Body> {
    let core = sessions.core();
    endpoint(&core.settings, req, |ctx| async move {
        ctx.no_body()?;
        let caller = core.authenticate(&ctx).await?;
        let session_id: &SessionId = &ctx.path_id("id")?;
        if !sessions.revoke_own_session(&caller, session_id).await? {
            return Err(AccountError::SessionNotFound.into());
        }
        let detail = serde_json::json!({ "session_id": session_id });
        core.audit_caller(
            AuditType::SessionRevoked,
            &ctx.client_meta(core),
            &caller,
            detail,
        )
        .await?;
        Ok(Reply::empty(StatusCode::NO_CONTENT))
    })
    .await
}

pub async fn me(accounts: Accounts<'_>, req: Request) -> Response<Body> {
    let core = accounts.core();
    endpoint(&core.settings, req, |ctx| async move {
        let profile = accounts.me(core.claim(&ctx)?).await?;
        Reply::enveloped(StatusCode::OK, &profile)
    })
    .await
}

pub async fn me_update(accounts: Accounts<'_>, req: Request) -> Response<Body> {
    let core = accounts.core();
    endpoint(&core.settings, req, |ctx| async move {
        let caller = core.authenticate(&ctx).await?;
        let body = ctx.body::<MeBody>()?;
        let mut checks = Checks::default();
        let name = checks.text("name", &body.name, 1, 100);
        checks.finish()?;
        let user = accounts.rename(&caller, name).await?;
        Reply::enveloped(StatusCode::OK, &user)
    })
    .await
}

pub async fn password_change(
    accounts: Accounts<'_, Mail<'_>, Sessions<'_>>,
    req: Request,
) -> Response<Body> {
    let core = accounts.core();
    endpoint(&core.settings, req, |ctx| async move {
        let caller = core.authenticate(&ctx).await?;
        let body = ctx.body::<PasswordChangeBody>()?;
        let meta = ctx.client_meta(core);
        accounts
            .change_password(&caller, body.0, body.1, &meta)
            .await?;
        Ok(Reply::empty(StatusCode::NO_CONTENT))
    })
    .await
}

/// Renews the current session's proof of identity for sensitive routes.
pub async fn reauthenticate(credentials: Credentials<'_>, req: Request) -> Response<Body> {
    let core = credentials.core();
    endpoint(&core.settings, req, |ctx| async move {
        let caller = core.authenticate(&ctx).await?;
        let (password, code) = ctx.body::<ReauthBody>()?;
        let meta = ctx.client_meta(core);
        credentials
            .reauthenticate(&caller, password, code.as_deref(), &meta)
            .await?;
        Ok(Reply::empty(StatusCode::NO_CONTENT))
    })
    .await
}

pub async fn verify_email(accounts: Accounts<'_>, req: Request) -> Response<Body> {
    let core = accounts.core();
    endpoint(&core.settings, req, |ctx| async move {
        let body = ctx.body::<TokenBody>()?;
        let user = accounts.verify_email(&body.token).await?;
        Reply::enveloped(StatusCode::OK, &user)
    })
    .await
}

/// No session needed: `202` for every well-formed address.
pub async fn verify_email_resend(accounts: Accounts<'_, Mail<'_>>, req: Request) -> Response<Body> {
    let core = accounts.core();
    endpoint(&core.settings, req, |ctx| async move {
        let email = ctx.body::<EmailBody>()?;
        accounts
            .resend_verification(&email, &ctx.client_meta(core))
            .await?;
        Ok(Reply::empty(StatusCode::ACCEPTED))
    })
    .await
}

pub async fn password_forgot(accounts: Accounts<'_, Mail<'_>>, req: Request) -> Response<Body> {
    let core = accounts.core();
    endpoint(&core.settings, req, |ctx| async move {
        let email = ctx.body::<EmailBody>()?;
        accounts
            .forgot_password(&email, &ctx.client_meta(core))
            .await?;
        Ok(Reply::empty(StatusCode::ACCEPTED))
    })
    .await
}

pub async fn password_reset(
    accounts: Accounts<'_, Mail<'_>, Sessions<'_>>,
    req: Request,
) -> Response<Body> {
    let core = accounts.core();
    endpoint(&core.settings, req, |ctx| async move {
        let body = ctx.body::<ResetBody>()?;
        let mut checks = Checks::default();
        checks.password("new_password", &body.new_password);
        checks.finish()?;
        let meta = ctx.client_meta(core);
        accounts
            .reset_password(&body.token, body.new_password.into(), &meta)
            .await?;
        Ok(Reply::empty(StatusCode::NO_CONTENT))
    })
    .await
}

/// The public keys that verify access tokens: the current one and, during a
/// rotation, the next (and the previous until its tokens have expired).
pub async fn jwks(core: &Core, req: Request) -> Response<Body> {
    endpoint(&core.settings, req, |ctx| async move {
        ctx.no_body()?;
        // Keys rotate with the next one published ahead: five minutes of
        // caching never misses a key in use.
        let reply = Reply::ok(&core.tokens.jwks())?;
        Ok(reply.header(http::header::CACHE_CONTROL, "public, max-age=300"))
    })
    .await
}
