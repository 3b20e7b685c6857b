use e2e::on_both_backends;
use serde_json::json;

on_both_backends!(
    sessions_list_shows_the_callers_live_sessions_and_marks_the_current_one,
    |api| {
        let user = api.user().await;
        let phone = api
            .post(
                "/v1/auth/login",
                json!({ "email": user.email, "password": user.password, "device_name": "Phone" }),
            )
            .await;
        let res = api.get_as("/v1/auth/sessions", &user.access_token).await;
        assert_eq!(res.status, 200);
        let items = res.body["items"].as_array().unwrap();
        assert_eq!(items.len(), 2);
        let current: Vec<bool> = items
            .iter()
            .map(|s| s["current"].as_bool().unwrap())
            .collect();
        assert_eq!(current.iter().filter(|c| **c).count(), 1);
        let phone_id = phone.body["session_id"].as_str().unwrap();
        let phone_item = items.iter().find(|s| s["session_id"] == phone_id).unwrap();
        assert_eq!(phone_item["device_name"], "Phone");
        assert!(phone_item["created_at"].is_string() && phone_item["last_used_at"].is_string());
    }
);

on_both_backends!(revoking_one_session_ends_that_device_at_once, |api| {
    let user = api.user().await;
    let phone = api.login(&user.email, &user.password).await;
    let phone_id = phone.body["session_id"].as_str().unwrap();
    let res = api
        .send_as(
            "DELETE",
            &format!("/v1/auth/sessions/{phone_id}"),
            &user.access_token,
            None,
        )
        .await;
    assert_eq!(res.status, 204);
    let phone_token = phone.body["access_token"].as_str().unwrap();
    assert_eq!(
        api.get_as("/v1/auth/me", phone_token).await.code(),
        "token_revoked"
    );
    assert_eq!(
        api.get_as("/v1/auth/me", &user.access_token).await.status,
        200
    );
    let listed = api.get_as("/v1/auth/sessions", &user.access_token).await;
    assert_eq!(listed.body["items"].as_array().unwrap().len(), 1);
});

on_both_backends!(revoking_a_session_that_is_not_the_callers_is_404, |api| {
    let user = api.user().await;
    let stranger = api.user().await;
    let path = format!("/v1/auth/sessions/{}", stranger.session_id);
    let res = api.send_as("DELETE", &path, &user.access_token, None).await;
    assert_eq!((res.status, res.code()), (404, "not_found"));
    assert_eq!(
        api.get_as("/v1/auth/me", &stranger.access_token)
            .await
            .status,
        200
    );
    let res = api
        .send_as(
            "DELETE",
            "/v1/auth/sessions/unknown",
            &user.access_token,
            None,
        )
        .await;
    assert_eq!(res.status, 404);
});

on_both_backends!(
    a_session_ends_at_its_absolute_lifetime_even_when_refreshed,
    &[("SESSION_MAX_SECONDS", "3600")],
    |api| {
        let user = api.user().await;
        api.clock.advance_secs(1800);
        let res = api
            .post(
                "/v1/auth/refresh",
                json!({ "refresh_token": user.refresh_token }),
            )
            .await;
        assert_eq!(res.status, 200);
        assert!(res.body["refresh_expires_in"].as_i64().unwrap() <= 1800);
        api.clock.advance_secs(1801);
        let refresh = res.body["refresh_token"].as_str().unwrap();
        let res = api
            .post("/v1/auth/refresh", json!({ "refresh_token": refresh }))
            .await;
        assert_eq!(res.status, 401);
    }
);

on_both_backends!(
    a_revoked_token_stays_revoked_through_the_expiry_leeway,
    |api| {
        let user = api.user().await;
        let res = api
            .send_as("POST", "/v1/auth/logout", &user.access_token, None)
            .await;
        assert_eq!(res.status, 204);
        api.clock.advance_secs(15 * 60 + 1);
        let me = api.get_as("/v1/auth/me", &user.access_token).await;
        assert_eq!((me.status, me.code()), (401, "token_revoked"));
    }
);
