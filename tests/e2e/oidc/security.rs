//! What a provider sign-in refuses: a replayed or foreign `state`, a flow
//! finished in another browser, an ID token that fails a check, an address
//! the provider does not vouch for, a refusal at the provider.

use super::flows::*;
use super::*;

with_provider!(
    a_state_works_once_and_unknown_states_are_refused,
    e2e::oidc_issuer_or_skip(),
    |api| {
        let started = start_web(&api).await;
        let back = through_the_provider(&started.location, &api.base).await;
        let cookie = started.flow_cookie.as_deref();
        signed_in(&call_back(&back, cookie).await);
        let replay = call_back(&back, cookie).await;
        assert_eq!((replay.status, replay.code()), (400, "invalid_token"));
        assert!(replay.header("location").is_none());

        let base = format!("{}/v1/auth/oidc/local/callback", api.base);
        for query in ["?code=c&state=made-up", "?code=c", ""] {
            let res = call_back(&format!("{base}{query}"), cookie).await;
            assert_eq!((res.status, res.code()), (400, "invalid_token"), "{query}");
        }
    }
);

with_provider!(
    a_flow_lives_ten_minutes,
    e2e::oidc_issuer_or_skip(),
    |api| {
        let started = start_web(&api).await;
        let back = through_the_provider(&started.location, &api.base).await;
        api.clock.advance_secs(601);
        let res = call_back(&back, started.flow_cookie.as_deref()).await;
        assert_eq!((res.status, res.code()), (400, "invalid_token"));
    }
);

with_provider!(
    a_web_flow_finishes_only_in_the_browser_that_started_it,
    e2e::oidc_issuer_or_skip(),
    |api| {
        // Login CSRF: an attacker's own callback URL opened in a victim's browser.
        let attacker = start_web(&api).await;
        let back = through_the_provider(&attacker.location, &api.base).await;
        let res = call_back(&back, None).await;
        assert_eq!(refused_with(&res), "invalid_state");

        let victim = start_web(&api).await;
        let attacker = start_web(&api).await;
        let back = through_the_provider(&attacker.location, &api.base).await;
        let res = call_back(&back, victim.flow_cookie.as_deref()).await;
        assert_eq!(refused_with(&res), "invalid_state", "another flow's cookie");
    }
);

with_provider!(
    a_flow_finishes_only_at_the_provider_it_started_with,
    e2e::oidc_issuer_or_skip(),
    |api| {
        let started = start_web(&api).await;
        let back = through_the_provider(&started.location, &api.base).await;
        let elsewhere = back.replace("/oidc/local/", "/oidc/other/");
        let res = call_back(&elsewhere, started.flow_cookie.as_deref()).await;
        assert_eq!(refused_with(&res), "invalid_state");
    }
);

with_provider!(
    an_id_token_that_fails_a_check_signs_nobody_in,
    e2e::oidc_issuer_or_skip(),
    |api| {
        for misbehave in e2e::BAD_ID_TOKENS {
            let mut who = someone_new();
            who["misbehave"] = json!(misbehave);
            let res = web_sign_in_as(&api, who.clone()).await;
            assert_eq!(refused_with(&res), "invalid_id_token", "{misbehave}");
            let email = who["email"].as_str().unwrap();
            let registered = api.register(email, "correct horse battery").await;
            assert_eq!(registered.status, 201, "no account was made ({misbehave})");
        }
    }
);

with_provider!(
    an_address_the_provider_does_not_vouch_for_links_and_creates_nothing,
    e2e::oidc_issuer_or_skip(),
    |api| {
        let owner = api.user().await;
        let who = json!({ "email": owner.email, "email_verified": false });
        let res = web_sign_in_as(&api, who).await;
        assert_eq!(refused_with(&res), "email_not_verified");
        let identities = api.get_as("/v1/auth/identities", &owner.access_token).await;
        assert_eq!(identities.body["items"], json!([]));

        let stranger = format!("{}@example.com", e2e::unique_name("unverified"));
        let who = json!({ "email": stranger, "email_verified": false });
        assert_eq!(
            refused_with(&web_sign_in_as(&api, who).await),
            "email_not_verified"
        );
        let registered = api.register(&stranger, "correct horse battery").await;
        assert_eq!(registered.status, 201, "no account was made");
    }
);

with_provider!(
    a_refusal_at_the_provider_goes_back_to_the_app_as_access_denied,
    e2e::oidc_issuer_or_skip(),
    |api| {
        let mut who = someone_new();
        who["misbehave"] = json!("refuse");
        let res = web_sign_in_as(&api, who).await;
        assert_eq!(refused_with(&res), "access_denied");
    }
);
