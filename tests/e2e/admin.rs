use e2e::{on_both_backends, ADMIN};
use serde_json::{json, Value};

on_both_backends!(non_admins_get_403_on_admin_routes, ADMIN, |api| {
    let user = api.user().await;
    for path in ["/v1/admin/users", "/v1/admin/audit"] {
        let res = api.get_as(path, &user.access_token).await;
        assert_eq!((res.status, res.code()), (403, "forbidden"), "{path}");
    }
    let res = api
        .send_as(
            "PATCH",
            &format!("/v1/admin/users/{}", user.id),
            &user.access_token,
            Some(json!({ "role": "admin" })),
        )
        .await;
    assert_eq!(res.status, 403);
});

on_both_backends!(
    admins_page_through_users_with_signed_cursors,
    ADMIN,
    |api| {
        let boss = api.admin().await;
        for _ in 0..3 {
            api.register(
                &format!("{}@example.com", e2e::unique_name("u")),
                "correct horse battery",
            )
            .await;
        }
        let mut seen: Vec<String> = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let path = match &cursor {
                Some(c) => format!("/v1/admin/users?limit=2&cursor={c}"),
                None => "/v1/admin/users?limit=2".to_string(),
            };
            let res = api.get_as(&path, &boss.access_token).await;
            assert_eq!(res.status, 200, "{}", res.body);
            seen.extend(
                res.body["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|u| u["id"].as_str().unwrap().to_string()),
            );
            match res.body["next_cursor"].as_str() {
                Some(c) => cursor = Some(c.to_string()),
                None => break,
            }
        }
        let mut unique = seen.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(
            (seen.len(), unique.len()),
            (4, 4),
            "every user exactly once"
        );
        let mut newest_first = seen.clone();
        newest_first.sort_by(|a, b| b.cmp(a));
        assert_eq!(seen, newest_first);
    }
);

on_both_backends!(bad_limits_and_forged_cursors_are_422, ADMIN, |api| {
    let boss = api.admin().await;
    for query in [
        "limit=0",
        "limit=101",
        "limit=abc",
        "cursor=forged",
        "cursor=eyJ4IjoxfQ.AAAA",
    ] {
        let res = api
            .get_as(&format!("/v1/admin/users?{query}"), &boss.access_token)
            .await;
        assert_eq!(
            (res.status, res.code()),
            (422, "validation_failed"),
            "{query}"
        );
    }
});

on_both_backends!(
    a_role_change_revokes_the_users_sessions_at_once,
    ADMIN,
    |api| {
        let boss = api.admin().await;
        let user = api.user().await;
        let res = api
            .admin_update_user(&boss.access_token, &user.id, json!({ "role": "admin" }))
            .await;
        assert_eq!(
            (res.status, res.body["user"]["role"].as_str()),
            (200, Some("admin"))
        );
        assert_eq!(
            api.get_as("/v1/auth/me", &user.access_token).await.code(),
            "token_revoked"
        );
        let login = api.login(&user.email, &user.password).await;
        assert_eq!(login.body["user"]["role"], "admin");
    }
);

on_both_backends!(admin_patch_validates_its_input, ADMIN, |api| {
    let boss = api.admin().await;
    let user = api.user().await;
    let res = api
        .admin_update_user(&boss.access_token, &user.id, json!({ "role": "owner" }))
        .await;
    assert_eq!(
        (res.status, res.body["errors"][0]["field"].as_str()),
        (422, Some("role"))
    );
    let res = api
        .admin_update_user(
            &boss.access_token,
            &user.id,
            json!({ "email": "x@example.com" }),
        )
        .await;
    assert_eq!(res.status, 422);
    let res = api
        .send_as(
            "PATCH",
            "/v1/admin/users/nobody",
            &boss.access_token,
            Some(json!({ "role": "admin" })),
        )
        .await;
    assert_eq!(res.status, 404);
});

fn types(items: &Value) -> Vec<String> {
    items
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap().to_string())
        .collect()
}

on_both_backends!(
    the_audit_log_records_security_events_with_hashed_ips,
    ADMIN,
    |api| {
        let boss = api.admin().await;
        let user = api.user().await;
        api.login(&user.email, "wrong password").await;
        api.send_as("POST", "/v1/auth/logout", &user.access_token, None)
            .await;
        let res = api
            .get_as(
                &format!("/v1/admin/audit?user_id={}", user.id),
                &boss.access_token,
            )
            .await;
        assert_eq!(res.status, 200, "{}", res.body);
        assert_eq!(
            types(&res.body["items"]),
            ["logout", "login_failure", "login_success"]
        );
        let event = &res.body["items"][0];
        assert_eq!(event["user_id"].as_str(), Some(user.id.as_str()));
        let ip_hash = event["ip_hash"].as_str().unwrap();
        assert!(!ip_hash.contains("127.0.0.1") && ip_hash.len() >= 43);
        assert!(event["at"].is_string() && event["detail"].is_object());
        let all = api
            .get_as("/v1/admin/audit?limit=100", &boss.access_token)
            .await;
        assert!(types(&all.body["items"]).len() >= 4);
    }
);

on_both_backends!(
    an_admin_mfa_reset_revokes_the_users_sessions_and_is_audited,
    ADMIN,
    |api| {
        let boss = api.admin().await;
        let user = api.user().await;
        let path = format!("/v1/admin/users/{}/mfa", user.id);
        let res = api.send_as("DELETE", &path, &boss.access_token, None).await;
        assert_eq!(res.status, 204, "{}", res.body);
        let me = api.get_as("/v1/auth/me", &user.access_token).await;
        assert_eq!((me.status, me.code()), (401, "token_revoked"));
        let audit = api
            .get_as(
                &format!("/v1/admin/audit?user_id={}", user.id),
                &boss.access_token,
            )
            .await;
        let types: Vec<&str> = audit.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|e| e["type"].as_str())
            .collect();
        assert!(types.contains(&"mfa_disabled"), "{types:?}");
    }
);

on_both_backends!(
    only_admins_reset_mfa_and_only_of_existing_users,
    ADMIN,
    |api| {
        let boss = api.admin().await;
        let user = api.user().await;
        let path = format!("/v1/admin/users/{}/mfa", user.id);
        let res = api.send_as("DELETE", &path, &user.access_token, None).await;
        assert_eq!((res.status, res.code()), (403, "forbidden"));
        let ghost = format!("/v1/admin/users/{}/mfa", think_tank_core::domain::new_id());
        let res = api
            .send_as("DELETE", &ghost, &boss.access_token, None)
            .await;
        assert_eq!((res.status, res.code()), (404, "not_found"));
    }
);
