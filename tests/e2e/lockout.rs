use e2e::{on_both_backends, Api, ADMIN};

async fn fail_logins(api: &Api, email: &str, times: usize) {
    for _ in 0..times {
        let res = api.login(email, "definitely wrong").await;
        assert_eq!((res.status, res.code()), (401, "invalid_credentials"));
    }
}

on_both_backends!(
    five_failures_lock_the_account_even_for_the_right_password_and_email_the_owner,
    |api| {
        let user = api.user().await;
        fail_logins(&api, &user.email, 5).await;
        let res = api.login(&user.email, &user.password).await;
        assert_eq!((res.status, res.code()), (429, "account_locked"));
        let retry: i64 = res.header("retry-after").unwrap().parse().unwrap();
        assert!(retry > 12 * 3600 - 10 && retry <= 12 * 3600);
        api.wait_for_email(&user.email, "Your account was locked", 1)
            .await;
        api.clock.advance_secs(12 * 3600);
        assert_eq!(api.login(&user.email, &user.password).await.status, 200);
    }
);

on_both_backends!(unknown_emails_are_locked_alike, |api| {
    fail_logins(&api, "ghost@example.com", 5).await;
    let res = api.login("ghost@example.com", "definitely wrong").await;
    assert_eq!(res.code(), "account_locked");
});

on_both_backends!(a_success_resets_the_failure_count, |api| {
    let user = api.user().await;
    fail_logins(&api, &user.email, 4).await;
    assert_eq!(api.login(&user.email, &user.password).await.status, 200);
    fail_logins(&api, &user.email, 4).await;
    assert_eq!(api.login(&user.email, &user.password).await.status, 200);
});

on_both_backends!(
    lockout_threshold_and_duration_are_configurable,
    &[("LOCKOUT_THRESHOLD", "2"), ("LOCKOUT_SECONDS", "60")],
    |api| {
        let user = api.user().await;
        fail_logins(&api, &user.email, 2).await;
        let res = api.login(&user.email, &user.password).await;
        assert_eq!(res.code(), "account_locked");
        assert!(res.header("retry-after").unwrap().parse::<i64>().unwrap() <= 60);
        api.clock.advance_secs(60);
        assert_eq!(api.login(&user.email, &user.password).await.status, 200);
    }
);

on_both_backends!(a_completed_password_reset_lifts_the_lock, |api| {
    let user = api.user().await;
    fail_logins(&api, &user.email, 5).await;
    api.post(
        "/v1/auth/password/forgot",
        serde_json::json!({ "email": user.email }),
    )
    .await;
    let token = api
        .token_from_email(&user.email, "Reset your password", 1)
        .await;
    let body = serde_json::json!({ "token": token, "new_password": "fresh start please" });
    assert_eq!(api.post("/v1/auth/password/reset", body).await.status, 204);
    assert_eq!(
        api.login(&user.email, "fresh start please").await.status,
        200
    );
});

on_both_backends!(an_admin_can_lift_and_impose_a_lock, ADMIN, |api| {
    let boss = api.admin().await;
    let user = api.user().await;
    fail_logins(&api, &user.email, 5).await;
    let res = api
        .admin_update_user(
            &boss.access_token,
            &user.id,
            serde_json::json!({ "locked": false }),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(api.login(&user.email, &user.password).await.status, 200);
    let res = api
        .admin_update_user(
            &boss.access_token,
            &user.id,
            serde_json::json!({ "locked": true }),
        )
        .await;
    assert_eq!(res.status, 200);
    assert_eq!(
        api.login(&user.email, &user.password).await.code(),
        "account_locked"
    );
});

on_both_backends!(
    a_burst_of_parallel_wrong_passwords_is_evaluated_at_most_threshold_times,
    |api| {
        let user = api.user().await;
        let burst = (0..15).map(|_| api.login(&user.email, "definitely wrong"));
        let answers = futures::future::join_all(burst).await;
        let evaluated = answers
            .iter()
            .filter(|r| r.code() == "invalid_credentials")
            .count();
        assert_eq!(evaluated, 5, "only the threshold's worth are checked");
        for res in &answers {
            let refused = (res.status, res.code()) == (429, "account_locked");
            assert!(res.status == 401 || refused, "{} {}", res.status, res.body);
        }
        let res = api.login(&user.email, &user.password).await;
        assert_eq!(res.code(), "account_locked");
        api.wait_for_email(&user.email, "Your account was locked", 1)
            .await;
        assert_eq!(
            api.emails_to(&user.email, "Your account was locked").len(),
            1
        );
    }
);

on_both_backends!(wrong_current_passwords_count_towards_the_lockout, |api| {
    let user = api.user().await;
    let change = |current: &str| {
        let body =
            serde_json::json!({ "current_password": current, "new_password": "another good one" });
        api.send_as("POST", "/v1/auth/password", &user.access_token, Some(body))
    };
    for _ in 0..5 {
        assert_eq!(change("not my password").await.status, 422);
    }
    let res = change(&user.password).await;
    assert_eq!((res.status, res.code()), (429, "account_locked"));
    assert_eq!(
        api.login(&user.email, &user.password).await.code(),
        "account_locked"
    );
});

on_both_backends!(an_admin_lock_ends_the_users_sessions, ADMIN, |api| {
    let boss = api.admin().await;
    let user = api.user().await;
    let res = api
        .admin_update_user(
            &boss.access_token,
            &user.id,
            serde_json::json!({ "locked": true }),
        )
        .await;
    assert_eq!(res.status, 200);
    let me = api.get_as("/v1/auth/me", &user.access_token).await;
    assert_eq!((me.status, me.code()), (401, "token_revoked"));
});
