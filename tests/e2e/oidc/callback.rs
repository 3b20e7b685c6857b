//! Finishing a web sign-in: which account the provider's person signs in
//! to, and what they get there.

use e2e::TestUser;
use think_tank_core::auth::totp;
use think_tank_core::clock::Clock;

use super::flows::*;
use super::*;

async fn me(api: &Api, access: &str) -> Value {
    let res = api.get_as("/v1/auth/me", access).await;
    assert_eq!(res.status, 200, "{}", res.body);
    res.body["user"].clone()
}

/// A registered user whose address is proven.
async fn verified_user(api: &Api) -> TestUser {
    api.user().await
}

with_provider!(
    a_browser_is_signed_in_with_the_three_cookies_and_sent_back_to_the_app,
    e2e::oidc_issuer_or_skip(),
    |api| {
        let who =
            json!({ "email": format!("{}@example.com", e2e::unique_name("new")), "name": "Ada" });
        let res = web_sign_in_as(&api, who.clone()).await;
        let query = landed(&res, APP);
        assert_eq!(query.get("state").map(String::as_str), Some("app-state"));
        assert_eq!(query.len(), 1, "nothing but the app's state: {query:?}");
        for name in [
            "__Host-access_token",
            "__Secure-refresh_token",
            "__Host-csrf_token",
        ] {
            assert!(res.cookie(name).is_some(), "{name}");
        }
        let flow = res
            .set_cookies()
            .into_iter()
            .find(|c| c.starts_with(FLOW_COOKIE))
            .expect("the flow cookie is cleared");
        assert!(flow.contains("Max-Age=0"), "{flow}");

        let user = me(&api, &signed_in(&res)).await;
        assert_eq!(user["email"], who["email"]);
        assert_eq!(user["name"], "Ada");
        assert_eq!(user["email_verified"], true);
        assert_eq!(user["has_password"], false);
        assert_eq!(user["role"], "user");
        let identities = api.get_as("/v1/auth/identities", &signed_in(&res)).await;
        assert_eq!(identities.body["items"][0]["provider"], "local");
        assert_eq!(identities.body["items"][0]["email"], who["email"]);
    }
);

with_provider!(
    the_same_person_comes_back_to_the_same_account,
    e2e::oidc_issuer_or_skip(),
    |api| {
        let who = someone_new();
        let first = me(&api, &signed_in(&web_sign_in_as(&api, who.clone()).await)).await;
        let again = me(&api, &signed_in(&web_sign_in_as(&api, who).await)).await;
        assert_eq!(first["id"], again["id"]);
    }
);

with_provider!(
    a_verified_account_with_the_same_email_is_linked_and_keeps_its_password,
    e2e::oidc_issuer_or_skip(),
    |api| {
        let user = verified_user(&api).await;
        let res = web_sign_in_as(&api, person(&user.email)).await;
        let linked = me(&api, &signed_in(&res)).await;
        assert_eq!(linked["id"], user.id.as_str());
        assert_eq!(linked["has_password"], true);
        assert_eq!(api.login(&user.email, &user.password).await.status, 200);
        assert_eq!(
            api.get_as("/v1/auth/me", &user.access_token).await.status,
            200,
            "a verified owner's sessions stay"
        );
    }
);

with_provider!(
    an_unverified_account_loses_its_password_and_sessions_before_it_is_linked,
    e2e::oidc_issuer_or_skip(),
    |api| {
        // Someone registered the address first and never proved it: no session.
        let email = format!("{}@example.com", e2e::unique_name("squatted"));
        let squatted = api.register(&email, "squatter's password").await;
        let squatter = api.login(&email, "squatter's password").await;
        assert_eq!(squatter.code(), "email_not_verified");
        let res = web_sign_in_as(&api, person(&email)).await;
        let owner = me(&api, &signed_in(&res)).await;
        assert_eq!(owner["id"], squatted.body["user"]["id"]);
        assert_eq!(owner["has_password"], false);
        assert_eq!(owner["email_verified"], true);
        let login = api.login(&email, "squatter's password").await;
        assert_eq!((login.status, login.code()), (401, "invalid_credentials"));
    }
);

pub(super) async fn enrol_totp(api: &Api, user: &TestUser) -> Vec<u8> {
    let token = &user.access_token;
    let setup = api
        .send_as("POST", "/v1/auth/mfa/totp/setup", token, None)
        .await;
    let seed = totp::from_base32(setup.body["secret"].as_str().unwrap()).unwrap();
    let code = totp::code_at(&seed, api.clock.now_secs()).unwrap();
    let body = Some(json!({ "code": code }));
    let enabled = api
        .send_as("POST", "/v1/auth/mfa/totp/enable", token, body)
        .await;
    assert_eq!(enabled.status, 200, "{}", enabled.body);
    api.clock.advance_secs(30);
    seed
}

with_provider!(
    a_second_factor_still_applies_after_a_provider_sign_in,
    e2e::oidc_issuer_or_skip(),
    |api| {
        let user = verified_user(&api).await;
        let seed = enrol_totp(&api, &user).await;
        let res = web_sign_in_as(&api, person(&user.email)).await;
        let query = landed(&res, APP);
        assert!(res.cookie("__Host-access_token").is_none());
        assert_eq!(query["mfa_methods"], "totp,backup_code");
        let code = totp::code_at(&seed, api.clock.now_secs()).unwrap();
        let body = json!({ "mfa_token": query["mfa_token"], "code": code });
        let done = api.post("/v1/auth/login/mfa", body).await;
        assert_eq!(done.status, 200, "{}", done.body);
        assert!(
            done.cookie("__Host-access_token").is_some(),
            "a web sign-in finishes with cookies"
        );
    }
);

with_provider!(
    a_locked_account_stays_locked,
    e2e::oidc_issuer_or_skip(),
    |api| {
        let user = verified_user(&api).await;
        for _ in 0..5 {
            api.login(&user.email, "definitely wrong").await;
        }
        let res = web_sign_in_as(&api, person(&user.email)).await;
        assert_eq!(refused_with(&res), "account_locked");
    }
);

with_provider!(
    the_owner_hears_of_a_provider_linked_and_unlinked,
    e2e::oidc_issuer_or_skip(),
    |api| {
        let user = verified_user(&api).await;
        let res = web_sign_in_as(&api, person(&user.email)).await;
        let access = signed_in(&res);
        api.wait_for_email(&user.email, "A sign-in provider was linked", 1)
            .await;
        let unlink = api
            .send_as("DELETE", "/v1/auth/identities/local", &access, None)
            .await;
        assert_eq!(unlink.status, 204, "{}", unlink.body);
        api.wait_for_email(&user.email, "A sign-in provider was unlinked", 1)
            .await;
    }
);

with_provider!(
    the_last_way_to_sign_in_cannot_be_unlinked,
    e2e::oidc_issuer_or_skip(),
    |api| {
        let res = web_sign_in_as(&api, someone_new()).await;
        let access = signed_in(&res);
        let unlink = api
            .send_as("DELETE", "/v1/auth/identities/local", &access, None)
            .await;
        assert_eq!((unlink.status, unlink.code()), (409, "conflict"));
        let login = api
            .login(
                me(&api, &access).await["email"].as_str().unwrap(),
                "anything at all",
            )
            .await;
        assert_eq!(
            (login.status, login.code()),
            (401, "invalid_credentials"),
            "no password to log in with"
        );
    }
);
