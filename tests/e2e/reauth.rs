//! `POST /v1/auth/reauthenticate`: the password renews the current session's
//! proof of identity; wrong ones count towards the lockout like failed logins.

use e2e::{on_both_backends, Api, TestUser};
use serde_json::json;

async fn reauthenticate(api: &Api, user: &TestUser, password: &str) -> e2e::Resp {
    let bearer = format!("Bearer {}", user.access_token);
    let body = json!({ "password": password });
    api.call(
        "POST",
        "/v1/auth/reauthenticate",
        Some(body),
        &[("authorization", &bearer)],
    )
    .await
}

on_both_backends!(the_right_password_reauthenticates_the_session, |api| {
    let user = api.user().await;
    let res = reauthenticate(&api, &user, &user.password).await;
    assert_eq!(res.status, 204, "{}", res.body);
});

on_both_backends!(a_wrong_password_is_refused_as_invalid_credentials, |api| {
    let user = api.user().await;
    let res = reauthenticate(&api, &user, "not my password").await;
    assert_eq!((res.status, res.code()), (401, "invalid_credentials"));
});

on_both_backends!(
    wrong_reauthentication_passwords_lock_the_account_like_failed_logins,
    |api| {
        let user = api.user().await;
        for _ in 0..5 {
            let res = reauthenticate(&api, &user, "not my password").await;
            assert_eq!(res.code(), "invalid_credentials");
        }
        let res = reauthenticate(&api, &user, &user.password).await;
        assert_eq!((res.status, res.code()), (429, "account_locked"));
        let login = api.login(&user.email, &user.password).await;
        assert_eq!(login.code(), "account_locked");
    }
);

on_both_backends!(reauthentication_needs_a_signed_in_caller, |api| {
    let res = api
        .post("/v1/auth/reauthenticate", json!({ "password": "x" }))
        .await;
    assert_eq!(res.status, 401);
});
