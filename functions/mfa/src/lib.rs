//! Second factors (README, "Two-step sign-in"): TOTP, the phone and SMS
//! codes, backup codes, and turning MFA off. Each handler: parse, authenticate, call one service, answer.

#[cfg(feature = "openapi")]
pub mod docs;

use edge::auth::Gate;
use edge::http::{endpoint, Reply};
use http::{Response, StatusCode};
use lambda_http::{Body, Request};
use serde::{Deserialize, Serialize};
use think_tank_core::app::Mail;
use think_tank_core::services::mfa::Factors;
use think_tank_core::services::sessions::Sessions;
use think_tank_core::ApiError;

shared::handlers! {
    MFA_TOTP_SETUP: "mfa-totp-setup" => totp_setup(Factors);
    MFA_TOTP_ENABLE: "mfa-totp-enable" => totp_enable(Factors<Mail, Sessions>);
    MFA_BACKUP_CODES: "mfa-backup-codes" => backup_codes(Factors<Mail>);
    MFA_DISABLE: "mfa-disable" => disable(Factors<Mail, Sessions>);
    PHONE_ADD: "phone-add" => phone_add(Factors<Mail>);
    PHONE_VERIFY: "phone-verify" => phone_verify(Factors<Mail>);
    PHONE_DELETE: "phone-delete" => phone_delete(Factors<Mail>);
    MFA_SMS_ENABLE: "mfa-sms-enable" => sms_enable(Factors<Mail, Sessions>);
    MFA_SMS_SEND: "mfa-sms-send" => sms_send(Factors<Mail>);
}

#[derive(Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
struct PhoneBody {
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = r"^\+[1-9][0-9]{6,14}$", example = "+447700900123")
    )]
    phone: String,
}

#[derive(Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
struct CodeBody {
    #[cfg_attr(feature = "openapi", schema(min_length = 1))]
    code: String,
}

#[derive(Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
struct DisableBody {
    #[serde(default)]
    password: Option<String>,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, pattern = r"\S"))]
    code: String,
}

#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
struct BackupCodes {
    backup_codes: Vec<String>,
}

#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = TotpSetup))]
struct Setup {
    secret: String,
    otpauth_uri: String,
}

/// `POST /v1/auth/mfa/totp/setup` (sensitive).
pub async fn totp_setup(factors: Factors<'_>, req: Request) -> Response<Body> {
    let core = factors.core();
    endpoint(&core.settings, req, |ctx| async move {
        ctx.no_body()?;
        let caller = core.authenticate(&ctx).await?;
        let setup = factors.totp_setup(&caller).await?;
        Reply::ok(&Setup {
            secret: setup.secret,
            otpauth_uri: setup.otpauth_uri,
        })
    })
    .await
}

/// `POST /v1/auth/mfa/totp/enable`.
pub async fn totp_enable(
    factors: Factors<'_, Mail<'_>, Sessions<'_>>,
    req: Request,
) -> Response<Body> {
    let core = factors.core();
    endpoint(&core.settings, req, |ctx| async move {
        let caller = core.authenticate(&ctx).await?;
        let body = ctx.body::<CodeBody>()?;
        let meta = ctx.client_meta(core);
        let backup_codes = factors.totp_enable(&caller, &body.code, &meta).await?;
        Reply::ok(&BackupCodes { backup_codes })
    })
    .await
}

/// `POST /v1/auth/mfa/backup-codes` (sensitive).
pub async fn backup_codes(factors: Factors<'_, Mail<'_>>, req: Request) -> Response<Body> {
    let core = factors.core();
    endpoint(&core.settings, req, |ctx| async move {
        ctx.no_body()?;
        let caller = core.authenticate(&ctx).await?;
        let meta = ctx.client_meta(core);
        let backup_codes = factors.regenerate_backup_codes(&caller, &meta).await?;
        Reply::ok(&BackupCodes { backup_codes })
    })
    .await
}

/// `POST /v1/auth/mfa/disable`: password (if the account has one) and a code.
pub async fn disable(factors: Factors<'_, Mail<'_>, Sessions<'_>>, req: Request) -> Response<Body> {
    let core = factors.core();
    endpoint(&core.settings, req, |ctx| async move {
        let caller = core.authenticate(&ctx).await?;
        let body = ctx.body::<DisableBody>()?;
        if body.code.trim().is_empty() {
            return Err(ApiError::field("code", "is required"));
        }
        let password = body.password.filter(|p| !p.is_empty()).map(Into::into);
        let meta = ctx.client_meta(core);
        factors
            .disable_mfa(&caller, password, &body.code, &meta)
            .await?;
        Ok(Reply::empty(StatusCode::NO_CONTENT))
    })
    .await
}

/// `POST /v1/auth/phone` (sensitive): `202`, a code is on its way.
pub async fn phone_add(factors: Factors<'_, Mail<'_>>, req: Request) -> Response<Body> {
    let core = factors.core();
    endpoint(&core.settings, req, |ctx| async move {
        let caller = core.authenticate(&ctx).await?;
        let body = ctx.body::<PhoneBody>()?;
        factors
            .add_phone(&caller, &body.phone, &ctx.client_meta(core))
            .await?;
        Ok(Reply::empty(StatusCode::ACCEPTED))
    })
    .await
}

/// `POST /v1/auth/phone/verify`.
pub async fn phone_verify(factors: Factors<'_, Mail<'_>>, req: Request) -> Response<Body> {
    let core = factors.core();
    endpoint(&core.settings, req, |ctx| async move {
        let caller = core.authenticate(&ctx).await?;
        let body = ctx.body::<CodeBody>()?;
        let meta = ctx.client_meta(core);
        let user = factors.verify_phone(&caller, &body.code, &meta).await?;
        Reply::enveloped(StatusCode::OK, &user)
    })
    .await
}

/// `DELETE /v1/auth/phone` (sensitive).
pub async fn phone_delete(factors: Factors<'_, Mail<'_>>, req: Request) -> Response<Body> {
    let core = factors.core();
    endpoint(&core.settings, req, |ctx| async move {
        ctx.no_body()?;
        let caller = core.authenticate(&ctx).await?;
        factors.remove_phone(&caller).await?;
        Ok(Reply::empty(StatusCode::NO_CONTENT))
    })
    .await
}

/// `POST /v1/auth/mfa/sms/enable` (sensitive).
pub async fn sms_enable(
    factors: Factors<'_, Mail<'_>, Sessions<'_>>,
    req: Request,
) -> Response<Body> {
    let core = factors.core();
    endpoint(&core.settings, req, |ctx| async move {
        ctx.no_body()?;
        let caller = core.authenticate(&ctx).await?;
        let meta = ctx.client_meta(core);
        let backup_codes = factors.enable_sms_mfa(&caller, &meta).await?;
        Reply::ok(&BackupCodes { backup_codes })
    })
    .await
}

/// `POST /v1/auth/mfa/sms/send`: a code for `reauthenticate` or `mfa/disable`.
pub async fn sms_send(factors: Factors<'_, Mail<'_>>, req: Request) -> Response<Body> {
    let core = factors.core();
    endpoint(&core.settings, req, |ctx| async move {
        ctx.no_body()?;
        let caller = core.authenticate(&ctx).await?;
        factors
            .send_sign_in_code(&caller, &ctx.client_meta(core))
            .await?;
        Ok(Reply::empty(StatusCode::ACCEPTED))
    })
    .await
}

// Their field types are the whole check.
edge::typed_bodies!(CodeBody, DisableBody, PhoneBody);
