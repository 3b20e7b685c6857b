//! Finishing a mobile sign-in: a single-use, 60-second login code that only
//! the app holding the PKCE verifier can redeem.

use super::flows::*;
use super::*;
use think_tank_core::clock::Clock;

/// A mobile sign-in as someone new, up to the login code.
async fn login_code(api: &Api) -> String {
    let started = start_mobile(api).await;
    let back = through_the_provider_as(&started.location, &api.base, someone_new()).await;
    let res = call_back(&back, None).await;
    assert!(res.set_cookies().is_empty(), "no cookies in mobile mode");
    let query = landed(&res, MOBILE_APP);
    assert_eq!(query["state"], "app-state");
    query["code"].clone()
}

async fn redeem(api: &Api, code: &str, verifier: &str) -> Resp {
    let body = json!({ "code": code, "code_verifier": verifier });
    api.post("/v1/auth/oidc/token", body).await
}

with_provider!(
    the_app_redeems_its_login_code_once_with_its_verifier,
    e2e::oidc_issuer_or_skip(),
    |api| {
        let code = login_code(&api).await;
        let res = redeem(&api, &code, VERIFIER).await;
        assert_eq!(res.status, 200, "{}", res.body);
        assert_eq!(res.body["token_type"], "Bearer");
        assert!(res.body["refresh_token"].is_string());
        let access = res.body["access_token"].as_str().unwrap();
        assert_eq!(api.get_as("/v1/auth/me", access).await.status, 200);
        let again = redeem(&api, &code, VERIFIER).await;
        assert_eq!((again.status, again.code()), (400, "invalid_token"));
    }
);

with_provider!(
    a_wrong_verifier_is_refused_and_uses_the_code_up,
    e2e::oidc_issuer_or_skip(),
    |api| {
        let code = login_code(&api).await;
        let wrong = "x".repeat(43);
        let res = redeem(&api, &code, &wrong).await;
        assert_eq!((res.status, res.code()), (400, "invalid_token"));
        let res = redeem(&api, &code, VERIFIER).await;
        assert_eq!((res.status, res.code()), (400, "invalid_token"));
    }
);

with_provider!(
    a_login_code_lives_sixty_seconds,
    e2e::oidc_issuer_or_skip(),
    |api| {
        let code = login_code(&api).await;
        api.clock.advance_secs(61);
        let res = redeem(&api, &code, VERIFIER).await;
        assert_eq!((res.status, res.code()), (400, "invalid_token"));
    }
);

with_provider!(
    unknown_codes_and_missing_fields_are_refused,
    nowhere(),
    |api| {
        let res = redeem(&api, "made-up", VERIFIER).await;
        assert_eq!((res.status, res.code()), (400, "invalid_token"));
        let res = api
            .post("/v1/auth/oidc/token", json!({ "code": "c" }))
            .await;
        assert_eq!(res.status, 422, "{}", res.body);
    }
);

with_provider!(
    a_mobile_sign_in_with_a_second_factor_asks_for_it_at_the_token_route,
    e2e::oidc_issuer_or_skip(),
    |api| {
        let user = api.user().await;
        let seed = super::callback::enrol_totp(&api, &user).await;
        let started = start_mobile(&api).await;
        let back = through_the_provider_as(&started.location, &api.base, person(&user.email)).await;
        let res = call_back(&back, None).await;
        let query = landed(&res, MOBILE_APP);
        assert!(
            !query.contains_key("mfa_token"),
            "the mfa_token never travels in the redirect: {query:?}"
        );
        let res = redeem(&api, &query["code"], VERIFIER).await;
        assert_eq!((res.status, res.code()), (401, "mfa_required"));
        let code = think_tank_core::auth::totp::code_at(&seed, api.clock.now_secs()).unwrap();
        let body = json!({ "mfa_token": res.body["mfa_token"], "code": code });
        let done = api.post("/v1/auth/login/mfa", body).await;
        assert_eq!(done.status, 200, "{}", done.body);
        assert!(
            done.body["access_token"].is_string(),
            "a mobile sign-in ends with tokens"
        );
    }
);
