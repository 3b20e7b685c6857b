//! Sockets end with the session: every way a session is revoked closes its
//! sockets, and only its own.

use e2e::{on_both_backends, Api, TestUser};
use serde_json::json;

use super::*;

on_both_backends!(a_role_change_closes_the_users_sockets, ROLES, |api| {
    let boss = api.admin().await;
    let user = api.user().await;
    let mut socket = connected(&api, &user).await;
    let res = api
        .admin_update_user(&boss.access_token, &user.id, json!({ "role": "admin" }))
        .await;
    assert_eq!(res.status, 200);
    assert!(closed_by_server(&mut socket).await);
});

/// Whether the socket still answers a ping.
async fn still_open(socket: &mut Socket) -> bool {
    send(socket, json!({ "action": "ping" })).await;
    next(socket).await["type"] == "pong"
}

/// A second session of the same user, as a fresh login on another device.
async fn second_session(api: &Api, user: &TestUser) -> TestUser {
    let login = api.login(&user.email, &user.password).await;
    assert_eq!(login.status, 200);
    TestUser {
        id: user.id.clone(),
        email: user.email.clone(),
        password: user.password.clone(),
        access_token: login.body["access_token"].as_str().unwrap().to_string(),
        refresh_token: login.body["refresh_token"].as_str().unwrap().to_string(),
        session_id: login.body["session_id"].as_str().unwrap().to_string(),
    }
}

on_both_backends!(logout_closes_that_sessions_sockets_only, |api| {
    let laptop = api.user().await;
    let phone = second_session(&api, &laptop).await;
    let mut on_laptop = connected(&api, &laptop).await;
    let mut on_phone = connected(&api, &phone).await;
    let res = api
        .send_as("POST", "/v1/auth/logout", &laptop.access_token, None)
        .await;
    assert_eq!(res.status, 204);
    assert!(closed_by_server(&mut on_laptop).await);
    assert!(still_open(&mut on_phone).await);
});

on_both_backends!(revoking_a_session_from_the_list_closes_its_sockets, |api| {
    let laptop = api.user().await;
    let phone = second_session(&api, &laptop).await;
    let mut on_phone = connected(&api, &phone).await;
    let path = format!("/v1/auth/sessions/{}", phone.session_id);
    let res = api
        .send_as("DELETE", &path, &laptop.access_token, None)
        .await;
    assert_eq!(res.status, 204);
    assert!(closed_by_server(&mut on_phone).await);
});

on_both_backends!(a_password_change_closes_the_other_sessions_sockets, |api| {
    let laptop = api.user().await;
    let phone = second_session(&api, &laptop).await;
    let mut on_laptop = connected(&api, &laptop).await;
    let mut on_phone = connected(&api, &phone).await;
    let body = json!({ "current_password": laptop.password, "new_password": "a brand new secret" });
    let res = api
        .send_as(
            "POST",
            "/v1/auth/password",
            &laptop.access_token,
            Some(body),
        )
        .await;
    assert_eq!(res.status, 204);
    assert!(closed_by_server(&mut on_phone).await);
    assert!(still_open(&mut on_laptop).await);
});

on_both_backends!(a_password_reset_closes_every_socket, |api| {
    let user = api.user().await;
    let mut socket = connected(&api, &user).await;
    api.post("/v1/auth/password/forgot", json!({ "email": user.email }))
        .await;
    let token = api
        .token_from_email(&user.email, "Reset your password", 1)
        .await;
    let body = json!({ "token": token, "new_password": "reset and renewed" });
    assert_eq!(api.post("/v1/auth/password/reset", body).await.status, 204);
    assert!(closed_by_server(&mut socket).await);
});

on_both_backends!(refresh_reuse_closes_the_sessions_sockets, |api| {
    let user = api.user().await;
    let mut socket = connected(&api, &user).await;
    let refresh = json!({ "refresh_token": user.refresh_token });
    assert_eq!(
        api.post("/v1/auth/refresh", refresh.clone()).await.status,
        200
    );
    let reused = api.post("/v1/auth/refresh", refresh).await;
    assert_eq!(reused.code(), "refresh_reused");
    assert!(closed_by_server(&mut socket).await);
});

on_both_backends!(
    a_ticket_of_a_session_revoked_before_connecting_is_refused,
    |api| {
        let user = api.user().await;
        let t = ticket(&api, &user).await;
        api.send_as("POST", "/v1/auth/logout", &user.access_token, None)
            .await;
        let refused = connect(t["url"].as_str().unwrap(), None).await;
        assert_eq!(refused.err(), Some(401));
    }
);
