//! Accounts without a password (made by a provider sign-in): a password
//! login fails exactly like a wrong password, and `password/forgot` lets the
//! owner set one.

use serde_json::json;
use think_tank_core::domain::AuditType;

use crate::fixtures::{body_json, request, with_body, Harness};
use crate::identities::user_with;

async fn login(h: &Harness, email: &str, password: &str) -> (u16, serde_json::Value) {
    let event = with_body("login", json!({ "email": email, "password": password }));
    let (status, _, body) =
        body_json((auth::LOGIN.handler)(h.app.clone(), request(&event)).await).await;
    (status, body)
}

#[tokio::test]
async fn a_password_login_to_an_account_without_one_fails_like_a_wrong_password() {
    let h = Harness::new();
    let (id, _) = user_with(&h.app, "", &["google"]).await;
    let email = format!("{id}@example.com");
    for guess in ["", "correct horse battery", "anything at all"] {
        let (status, body) = login(&h, &email, guess).await;
        let expected = if guess.is_empty() { 422 } else { 401 };
        assert_eq!(status, expected, "{guess:?}: {body}");
    }
    let (_, body) = login(&h, &email, "anything at all").await;
    assert_eq!(body["code"], "invalid_credentials");
    let now = think_tank_core::clock::Clock::now_secs(&*h.app.core.clock);
    let events = h
        .app
        .core
        .store
        .list_events(Some(&id.as_str().into()), None, 10, now)
        .await
        .unwrap();
    let failures = events
        .items
        .iter()
        .filter(|e| e.kind == AuditType::LoginFailure)
        .count();
    assert_eq!(
        failures, 3,
        "counted towards the lockout like any wrong password"
    );
}

#[tokio::test]
async fn password_forgot_lets_an_account_without_a_password_set_one() {
    let h = Harness::new();
    let (id, _) = user_with(&h.app, "", &["google"]).await;
    let email = format!("{id}@example.com");
    let forgot = with_body("password-forgot", json!({ "email": email }));
    let (status, _, _) =
        body_json((auth::PASSWORD_FORGOT.handler)(h.app.clone(), request(&forgot)).await).await;
    assert_eq!(status, 202);
    h.run_worker().await;
    let mails = h.outbox_files().join("\n");
    let token: String = mails
        .split("reset-password?token=")
        .nth(1)
        .expect("a reset email")
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    let reset = with_body(
        "password-reset",
        json!({ "token": token, "new_password": "a brand new password" }),
    );
    let (status, _, _) =
        body_json((auth::PASSWORD_RESET.handler)(h.app.clone(), request(&reset)).await).await;
    assert_eq!(status, 204);
    let (status, login) = login(&h, &email, "a brand new password").await;
    assert_eq!(status, 200, "{login}");
    let token = login["access_token"].as_str().unwrap();
    let me = crate::fixtures::fixture_with("me", &[("ACCESS_TOKEN", token)]);
    let (_, _, me) = body_json((auth::ME.handler)(h.app.clone(), request(&me)).await).await;
    assert_eq!(me["user"]["has_password"], true);
}
