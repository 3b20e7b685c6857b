use crate::fixtures::{body_json, fixture, fixture_with, request, Harness};
use think_tank_core::services::admin::Admin;

async fn registered_and_logged_in(h: &Harness) -> serde_json::Value {
    let (status, _, _) =
        body_json((auth::REGISTER.handler)(h.app.clone(), request(&fixture("register"))).await)
            .await;
    assert_eq!(status, 201);
    crate::fixtures::mark_verified(&h.app, "fixture@example.com").await;
    let (status, _, body) =
        body_json((auth::LOGIN.handler)(h.app.clone(), request(&fixture("login"))).await).await;
    assert_eq!(status, 200, "{body}");
    body
}

#[tokio::test]
async fn register_from_an_api_gateway_event_answers_201_with_the_gateway_request_id() {
    let h = Harness::new();
    let response = (auth::REGISTER.handler)(h.app.clone(), request(&fixture("register"))).await;
    let (status, headers, body) = body_json(response).await;
    assert_eq!(status, 201);
    assert_eq!(headers["x-request-id"], "fixture-register-0001");
    assert_eq!(body["user"]["email"], "fixture@example.com");
    assert_eq!(h.queue.pending(), 1, "a verification email is queued");
}

#[tokio::test]
async fn a_base64_encoded_login_event_returns_tokens_that_open_me() {
    let h = Harness::new();
    let login = registered_and_logged_in(&h).await;
    let token = login["access_token"].as_str().unwrap();
    let me = fixture_with("me", &[("ACCESS_TOKEN", token)]);
    let (status, headers, body) =
        body_json((auth::ME.handler)(h.app.clone(), request(&me)).await).await;
    assert_eq!(
        (status, body["user"]["email"].as_str()),
        (200, Some("fixture@example.com"))
    );
    assert_eq!(headers["cache-control"], "no-store");
}

#[tokio::test]
async fn a_path_parameter_event_revokes_that_session_and_its_token_at_once() {
    let h = Harness::new();
    let login = registered_and_logged_in(&h).await;
    let token = login["access_token"].as_str().unwrap();
    let session = login["session_id"].as_str().unwrap();
    let revoke = fixture_with(
        "session-revoke",
        &[("ACCESS_TOKEN", token), ("SESSION_ID", session)],
    );
    let (status, _, _) =
        body_json((auth::SESSION_REVOKE.handler)(h.app.clone(), request(&revoke)).await).await;
    assert_eq!(status, 204);
    let me = fixture_with("me", &[("ACCESS_TOKEN", token)]);
    let (status, _, body) = body_json((auth::ME.handler)(h.app.clone(), request(&me)).await).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (401, Some("token_revoked"))
    );
}

#[tokio::test]
async fn the_client_ip_is_stored_only_as_a_keyed_hash() {
    let h = Harness::new();
    registered_and_logged_in(&h).await;
    let page = h
        .app
        .service::<Admin>()
        .list_audit(None, None, 10)
        .await
        .unwrap();
    let event = &page.items[0];
    let hash = event.ip_hash.as_deref().unwrap();
    assert_eq!(hash, h.app.core.ip_hash("203.0.113.77"));
    assert!(!hash.contains("203.0.113"));
}
