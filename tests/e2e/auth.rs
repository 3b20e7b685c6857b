use e2e::{on_both_backends, Api};
use serde_json::json;

on_both_backends!(
    register_returns_201_with_a_normalized_user_and_sends_a_verification_email,
    |api| {
        let res = api
            .register("  Ada@Example.COM ", "correct horse battery")
            .await;
        assert_eq!(res.status, 201, "{}", res.body);
        let user = &res.body["user"];
        assert_eq!(user["email"], "ada@example.com");
        assert_eq!(
            (user["role"].as_str(), user["email_verified"].as_bool()),
            (Some("user"), Some(false))
        );
        assert_eq!(user["mfa_enabled"], false);
        assert!(user["id"].is_string() && user["created_at"].as_str().unwrap().ends_with('Z'));
        let token = api
            .token_from_email("ada@example.com", "Confirm your email address", 1)
            .await;
        assert!(token.len() >= 43);
    }
);

on_both_backends!(registering_a_taken_email_returns_409, |api| {
    assert_eq!(
        api.register("dup@example.com", "correct horse battery")
            .await
            .status,
        201
    );
    let res = api.register("DUP@example.com", "another password").await;
    assert_eq!((res.status, res.code()), (409, "email_taken"));
});

#[tokio::test]
async fn register_rejects_each_invalid_field() {
    let api = Api::start_memory(&[]).await;
    let cases = [
        (
            json!({ "email": "no-at-sign", "password": "long enough", "name": "A" }),
            "email",
        ),
        (
            json!({ "email": "a@example.com", "password": "short", "name": "A" }),
            "password",
        ),
        (
            json!({ "email": "a@example.com", "password": "x".repeat(129), "name": "A" }),
            "password",
        ),
        (
            json!({ "email": "a@example.com", "password": "long enough", "name": " " }),
            "name",
        ),
        (
            json!({ "email": "a@example.com", "password": "long enough", "name": "n".repeat(101) }),
            "name",
        ),
        (
            json!({ "email": "a@example.com", "password": "long enough" }),
            "name",
        ),
    ];
    for (body, field) in cases {
        let res = api.post("/v1/auth/register", body.clone()).await;
        assert_eq!(res.status, 422, "{body}");
        assert_eq!(
            res.body["errors"][0]["field"].as_str(),
            Some(field),
            "{body}"
        );
    }
}

on_both_backends!(wrong_password_and_unknown_email_answer_alike, |api| {
    let user = api.user().await;
    let wrong = api.login(&user.email, "wrong password").await;
    let unknown = api.login("nobody@example.com", "wrong password").await;
    assert_eq!((wrong.status, wrong.code()), (401, "invalid_credentials"));
    let strip = |mut v: serde_json::Value| {
        v.as_object_mut().unwrap().remove("request_id");
        v
    };
    assert_eq!(strip(wrong.body), strip(unknown.body));
});

on_both_backends!(login_returns_tokens_that_authenticate_me, |api| {
    let user = api.user().await;
    let login = api.login(&user.email, &user.password).await;
    assert_eq!(login.body["token_type"], "Bearer");
    assert_eq!(login.body["expires_in"], 900);
    assert_eq!(login.body["refresh_expires_in"], 7 * 86_400);
    let me = api.get_as("/v1/auth/me", &user.access_token).await;
    assert_eq!(
        (me.status, me.body["user"]["id"].as_str()),
        (200, Some(user.id.as_str()))
    );
    assert_eq!(me.header("cache-control"), Some("no-store"));
});

on_both_backends!(requests_without_a_valid_token_are_401, |api| {
    let res = api.call("GET", "/v1/auth/me", None, &[]).await;
    assert_eq!((res.status, res.code()), (401, "unauthorized"));
    let res = api.get_as("/v1/auth/me", "not.a.jwt").await;
    assert_eq!((res.status, res.code()), (401, "unauthorized"));
});

on_both_backends!(an_access_token_expires_after_its_ttl, |api| {
    let user = api.user().await;
    api.clock.advance_secs(901 + 5);
    let res = api.get_as("/v1/auth/me", &user.access_token).await;
    assert_eq!((res.status, res.code()), (401, "token_expired"));
});

on_both_backends!(
    refresh_rotates_the_token_and_reuse_revokes_the_session,
    |api| {
        let user = api.user().await;
        let first = api
            .post(
                "/v1/auth/refresh",
                json!({ "refresh_token": user.refresh_token }),
            )
            .await;
        assert_eq!(first.status, 200, "{}", first.body);
        let rotated = first.body["refresh_token"].as_str().unwrap().to_string();
        let access = first.body["access_token"].as_str().unwrap().to_string();
        assert_ne!(rotated, user.refresh_token);
        assert_eq!(
            first.body["session_id"].as_str(),
            Some(user.session_id.as_str())
        );
        assert_eq!(api.get_as("/v1/auth/me", &access).await.status, 200);

        let reused = api
            .post(
                "/v1/auth/refresh",
                json!({ "refresh_token": user.refresh_token }),
            )
            .await;
        assert_eq!((reused.status, reused.code()), (401, "refresh_reused"));
        for token in [&access, &user.access_token] {
            let res = api.get_as("/v1/auth/me", token).await;
            assert_eq!((res.status, res.code()), (401, "token_revoked"));
        }
        let res = api
            .post("/v1/auth/refresh", json!({ "refresh_token": rotated }))
            .await;
        assert_eq!(res.status, 401);
    }
);

on_both_backends!(
    a_forged_refresh_token_is_401_and_does_not_end_the_session,
    |api| {
        let user = api.user().await;
        let forged = format!(
            "{}.{}.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            user.id, user.session_id
        );
        let res = api
            .post("/v1/auth/refresh", json!({ "refresh_token": forged }))
            .await;
        assert_eq!((res.status, res.code()), (401, "unauthorized"));
        assert_eq!(
            api.get_as("/v1/auth/me", &user.access_token).await.status,
            200
        );
    }
);

on_both_backends!(
    logout_revokes_the_access_token_and_the_refresh_token_at_once,
    |api| {
        let user = api.user().await;
        let res = api
            .send_as("POST", "/v1/auth/logout", &user.access_token, None)
            .await;
        assert_eq!(res.status, 204);
        let me = api.get_as("/v1/auth/me", &user.access_token).await;
        assert_eq!((me.status, me.code()), (401, "token_revoked"));
        let refresh = api
            .post(
                "/v1/auth/refresh",
                json!({ "refresh_token": user.refresh_token }),
            )
            .await;
        assert_eq!(refresh.status, 401);
    }
);

on_both_backends!(logout_all_revokes_every_session_of_the_user, |api| {
    let user = api.user().await;
    let other = api.login(&user.email, &user.password).await;
    let other_token = other.body["access_token"].as_str().unwrap();
    let bystander = api.user().await;
    assert_eq!(
        api.send_as("POST", "/v1/auth/logout-all", &user.access_token, None)
            .await
            .status,
        204
    );
    for token in [user.access_token.as_str(), other_token] {
        assert_eq!(
            api.get_as("/v1/auth/me", token).await.code(),
            "token_revoked"
        );
    }
    assert_eq!(
        api.get_as("/v1/auth/me", &bystander.access_token)
            .await
            .status,
        200
    );
});

on_both_backends!(me_can_be_renamed_with_validation, |api| {
    let user = api.user().await;
    let res = api
        .send_as(
            "PATCH",
            "/v1/auth/me",
            &user.access_token,
            Some(json!({ "name": "  Grace " })),
        )
        .await;
    assert_eq!(
        (res.status, res.body["user"]["name"].as_str()),
        (200, Some("Grace"))
    );
    let res = api
        .send_as(
            "PATCH",
            "/v1/auth/me",
            &user.access_token,
            Some(json!({ "name": "" })),
        )
        .await;
    assert_eq!(res.status, 422);
    let res = api
        .send_as(
            "PATCH",
            "/v1/auth/me",
            &user.access_token,
            Some(json!({ "name": "x", "role": "admin" })),
        )
        .await;
    assert_eq!(
        (res.status, res.body["errors"][0]["field"].as_str()),
        (422, Some("role"))
    );
});

on_both_backends!(
    per_ip_limits_answer_429_with_retry_after,
    &[("IP_RATE_LIMIT", "3")],
    |api| {
        for _ in 0..3 {
            assert_eq!(api.login("who@example.com", "whatever").await.status, 401);
        }
        let res = api.login("who@example.com", "whatever").await;
        assert_eq!((res.status, res.code()), (429, "rate_limited"));
        let retry: i64 = res.header("retry-after").unwrap().parse().unwrap();
        assert!((1..=60).contains(&retry));
        api.clock.advance_secs(61);
        assert_eq!(api.login("who@example.com", "whatever").await.status, 401);
    }
);

on_both_backends!(
    whoever_registers_the_bootstrap_admin_address_first_never_holds_it,
    &[("BOOTSTRAP_ADMIN_EMAIL", "Boss@Example.com")],
    |api| {
        let squatted = api
            .register("boss@example.com", "squatter's password")
            .await;
        assert_eq!(squatted.body["user"]["role"], "user");
        let squatter = api.login("boss@example.com", "squatter's password").await;
        assert_eq!(
            (squatter.status, squatter.code()),
            (403, "email_not_verified")
        );
        assert!(squatter.body.get("access_token").is_none());

        // The owner resets the password from their own inbox.
        let forgot = json!({ "email": "boss@example.com" });
        api.post("/v1/auth/password/forgot", forgot).await;
        let token = api
            .token_from_email("boss@example.com", "Reset your password", 1)
            .await;
        let reset = json!({ "token": token, "new_password": "the owner's password" });
        let reset = api.post("/v1/auth/password/reset", reset).await;
        assert_eq!(reset.status, 204, "{}", reset.body);
        let squatter = api.login("boss@example.com", "squatter's password").await;
        assert_eq!(squatter.code(), "invalid_credentials");
        let owner = api.login("boss@example.com", "the owner's password").await;
        assert_eq!(owner.status, 200, "{}", owner.body);
        assert_eq!(owner.body["user"]["role"], "admin");
        assert_eq!(owner.body["user"]["email_verified"], true);
        let token = owner.body["access_token"].as_str().unwrap();
        assert_eq!(api.get_as("/v1/admin/users", token).await.status, 200);

        let res = api
            .register("worker@example.com", "correct horse battery")
            .await;
        assert_eq!(res.body["user"]["role"], "user");
        let verified = api.verify_email("worker@example.com").await;
        assert_eq!(verified.body["user"]["role"], "user");
    }
);

on_both_backends!(
    a_right_password_for_an_unverified_address_answers_403_and_starts_no_session,
    |api| {
        let email = "unproven@example.com";
        api.register(email, "correct horse battery").await;
        let wrong = api.login(email, "not the password").await;
        assert_eq!((wrong.status, wrong.code()), (401, "invalid_credentials"));
        for path in ["/v1/auth/login", "/v1/auth/login/web"] {
            let body = json!({ "email": email, "password": "correct horse battery" });
            let res = api.post(path, body).await;
            assert_eq!(
                (res.status, res.code()),
                (403, "email_not_verified"),
                "{path}"
            );
            assert!(res.set_cookies().is_empty(), "{path}");
        }
        // A right password never stays counted: five more tries are not a lockout.
        for _ in 0..5 {
            let res = api.login(email, "correct horse battery").await;
            assert_eq!(res.code(), "email_not_verified");
        }
        api.verify_email(email).await;
        let res = api.login(email, "correct horse battery").await;
        assert_eq!(res.status, 200, "{}", res.body);
    }
);

on_both_backends!(
    a_new_account_is_a_user_whatever_an_old_default_role_says,
    &[("DEFAULT_ROLE", "admin")],
    |api| {
        let res = api
            .register("ed@example.com", "correct horse battery")
            .await;
        assert_eq!(res.body["user"]["role"], "user");
    }
);

#[tokio::test]
async fn jwks_publishes_the_rs256_key_that_verifies_issued_tokens() {
    let api = Api::start_memory(&[]).await;
    let user = api.user().await;
    let res = api.call("GET", "/v1/auth/jwks", None, &[]).await;
    assert_eq!(res.status, 200);
    let jwks: jsonwebtoken::jwk::JwkSet = serde_json::from_value(res.body).unwrap();
    let header = jsonwebtoken::decode_header(&user.access_token).unwrap();
    assert_eq!(header.alg, jsonwebtoken::Algorithm::RS256);
    let jwk = jwks
        .find(header.kid.as_deref().unwrap())
        .expect("the signing key is published");
    let key = jsonwebtoken::DecodingKey::from_jwk(jwk).unwrap();
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
    validation.set_audience(&["think-tank-api"]);
    let claims = jsonwebtoken::decode::<serde_json::Value>(&user.access_token, &key, &validation)
        .expect("a standard verifier accepts our tokens");
    assert_eq!(claims.claims["sub"], user.id);
}

on_both_backends!(
    registration_refuses_addresses_the_mailer_cannot_send_to,
    |api| {
        for email in ["a,b@example.com", "a;b@example.com", "a<b>@example.com"] {
            let res = api.register(email, "correct horse battery").await;
            assert_eq!(
                (res.status, res.body["errors"][0]["field"].as_str()),
                (422, Some("email")),
                "{email}"
            );
        }
    }
);

#[tokio::test]
async fn a_field_of_the_wrong_json_type_is_named_by_its_path() {
    let api = Api::start_memory(&[]).await;
    let body = json!({ "email": "typed@example.com", "password": 12345678, "name": "Typed" });
    let res = api.post("/v1/auth/register", body).await;
    assert_eq!(
        (res.status, res.body["errors"][0]["field"].as_str()),
        (422, Some("password"))
    );
}
