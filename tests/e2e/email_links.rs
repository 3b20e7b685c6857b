//! Links and codes by email: address verification, password change, forgot
//! and reset, and the per-address email budget.

use e2e::{on_both_backends, Api};
use serde_json::json;

on_both_backends!(verify_email_works_once_with_the_emailed_token, |api| {
    let email = "once@example.com";
    api.register(email, "correct horse battery").await;
    let token = api
        .token_from_email(email, "Confirm your email address", 1)
        .await;
    let res = api
        .post("/v1/auth/verify-email", json!({ "token": token }))
        .await;
    assert_eq!(
        (res.status, res.body["user"]["email_verified"].as_bool()),
        (200, Some(true))
    );
    let again = api
        .post("/v1/auth/verify-email", json!({ "token": token }))
        .await;
    assert_eq!((again.status, again.code()), (400, "invalid_token"));
    let forged = api
        .post("/v1/auth/verify-email", json!({ "token": "forged" }))
        .await;
    assert_eq!((forged.status, forged.code()), (400, "invalid_token"));
});

on_both_backends!(a_verification_token_expires_after_24_hours, |api| {
    let email = "late@example.com";
    api.register(email, "correct horse battery").await;
    let token = api
        .token_from_email(email, "Confirm your email address", 1)
        .await;
    api.clock.advance_secs(24 * 3600 + 1);
    let res = api
        .post("/v1/auth/verify-email", json!({ "token": token }))
        .await;
    assert_eq!(res.code(), "invalid_token");
});

on_both_backends!(
    resending_verification_needs_no_session_and_never_tells_whether_an_account_exists,
    |api| {
        let email = "resend@example.com";
        api.register(email, "correct horse battery").await;
        let res = resend_verification(&api, email).await;
        assert_eq!(res.status, 202);
        let token = api
            .token_from_email(email, "Confirm your email address", 2)
            .await;
        let res = api
            .post("/v1/auth/verify-email", json!({ "token": token }))
            .await;
        assert_eq!(res.status, 200);

        assert_eq!(resend_verification(&api, email).await.status, 202);
        let nobody = "nobody@example.com";
        assert_eq!(resend_verification(&api, nobody).await.status, 202);
        let malformed = resend_verification(&api, "not an address").await;
        assert_eq!(
            (
                malformed.status,
                malformed.body["errors"][0]["field"].as_str()
            ),
            (422, Some("email"))
        );
        // A marker email queued after the two requests arrives after them.
        let marker = api.user().await;
        api.wait_for_email(&marker.email, "Confirm your email address", 1)
            .await;
        assert_eq!(api.emails_to(email, "Confirm your email address").len(), 2);
        assert!(api.emails_to(nobody, "").is_empty());
    }
);

on_both_backends!(
    password_change_checks_the_current_password_and_revokes_other_sessions,
    |api| {
        let user = api.user().await;
        let other = api.login(&user.email, &user.password).await;
        let other_token = other.body["access_token"].as_str().unwrap();
        let wrong = json!({ "current_password": "not it", "new_password": "a brand new secret" });
        let res = api
            .send_as("POST", "/v1/auth/password", &user.access_token, Some(wrong))
            .await;
        assert_eq!(
            (res.status, res.body["errors"][0]["field"].as_str()),
            (422, Some("current_password"))
        );
        let right =
            json!({ "current_password": user.password, "new_password": "a brand new secret" });
        let res = api
            .send_as("POST", "/v1/auth/password", &user.access_token, Some(right))
            .await;
        assert_eq!(res.status, 204);
        assert_eq!(
            api.get_as("/v1/auth/me", &user.access_token).await.status,
            200
        );
        assert_eq!(
            api.get_as("/v1/auth/me", other_token).await.code(),
            "token_revoked"
        );
        assert_eq!(api.login(&user.email, &user.password).await.status, 401);
        assert_eq!(
            api.login(&user.email, "a brand new secret").await.status,
            200
        );
    }
);

on_both_backends!(
    forgot_and_reset_replace_the_password_and_revoke_every_session,
    |api| {
        let user = api.user().await;
        assert_eq!(
            api.post("/v1/auth/password/forgot", json!({ "email": user.email }))
                .await
                .status,
            202
        );
        let unknown = api
            .post(
                "/v1/auth/password/forgot",
                json!({ "email": "nobody@example.com" }),
            )
            .await;
        assert_eq!(unknown.status, 202);
        let malformed = api
            .post("/v1/auth/password/forgot", json!({ "email": "nope" }))
            .await;
        assert_eq!(malformed.status, 422);
        let token = api
            .token_from_email(&user.email, "Reset your password", 1)
            .await;
        let weak = api
            .post(
                "/v1/auth/password/reset",
                json!({ "token": token, "new_password": "short" }),
            )
            .await;
        assert_eq!(weak.status, 422);
        let body = json!({ "token": token, "new_password": "reset and renewed" });
        assert_eq!(
            api.post("/v1/auth/password/reset", body.clone())
                .await
                .status,
            204
        );
        assert_eq!(
            api.get_as("/v1/auth/me", &user.access_token).await.code(),
            "token_revoked"
        );
        assert_eq!(
            api.login(&user.email, "reset and renewed").await.status,
            200
        );
        let again = api.post("/v1/auth/password/reset", body).await;
        assert_eq!((again.status, again.code()), (400, "invalid_token"));
        assert!(api
            .emails_to("nobody@example.com", "Reset your password")
            .is_empty());
    }
);

on_both_backends!(a_reset_token_expires_after_an_hour, |api| {
    let user = api.user().await;
    api.post("/v1/auth/password/forgot", json!({ "email": user.email }))
        .await;
    let token = api
        .token_from_email(&user.email, "Reset your password", 1)
        .await;
    api.clock.advance_secs(3601);
    let res = api
        .post(
            "/v1/auth/password/reset",
            json!({ "token": token, "new_password": "too late now" }),
        )
        .await;
    assert_eq!(res.code(), "invalid_token");
});

on_both_backends!(
    a_completed_reset_or_change_voids_every_other_reset_link,
    |api| {
        let user = api.user().await;
        let forgot = || api.post("/v1/auth/password/forgot", json!({ "email": user.email }));
        forgot().await;
        forgot().await;
        let first = api
            .token_from_email(&user.email, "Reset your password", 1)
            .await;
        let second = api
            .token_from_email(&user.email, "Reset your password", 2)
            .await;
        let reset = |token: String, password: &str| {
            api.post(
                "/v1/auth/password/reset",
                json!({ "token": token, "new_password": password }),
            )
        };
        assert_eq!(reset(first, "first new password").await.status, 204);
        let res = reset(second, "second new password").await;
        assert_eq!((res.status, res.code()), (400, "invalid_token"));

        forgot().await;
        let third = api
            .token_from_email(&user.email, "Reset your password", 3)
            .await;
        let login = api.login(&user.email, "first new password").await;
        let token = login.body["access_token"].as_str().unwrap();
        let change =
            json!({ "current_password": "first new password", "new_password": "changed by hand" });
        let res = api
            .send_as("POST", "/v1/auth/password", token, Some(change))
            .await;
        assert_eq!(res.status, 204);
        let res = reset(third, "third new password").await;
        assert_eq!((res.status, res.code()), (400, "invalid_token"));
        assert_eq!(api.login(&user.email, "changed by hand").await.status, 200);
    }
);

async fn resend_verification(api: &Api, email: &str) -> e2e::Resp {
    api.post("/v1/auth/verify-email/resend", json!({ "email": email }))
        .await
}

on_both_backends!(
    an_address_gets_at_most_five_triggered_emails_an_hour,
    |api| {
        let email = "budget@example.com";
        api.register(email, "correct horse battery").await;
        for _ in 0..5 {
            let res = resend_verification(&api, email).await;
            assert_eq!(res.status, 202, "the answer does not tell");
        }
        let forgot = api
            .post("/v1/auth/password/forgot", json!({ "email": email }))
            .await;
        assert_eq!(forgot.status, 202, "the answer does not tell");
        api.wait_for_email(email, "Confirm your email address", 5)
            .await;
        let marker = api.user().await;
        api.wait_for_email(&marker.email, "Confirm your email address", 1)
            .await;
        assert_eq!(api.emails_to(email, "Confirm your email address").len(), 5);
        assert!(api.emails_to(email, "Reset your password").is_empty());
        api.clock.advance_secs(3600);
        assert_eq!(resend_verification(&api, email).await.status, 202);
        api.wait_for_email(email, "Confirm your email address", 6)
            .await;
    }
);
