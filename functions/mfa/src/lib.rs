//! Second factors (README, "Two-step sign-in"): TOTP, backup codes, and
//! turning MFA off. Each handler: parse, authenticate, call one service, answer.

use std::sync::Arc;

use http::{Response, StatusCode};
use lambda_http::{Body, Request};
use serde::{Deserialize, Serialize};
use shared::auth::Gate;
use shared::http::{endpoint, Reply};
use shared::{ApiError, App};

shared::handlers! {
    MFA_TOTP_SETUP: "mfa-totp-setup" => totp_setup, uses [];
    MFA_TOTP_ENABLE: "mfa-totp-enable" => totp_enable, uses [EmailQueue];
    MFA_BACKUP_CODES: "mfa-backup-codes" => backup_codes, uses [];
    MFA_DISABLE: "mfa-disable" => disable, uses [EmailQueue];
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CodeBody {
    code: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DisableBody {
    #[serde(default)]
    password: Option<String>,
    code: String,
}

#[derive(Serialize)]
struct BackupCodes {
    backup_codes: Vec<String>,
}

#[derive(Serialize)]
struct Setup {
    secret: String,
    otpauth_uri: String,
}

/// `POST /v1/auth/mfa/totp/setup` (sensitive).
pub async fn totp_setup(app: Arc<App>, req: Request) -> Response<Body> {
    let app = &*app;
    endpoint(&app.settings.allowed_origins, req, |ctx| async move {
        ctx.no_body()?;
        let caller = app.authenticate(&ctx).await?;
        let setup = app.totp_setup(&caller).await?;
        Reply::ok(&Setup {
            secret: setup.secret,
            otpauth_uri: setup.otpauth_uri,
        })
    })
    .await
}

/// `POST /v1/auth/mfa/totp/enable`.
pub async fn totp_enable(app: Arc<App>, req: Request) -> Response<Body> {
    let app = &*app;
    endpoint(&app.settings.allowed_origins, req, |ctx| async move {
        let caller = app.authenticate(&ctx).await?;
        let body = ctx.json::<CodeBody>()?;
        let meta = ctx.client_meta(app);
        let backup_codes = app.totp_enable(&caller, &body.code, &meta).await?;
        Reply::ok(&BackupCodes { backup_codes })
    })
    .await
}

/// `POST /v1/auth/mfa/backup-codes` (sensitive).
pub async fn backup_codes(app: Arc<App>, req: Request) -> Response<Body> {
    let app = &*app;
    endpoint(&app.settings.allowed_origins, req, |ctx| async move {
        ctx.no_body()?;
        let caller = app.authenticate(&ctx).await?;
        let meta = ctx.client_meta(app);
        let backup_codes = app.regenerate_backup_codes(&caller, &meta).await?;
        Reply::ok(&BackupCodes { backup_codes })
    })
    .await
}

/// `POST /v1/auth/mfa/disable`: password (if the account has one) and a code.
pub async fn disable(app: Arc<App>, req: Request) -> Response<Body> {
    let app = &*app;
    endpoint(&app.settings.allowed_origins, req, |ctx| async move {
        let caller = app.authenticate(&ctx).await?;
        let body = ctx.json::<DisableBody>()?;
        if body.code.trim().is_empty() {
            return Err(ApiError::field("code", "is required"));
        }
        let password = body.password.filter(|p| !p.is_empty()).map(Into::into);
        let meta = ctx.client_meta(app);
        app.disable_mfa(&caller, password, &body.code, &meta)
            .await?;
        Ok(Reply::empty(StatusCode::NO_CONTENT))
    })
    .await
}
