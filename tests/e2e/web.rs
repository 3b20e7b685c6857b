use e2e::{on_both_backends, Api, Resp};
use serde_json::json;

async fn web_login(api: &Api, email: &str, password: &str) -> Resp {
    api.post(
        "/v1/auth/login/web",
        json!({ "email": email, "password": password }),
    )
    .await
}

/// The `Cookie` header a browser would send to `/v1/auth/*`.
fn cookie_header(login: &Resp) -> String {
    [
        "__Host-access_token",
        "__Secure-refresh_token",
        "__Host-csrf_token",
    ]
    .iter()
    .filter_map(|name| login.cookie(name))
    .collect::<Vec<_>>()
    .join("; ")
}

on_both_backends!(
    web_login_sets_the_three_cookies_and_puts_no_token_in_the_body,
    |api| {
        let user = api.user().await;
        let res = web_login(&api, &user.email, &user.password).await;
        assert_eq!(res.status, 200);
        assert!(res.body.get("access_token").is_none() && res.body.get("refresh_token").is_none());
        assert!(res.body["csrf_token"].is_string() && res.body["session_id"].is_string());
        let cookies = res.set_cookies();
        let find = |name: &str| {
            cookies
                .iter()
                .find(|c| c.starts_with(name))
                .cloned()
                .unwrap()
        };
        let access = find("__Host-access_token=");
        let refresh = find("__Secure-refresh_token=");
        let csrf = find("__Host-csrf_token=");
        for attr in ["HttpOnly", "Secure", "SameSite=Strict", "Path=/"] {
            assert!(access.contains(attr), "{access}");
        }
        assert!(refresh.contains("HttpOnly") && refresh.contains("Path=/v1/auth"));
        assert!(!csrf.contains("HttpOnly") && csrf.contains("Secure") && csrf.contains("Path=/"));
        assert_eq!(
            res.cookie("__Host-csrf_token").unwrap(),
            format!(
                "__Host-csrf_token={}",
                res.body["csrf_token"].as_str().unwrap()
            )
        );
    }
);

on_both_backends!(
    cookie_writes_need_the_csrf_header_of_the_same_session,
    |api| {
        let user = api.user().await;
        let login = web_login(&api, &user.email, &user.password).await;
        let cookies = cookie_header(&login);
        let csrf = login.body["csrf_token"].as_str().unwrap();
        let body = Some(json!({ "name": "Via Cookie" }));
        let me = api
            .call("GET", "/v1/auth/me", None, &[("cookie", &cookies)])
            .await;
        assert_eq!(me.status, 200, "cookie reads need no CSRF token");
        let res = api
            .call(
                "PATCH",
                "/v1/auth/me",
                body.clone(),
                &[("cookie", &cookies)],
            )
            .await;
        assert_eq!((res.status, res.code()), (403, "csrf_failed"));
        let res = api
            .call(
                "PATCH",
                "/v1/auth/me",
                body,
                &[("cookie", &cookies), ("x-csrf-token", csrf)],
            )
            .await;
        assert_eq!(res.status, 200);
    }
);

on_both_backends!(a_csrf_token_from_another_session_fails, |api| {
    let user = api.user().await;
    let mine = web_login(&api, &user.email, &user.password).await;
    let theirs = web_login(&api, &user.email, &user.password).await;
    let their_csrf = theirs.body["csrf_token"].as_str().unwrap();
    let cookies = format!(
        "{}; __Host-csrf_token={their_csrf}",
        mine.cookie("__Host-access_token").unwrap()
    );
    let headers = [("cookie", cookies.as_str()), ("x-csrf-token", their_csrf)];
    let res = api
        .call(
            "PATCH",
            "/v1/auth/me",
            Some(json!({ "name": "X" })),
            &headers,
        )
        .await;
    assert_eq!((res.status, res.code()), (403, "csrf_failed"));
});

on_both_backends!(web_refresh_needs_csrf_and_sets_new_cookies, |api| {
    let user = api.user().await;
    let login = web_login(&api, &user.email, &user.password).await;
    let cookies = cookie_header(&login);
    let csrf = login.body["csrf_token"].as_str().unwrap();
    let res = api
        .call("POST", "/v1/auth/refresh", None, &[("cookie", &cookies)])
        .await;
    assert_eq!((res.status, res.code()), (403, "csrf_failed"));
    let res = api
        .call(
            "POST",
            "/v1/auth/refresh",
            None,
            &[("cookie", &cookies), ("x-csrf-token", csrf)],
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert!(res.body["csrf_token"].is_string() && res.body["expires_in"].is_number());
    assert!(res.body.get("refresh_token").is_none());
    assert_eq!(res.set_cookies().len(), 3);
    assert_ne!(
        res.cookie("__Secure-refresh_token"),
        login.cookie("__Secure-refresh_token")
    );
    let replay = api
        .call(
            "POST",
            "/v1/auth/refresh",
            None,
            &[("cookie", &cookies), ("x-csrf-token", csrf)],
        )
        .await;
    assert_eq!(replay.code(), "refresh_reused");
});

on_both_backends!(
    web_logout_clears_the_cookies_and_revokes_the_session,
    |api| {
        let user = api.user().await;
        let login = web_login(&api, &user.email, &user.password).await;
        let cookies = cookie_header(&login);
        let csrf = login.body["csrf_token"].as_str().unwrap();
        let res = api
            .call(
                "POST",
                "/v1/auth/logout",
                None,
                &[("cookie", &cookies), ("x-csrf-token", csrf)],
            )
            .await;
        assert_eq!(res.status, 204);
        let cleared = res.set_cookies();
        assert_eq!(cleared.len(), 3);
        assert!(cleared.iter().all(|c| c.contains("Max-Age=0")));
        let me = api
            .call("GET", "/v1/auth/me", None, &[("cookie", &cookies)])
            .await;
        assert_eq!(me.code(), "token_revoked");
    }
);

on_both_backends!(
    an_authorization_header_alone_authenticates_and_cookies_are_ignored,
    |api| {
        let user = api.user().await;
        let login = web_login(&api, &user.email, &user.password).await;
        let cookies = cookie_header(&login);
        let res = api
            .call(
                "GET",
                "/v1/auth/me",
                None,
                &[("cookie", &cookies), ("authorization", "Bearer garbage")],
            )
            .await;
        assert_eq!(res.status, 401);
        let body = Some(json!({ "name": "Bearer Needs No CSRF" }));
        let res = api
            .send_as("PATCH", "/v1/auth/me", &user.access_token, body)
            .await;
        assert_eq!(res.status, 200);
    }
);
