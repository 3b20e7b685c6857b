//! Account takeover: a credential change wins every race against a pending
//! sign-in, a second factor can never be skipped or wedged, and admin writes
//! need a recent sign-in.

use e2e::{on_both_backends, Api, TestUser, ADMIN};
use serde_json::json;

use crate::mfa::{authed, code_now, enrol_user, finish, mfa_token};

async fn reset_link(api: &Api, user: &TestUser, nth: usize) -> String {
    let forgot = json!({ "email": user.email });
    api.post("/v1/auth/password/forgot", forgot).await;
    api.token_from_email(&user.email, "Reset your password", nth)
        .await
}

async fn reset(api: &Api, token: &str) -> e2e::Resp {
    let body = json!({ "token": token, "new_password": "the owner's new password" });
    api.post("/v1/auth/password/reset", body).await
}

on_both_backends!(
    an_mfa_token_in_hand_dies_when_the_owner_resets_the_password,
    |api| {
        let enrolled = enrol_user(&api, api.user().await).await;
        let pending = mfa_token(&api, &enrolled.user).await;
        let link = reset_link(&api, &enrolled.user, 1).await;
        assert_eq!(reset(&api, &link).await.status, 204);
        let late = finish(&api, &pending, &code_now(&api, &enrolled.seed)).await;
        assert_eq!((late.status, late.code()), (400, "invalid_token"));
    }
);

on_both_backends!(a_reset_link_dies_when_a_factor_is_turned_on, |api| {
    let user = api.user().await;
    let link = reset_link(&api, &user, 1).await;
    enrol_user(&api, user).await;
    let res = reset(&api, &link).await;
    assert_eq!((res.status, res.code()), (400, "invalid_token"));
});

on_both_backends!(turning_a_factor_on_revokes_the_other_sessions, |api| {
    let user = api.user().await;
    let other = api.login(&user.email, &user.password).await;
    let other_access = other.body["access_token"].as_str().unwrap().to_string();
    let other_refresh = other.body["refresh_token"].as_str().unwrap().to_string();
    let enrolled = enrol_user(&api, user).await;
    let me = api.get_as("/v1/auth/me", &other_access).await;
    assert_eq!((me.status, me.code()), (401, "token_revoked"));
    let refresh = json!({ "refresh_token": other_refresh });
    let refreshed = api.post("/v1/auth/refresh", refresh).await;
    assert_eq!(refreshed.status, 401);
    let mine = api.get_as("/v1/auth/me", &enrolled.user.access_token).await;
    assert_eq!(mine.status, 200, "the session that turned it on stays");
});

on_both_backends!(
    a_right_password_without_its_code_never_wedges_the_lockout,
    |api| {
        let enrolled = enrol_user(&api, api.user().await).await;
        let user = &enrolled.user;
        for _ in 0..6 {
            let body = Some(json!({ "password": user.password }));
            let res = authed(&api, user, "/v1/auth/reauthenticate", body).await;
            assert_eq!(
                (res.status, res.body["errors"][0]["field"].as_str()),
                (422, Some("code"))
            );
        }
        let login = api.login(&user.email, &user.password).await;
        assert_eq!((login.status, login.code()), (401, "mfa_required"));
    }
);

on_both_backends!(admin_writes_need_a_recent_sign_in, ADMIN, |api| {
    let admin = api.admin().await;
    let target = api.user().await;
    api.clock.advance_secs(601);
    let role = api
        .admin_update_user(&admin.access_token, &target.id, json!({ "role": "admin" }))
        .await;
    assert_eq!(
        (role.status, role.code()),
        (403, "reauthentication_required")
    );
    let lock = api
        .admin_update_user(&admin.access_token, &target.id, json!({ "locked": true }))
        .await;
    assert_eq!(lock.code(), "reauthentication_required");
    let path = format!("/v1/admin/users/{}/mfa", target.id);
    let mfa = api
        .send_as("DELETE", &path, &admin.access_token, None)
        .await;
    assert_eq!(mfa.code(), "reauthentication_required");
    let me = api.get_as("/v1/auth/me", &target.access_token).await;
    assert_eq!(me.status, 200, "nothing happened to the user");

    let body = Some(json!({ "password": admin.password }));
    let again = authed(&api, &admin, "/v1/auth/reauthenticate", body).await;
    assert_eq!(again.status, 204);
    let role = api
        .admin_update_user(&admin.access_token, &target.id, json!({ "role": "admin" }))
        .await;
    assert_eq!(role.status, 200, "{}", role.body);
});

on_both_backends!(
    the_owner_hears_of_a_password_change_new_backup_codes_and_a_used_one,
    |api| {
        let enrolled = enrol_user(&api, api.user().await).await;
        let user = &enrolled.user;
        let body = Some(
            json!({ "current_password": user.password, "new_password": "a brand new secret" }),
        );
        let changed = authed(&api, user, "/v1/auth/password", body).await;
        assert_eq!(changed.status, 204, "{}", changed.body);
        api.wait_for_email(&user.email, "Your password was changed", 1)
            .await;

        let codes = authed(&api, user, "/v1/auth/mfa/backup-codes", None).await;
        assert_eq!(codes.status, 200, "{}", codes.body);
        api.wait_for_email(&user.email, "New backup codes were made", 1)
            .await;

        let login = api.login(&user.email, "a brand new secret").await;
        let pending = login.body["mfa_token"].as_str().unwrap().to_string();
        let code = codes.body["backup_codes"][0].as_str().unwrap();
        assert_eq!(finish(&api, &pending, code).await.status, 200);
        let mail = api
            .wait_for_email(&user.email, "A backup code was used", 1)
            .await;
        assert!(mail.contains("9 are left"), "{mail}");
    }
);
