//! Every flow that handles a secret runs with logs captured at TRACE; none of
//! the secrets or the client's raw IP may appear.

use std::io::Write;
use std::sync::{Mutex, OnceLock};

use serde_json::json;
use shared::logging::LogFormat;

use crate::fixtures::{body_json, fixture, fixture_with, request, with_body, Harness};

static CAPTURED: Mutex<Vec<u8>> = Mutex::new(Vec::new());

struct Capture;

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        CAPTURED.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn capture_logs() {
    static INIT: OnceLock<()> = OnceLock::new();
    INIT.get_or_init(|| {
        let filter = tracing_subscriber::EnvFilter::new("trace");
        let subscriber = shared::logging::subscriber(LogFormat::Json, filter, || Capture);
        tracing::subscriber::set_global_default(subscriber).expect("no other global subscriber");
    });
}

#[tokio::test]
async fn no_token_password_or_raw_ip_reaches_the_logs() {
    capture_logs();
    let h = Harness::new();
    let app = &h.app;
    let (_, _, _) =
        body_json((auth::REGISTER.handler)(app.clone(), request(&fixture("register"))).await).await;
    crate::fixtures::mark_verified(app, "fixture@example.com").await;
    let wrong = with_body(
        "login",
        json!({ "email": "fixture@example.com", "password": "wrong secret 987" }),
    );
    body_json((auth::LOGIN.handler)(app.clone(), request(&wrong)).await).await;
    let (_, _, login) =
        body_json((auth::LOGIN.handler)(app.clone(), request(&fixture("login"))).await).await;
    let access = login["access_token"].as_str().unwrap().to_string();
    let refresh = login["refresh_token"].as_str().unwrap().to_string();
    let refreshed = with_body("login", json!({ "refresh_token": refresh }));
    let (_, _, rotated) =
        body_json((auth::REFRESH.handler)(app.clone(), request(&refreshed)).await).await;
    body_json((auth::REFRESH.handler)(app.clone(), request(&refreshed)).await).await;
    body_json(
        (auth::ME.handler)(
            app.clone(),
            request(&fixture_with("me", &[("ACCESS_TOKEN", &access)])),
        )
        .await,
    )
    .await;
    let forgot = with_body("login", json!({ "email": "fixture@example.com" }));
    body_json((auth::PASSWORD_FORGOT.handler)(app.clone(), request(&forgot)).await).await;
    h.run_worker().await;
    let mails = h.outbox_files().join("\n");
    let reset_token = mails
        .split("reset-password?token=")
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();
    let reset = with_body(
        "login",
        json!({ "token": reset_token, "new_password": "brand new secret 42" }),
    );
    let (status, _, _) =
        body_json((auth::PASSWORD_RESET.handler)(app.clone(), request(&reset)).await).await;
    assert_eq!(status, 204);

    let logs = String::from_utf8(CAPTURED.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("email sent"), "the capture works: {logs}");
    let secrets = [
        "fixture password 1",
        "wrong secret 987",
        "brand new secret 42",
        access.as_str(),
        refresh.as_str(),
        rotated["refresh_token"].as_str().unwrap(),
        reset_token.as_str(),
        "203.0.113.77",
    ];
    for secret in secrets {
        assert!(
            !logs.contains(secret),
            "a secret reached the logs: {secret}"
        );
    }
}

#[tokio::test]
async fn every_log_line_of_a_request_names_the_request_its_route_and_its_user() {
    capture_logs();
    let app = crate::side_effects::app_with_queue_down();
    let (_, token, user_id) =
        crate::side_effects::register_and_login(&app, "spans@example.com").await;
    let path = "/v1/auth/phone";
    let body = json!({ "phone": "+14155550100" });
    let mut e = crate::calls::event("POST", path, path, &token, Some(body));
    // Other tests log failures of fixture events too: this one's id is its own.
    let request_id = e2e::unique_name("spans-request");
    e["requestContext"]["requestId"] = json!(request_id);
    let (status, _, _) = body_json((mfa::PHONE_ADD.handler)(app, request(&e)).await).await;
    assert_eq!(
        status, 503,
        "the queue is down, so the text cannot be queued and the request logs an error"
    );
    let logs = String::from_utf8(CAPTURED.lock().unwrap().clone()).unwrap();
    let failed = logs
        .lines()
        .find(|l| l.contains("request failed") && l.contains(&request_id))
        .expect("the failure is logged with its request id");
    assert!(failed.contains("POST /v1/auth/phone"), "{failed}");
    assert!(failed.contains(&user_id), "{failed}");
}

/// The route's fixture as `token`'s request, with `body`.
fn authed(name: &str, token: &str, body: Option<serde_json::Value>) -> serde_json::Value {
    let mut e = match body {
        Some(body) => with_body(name, body),
        None => fixture(name),
    };
    e["headers"]["authorization"] = json!(format!("Bearer {token}"));
    e
}

#[tokio::test]
async fn no_second_factor_secret_reaches_the_logs() {
    use think_tank_core::auth::totp;

    capture_logs();
    let h = Harness::new();
    let app = &h.app;
    body_json((auth::REGISTER.handler)(app.clone(), request(&fixture("register"))).await).await;
    crate::fixtures::mark_verified(app, "fixture@example.com").await;
    let (_, _, login) =
        body_json((auth::LOGIN.handler)(app.clone(), request(&fixture("login"))).await).await;
    let access = login["access_token"].as_str().unwrap().to_string();
    let setup = authed("mfa-totp-setup", &access, None);
    let (_, _, setup) =
        body_json((mfa::MFA_TOTP_SETUP.handler)(app.clone(), request(&setup)).await).await;
    let seed = setup["secret"].as_str().unwrap().to_string();
    let code = totp::code_at(
        &totp::from_base32(&seed).unwrap(),
        app.core.clock.now_secs(),
    )
    .unwrap();
    let enable = authed("mfa-totp-enable", &access, Some(json!({ "code": code })));
    let (_, _, enabled) =
        body_json((mfa::MFA_TOTP_ENABLE.handler)(app.clone(), request(&enable)).await).await;
    let backup: Vec<String> = serde_json::from_value(enabled["backup_codes"].clone()).unwrap();

    let (status, _, challenge) =
        body_json((auth::LOGIN.handler)(app.clone(), request(&fixture("login"))).await).await;
    assert_eq!(status, 401);
    let mfa_token = challenge["mfa_token"].as_str().unwrap().to_string();
    let finish = with_body(
        "login-mfa",
        json!({ "mfa_token": mfa_token, "code": backup[0] }),
    );
    let (status, _, _) =
        body_json((auth::LOGIN_MFA.handler)(app.clone(), request(&finish)).await).await;
    assert_eq!(status, 200);

    let add = authed(
        "phone-add",
        &access,
        Some(json!({ "phone": "+14155552671" })),
    );
    body_json((mfa::PHONE_ADD.handler)(app.clone(), request(&add)).await).await;
    h.run_worker().await;
    let texts = h.outbox_files().join("\n");
    let at = texts.find("code is ").expect("a text in the outbox") + "code is ".len();
    let sms_code = texts[at..at + 6].to_string();
    let verify = authed("phone-verify", &access, Some(json!({ "code": sms_code })));
    let (status, _, _) =
        body_json((mfa::PHONE_VERIFY.handler)(app.clone(), request(&verify)).await).await;
    assert_eq!(status, 200);

    let logs = String::from_utf8(CAPTURED.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("sms sent"), "the capture works");
    let mut secrets = vec![seed, mfa_token];
    secrets.extend(backup);
    // Six digits alone turn up in timestamps: look for them as values and in the text.
    for six in [code, sms_code] {
        secrets.extend([
            format!("\"{six}\""),
            format!("\\\"{six}\\\""),
            format!("is {six}"),
        ]);
    }
    for secret in secrets {
        assert!(
            !logs.contains(&secret),
            "a secret reached the logs: {secret}"
        );
    }
}
