//! Two-step sign-in with an authenticator app and backup codes: enrolment,
//! MFA logins (mobile and web), replay, single use, lockout, disabling.

use e2e::{on_both_backends, Api, Resp, TestUser, ADMIN};
use serde_json::{json, Value};
use think_tank_core::auth::totp;
use think_tank_core::clock::Clock;

/// A user with TOTP on: the seed and the backup codes they were shown.
pub(crate) struct Enrolled {
    pub user: TestUser,
    pub seed: Vec<u8>,
    pub backup_codes: Vec<String>,
}

pub(crate) async fn authed(api: &Api, user: &TestUser, path: &str, body: Option<Value>) -> Resp {
    api.send_as("POST", path, &user.access_token, body).await
}

pub(crate) fn code_now(api: &Api, seed: &[u8]) -> String {
    totp::code_at(seed, api.clock.now_secs()).unwrap()
}

/// Moves to the next TOTP step, so its code has not been used yet.
fn next_step(api: &Api) {
    api.clock.advance_secs(30);
}

async fn enrol(api: &Api) -> Enrolled {
    enrol_user(api, api.user().await).await
}

/// Turns TOTP on for `user` (from their own, recent session).
pub(crate) async fn enrol_user(api: &Api, user: TestUser) -> Enrolled {
    let setup = authed(api, &user, "/v1/auth/mfa/totp/setup", None).await;
    assert_eq!(setup.status, 200, "{}", setup.body);
    let seed = totp::from_base32(setup.body["secret"].as_str().unwrap()).unwrap();
    let code = code_now(api, &seed);
    let enabled = authed(
        api,
        &user,
        "/v1/auth/mfa/totp/enable",
        Some(json!({ "code": code })),
    )
    .await;
    assert_eq!(enabled.status, 200, "{}", enabled.body);
    let backup_codes = enabled.body["backup_codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_string())
        .collect();
    next_step(api);
    Enrolled {
        user,
        seed,
        backup_codes,
    }
}

pub(crate) async fn mfa_token(api: &Api, user: &TestUser) -> String {
    let login = api.login(&user.email, &user.password).await;
    assert_eq!((login.status, login.code()), (401, "mfa_required"));
    login.body["mfa_token"].as_str().unwrap().to_string()
}

pub(crate) async fn finish(api: &Api, token: &str, code: &str) -> Resp {
    api.post(
        "/v1/auth/login/mfa",
        json!({ "mfa_token": token, "code": code }),
    )
    .await
}

on_both_backends!(
    setup_gives_a_seed_and_uri_and_enable_answers_ten_backup_codes,
    |api| {
        let user = api.user().await;
        let setup = authed(&api, &user, "/v1/auth/mfa/totp/setup", None).await;
        assert_eq!(setup.status, 200, "{}", setup.body);
        let uri = setup.body["otpauth_uri"].as_str().unwrap();
        assert!(uri.starts_with("otpauth://totp/Think-Tank:"), "{uri}");
        let seed = totp::from_base32(setup.body["secret"].as_str().unwrap()).unwrap();

        let wrong = authed(
            &api,
            &user,
            "/v1/auth/mfa/totp/enable",
            Some(json!({ "code": "000000" })),
        )
        .await;
        assert_eq!((wrong.status, wrong.code()), (422, "invalid_code"));

        let code = code_now(&api, &seed);
        let body = Some(json!({ "code": code }));
        let enabled = authed(&api, &user, "/v1/auth/mfa/totp/enable", body).await;
        assert_eq!(enabled.status, 200, "{}", enabled.body);
        let codes = enabled.body["backup_codes"].as_array().unwrap();
        assert_eq!(codes.len(), 10);

        let again = authed(&api, &user, "/v1/auth/mfa/totp/setup", None).await;
        assert_eq!((again.status, again.code()), (409, "conflict"));
        let me = api.get_as("/v1/auth/me", &user.access_token).await;
        assert_eq!(me.body["user"]["mfa_enabled"], true);
        assert_eq!(me.body["user"]["mfa_methods"], json!(["totp"]));
        assert_eq!(me.body["user"]["has_password"], true);
        assert_eq!(me.body["user"]["phone"], Value::Null);
        let mail = api
            .wait_for_email(&user.email, "Authenticator app sign-in turned on", 1)
            .await;
        assert!(mail.contains("reset your password"), "{mail}");
    }
);

on_both_backends!(
    a_mobile_login_needs_the_code_and_then_answers_with_tokens,
    |api| {
        let enrolled = enrol(&api).await;
        let login = api
            .login(&enrolled.user.email, &enrolled.user.password)
            .await;
        assert_eq!((login.status, login.code()), (401, "mfa_required"));
        assert_eq!(login.body["mfa_methods"], json!(["totp", "backup_code"]));
        assert!(login.body.get("access_token").is_none());
        let token = login.body["mfa_token"].as_str().unwrap();

        let done = finish(&api, token, &code_now(&api, &enrolled.seed)).await;
        assert_eq!(done.status, 200, "{}", done.body);
        assert_eq!(done.body["token_type"], "Bearer");
        let access = done.body["access_token"].as_str().unwrap();
        assert_eq!(api.get_as("/v1/auth/me", access).await.status, 200);
    }
);

on_both_backends!(
    a_web_login_with_mfa_finishes_with_the_three_cookies,
    |api| {
        let enrolled = enrol(&api).await;
        let body = json!({ "email": enrolled.user.email, "password": enrolled.user.password });
        let login = api.post("/v1/auth/login/web", body).await;
        assert_eq!((login.status, login.code()), (401, "mfa_required"));
        assert!(login.set_cookies().is_empty());
        let token = login.body["mfa_token"].as_str().unwrap();

        let done = finish(&api, token, &code_now(&api, &enrolled.seed)).await;
        assert_eq!(done.status, 200, "{}", done.body);
        assert!(done.body.get("access_token").is_none());
        assert!(done.body["csrf_token"].is_string());
        for name in [
            "__Host-access_token",
            "__Secure-refresh_token",
            "__Host-csrf_token",
        ] {
            assert!(done.cookie(name).is_some(), "{name} missing");
        }
    }
);

on_both_backends!(a_totp_code_is_accepted_once, |api| {
    let enrolled = enrol(&api).await;
    let code = code_now(&api, &enrolled.seed);
    let first = mfa_token(&api, &enrolled.user).await;
    assert_eq!(finish(&api, &first, &code).await.status, 200);
    let second = mfa_token(&api, &enrolled.user).await;
    let replay = finish(&api, &second, &code).await;
    assert_eq!((replay.status, replay.code()), (401, "invalid_code"));
});

on_both_backends!(a_backup_code_wins_once_when_two_logins_race, |api| {
    let enrolled = enrol(&api).await;
    let code = &enrolled.backup_codes[0];
    let (a, b) = (
        mfa_token(&api, &enrolled.user).await,
        mfa_token(&api, &enrolled.user).await,
    );
    let (ra, rb) = tokio::join!(finish(&api, &a, code), finish(&api, &b, code));
    let mut statuses = [ra.status, rb.status];
    statuses.sort();
    assert_eq!(statuses, [200, 401], "{} / {}", ra.body, rb.body);

    let later = mfa_token(&api, &enrolled.user).await;
    let reused = finish(&api, &later, code).await;
    assert_eq!(reused.code(), "invalid_code");
    let other = finish(&api, &later, &enrolled.backup_codes[1].to_uppercase()).await;
    assert_eq!(
        other.status, 200,
        "another code, typed in capitals: {}",
        other.body
    );
});

on_both_backends!(an_mfa_token_is_used_once, |api| {
    let enrolled = enrol(&api).await;
    let token = mfa_token(&api, &enrolled.user).await;
    assert_eq!(
        finish(&api, &token, &enrolled.backup_codes[0]).await.status,
        200
    );
    let again = finish(&api, &token, &enrolled.backup_codes[1]).await;
    assert_eq!((again.status, again.code()), (400, "invalid_token"));
});

on_both_backends!(
    an_mfa_token_dies_after_five_wrong_codes,
    &[("LOCKOUT_THRESHOLD", "50")],
    |api| {
        let enrolled = enrol(&api).await;
        let token = mfa_token(&api, &enrolled.user).await;
        for _ in 0..5 {
            let wrong = finish(&api, &token, "000000").await;
            assert_eq!((wrong.status, wrong.code()), (401, "invalid_code"));
        }
        let right = finish(&api, &token, &code_now(&api, &enrolled.seed)).await;
        assert_eq!((right.status, right.code()), (400, "invalid_token"));
    }
);

on_both_backends!(an_mfa_token_expires_after_five_minutes, |api| {
    let enrolled = enrol(&api).await;
    let token = mfa_token(&api, &enrolled.user).await;
    api.clock.advance_secs(301);
    let late = finish(&api, &token, &code_now(&api, &enrolled.seed)).await;
    assert_eq!((late.status, late.code()), (400, "invalid_token"));
});

on_both_backends!(wrong_codes_lock_the_account_like_wrong_passwords, |api| {
    let enrolled = enrol(&api).await;
    for _ in 0..5 {
        let token = mfa_token(&api, &enrolled.user).await;
        assert_eq!(finish(&api, &token, "000000").await.code(), "invalid_code");
    }
    let login = api
        .login(&enrolled.user.email, &enrolled.user.password)
        .await;
    assert_eq!((login.status, login.code()), (429, "account_locked"));
    let mail = api
        .wait_for_email(&enrolled.user.email, "Your account was locked", 1)
        .await;
    assert!(mail.contains("locked until"));
});

on_both_backends!(
    sensitive_routes_refuse_an_old_sign_in_until_reauthenticate,
    &[("REAUTH_SECONDS", "600")],
    |api| {
        let enrolled = enrol(&api).await;
        let user = &enrolled.user;
        api.clock.advance_secs(601);
        let stale = authed(&api, user, "/v1/auth/mfa/backup-codes", None).await;
        assert_eq!(
            (stale.status, stale.code()),
            (403, "reauthentication_required")
        );

        let without_code = json!({ "password": user.password });
        let refused = authed(&api, user, "/v1/auth/reauthenticate", Some(without_code)).await;
        assert_eq!(refused.status, 422, "MFA on: a code is required too");
        let with_code =
            json!({ "password": user.password, "code": code_now(&api, &enrolled.seed) });
        let renewed = authed(&api, user, "/v1/auth/reauthenticate", Some(with_code)).await;
        assert_eq!(renewed.status, 204, "{}", renewed.body);

        let fresh = authed(&api, user, "/v1/auth/mfa/backup-codes", None).await;
        assert_eq!(fresh.status, 200, "{}", fresh.body);
        assert_eq!(fresh.body["backup_codes"].as_array().unwrap().len(), 10);
        let token = mfa_token(&api, user).await;
        let old = finish(&api, &token, &enrolled.backup_codes[0]).await;
        assert_eq!(old.code(), "invalid_code", "the old set is gone");
    }
);

on_both_backends!(disabling_needs_the_password_and_a_code, |api| {
    let enrolled = enrol(&api).await;
    let user = &enrolled.user;
    let path = "/v1/auth/mfa/disable";
    let code = code_now(&api, &enrolled.seed);
    let bad_password = json!({ "password": "not it", "code": code });
    let res = authed(&api, user, path, Some(bad_password)).await;
    assert_eq!((res.status, res.code()), (401, "invalid_credentials"));
    let bad_code = json!({ "password": user.password, "code": "000000" });
    let res = authed(&api, user, path, Some(bad_code)).await;
    assert_eq!((res.status, res.code()), (422, "invalid_code"));
    let no_password = json!({ "code": code });
    assert_eq!(
        authed(&api, user, path, Some(no_password)).await.status,
        422
    );

    let right = json!({ "password": user.password, "code": code });
    let res = authed(&api, user, path, Some(right)).await;
    assert_eq!(res.status, 204, "{}", res.body);
    let login = api.login(&user.email, &user.password).await;
    assert_eq!(login.status, 200, "no second step any more");
    assert_eq!(login.body["user"]["mfa_enabled"], false);
    api.wait_for_email(&user.email, "Two-step sign-in turned off", 1)
        .await;
});

on_both_backends!(
    an_admin_reset_turns_mfa_off_and_revokes_sessions,
    ADMIN,
    |api| {
        let admin = api.admin().await;
        let enrolled = enrol(&api).await;
        let path = format!("/v1/admin/users/{}/mfa", enrolled.user.id);
        let res = api
            .send_as("DELETE", &path, &admin.access_token, None)
            .await;
        assert_eq!(res.status, 204, "{}", res.body);
        let me = api.get_as("/v1/auth/me", &enrolled.user.access_token).await;
        assert_eq!((me.status, me.code()), (401, "token_revoked"));
        let login = api
            .login(&enrolled.user.email, &enrolled.user.password)
            .await;
        assert_eq!(login.status, 200, "{}", login.body);
        api.wait_for_email(&enrolled.user.email, "Two-step sign-in turned off", 1)
            .await;
    }
);
