//! When a provider identity links itself to an existing account, and how an
//! owner links one from the account: never by email without the provider's
//! `link_by_email`, never to an admin, never back after the owner unlinked
//! it, and never before the lockout and second factor have been checked.

use e2e::{TestUser, ADMIN_EMAIL};
use think_tank_core::auth::totp;
use think_tank_core::clock::Clock;

use super::flows::*;
use super::*;

/// The test provider as configured by default: no linking by email.
fn without_link_by_email(issuer: &str) -> String {
    json!([{ "name": "local", "issuer": issuer, "client_id": "think-tank" }]).to_string()
}

async fn identities(api: &Api, user: &TestUser) -> Value {
    let res = api.get_as("/v1/auth/identities", &user.access_token).await;
    assert_eq!(res.status, 200, "{}", res.body);
    res.body["items"].clone()
}

/// Both backends, with the provider at `issuer` and `extra` settings.
macro_rules! with_settings {
    ($name:ident, $extra:expr, |$api:ident, $issuer:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn run(on_aws: bool) {
                let Some($issuer) = e2e::oidc_issuer_or_skip() else {
                    return;
                };
                let extra: Vec<(&str, String)> = $extra(&$issuer);
                let extra: Vec<(&str, &str)> =
                    extra.iter().map(|(k, v)| (*k, v.as_str())).collect();
                let Some($api) = start_with(on_aws, &$issuer, &extra).await else {
                    return;
                };
                $body
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn memory() {
                run(false).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn aws() {
                run(true).await;
            }
        }
    };
}

fn defaults(issuer: &str) -> Vec<(&'static str, String)> {
    vec![("OIDC_PROVIDERS", without_link_by_email(issuer))]
}

fn with_admin(_: &str) -> Vec<(&'static str, String)> {
    vec![("BOOTSTRAP_ADMIN_EMAIL", ADMIN_EMAIL.to_string())]
}

with_settings!(
    a_verified_account_is_not_linked_by_email_by_default,
    defaults,
    |api, issuer| {
        let user = api.user().await;
        let res = web_sign_in_as(&api, person(&user.email)).await;
        assert_eq!(refused_with(&res), "account_exists");
        assert_eq!(identities(&api, &user).await, json!([]));
    }
);

with_settings!(
    an_admin_account_is_never_linked_by_email,
    with_admin,
    |api, issuer| {
        let admin = api.admin().await;
        let res = web_sign_in_as(&api, person(&admin.email)).await;
        assert_eq!(refused_with(&res), "account_exists");
        assert_eq!(identities(&api, &admin).await, json!([]));
    }
);

with_provider!(
    an_identity_the_owner_unlinked_never_links_itself_back,
    e2e::oidc_issuer_or_skip(),
    |api| {
        let user = api.user().await;
        let res = web_sign_in_as(&api, person(&user.email)).await;
        signed_in(&res);
        let unlink = api
            .send_as(
                "DELETE",
                "/v1/auth/identities/local",
                &user.access_token,
                None,
            )
            .await;
        assert_eq!(unlink.status, 204, "{}", unlink.body);
        let again = web_sign_in_as(&api, person(&user.email)).await;
        assert_eq!(refused_with(&again), "account_exists");
        assert_eq!(identities(&api, &user).await, json!([]));
    }
);

with_provider!(
    a_locked_account_is_not_linked,
    e2e::oidc_issuer_or_skip(),
    |api| {
        let user = api.user().await;
        for _ in 0..5 {
            api.login(&user.email, "definitely wrong").await;
        }
        let res = web_sign_in_as(&api, person(&user.email)).await;
        assert_eq!(refused_with(&res), "account_locked");
        assert_eq!(identities(&api, &user).await, json!([]));
    }
);

with_provider!(
    with_a_second_factor_the_link_waits_for_it,
    e2e::oidc_issuer_or_skip(),
    |api| {
        let user = api.user().await;
        let seed = super::callback::enrol_totp(&api, &user).await;
        let res = web_sign_in_as(&api, person(&user.email)).await;
        let query = landed(&res, APP);
        assert_eq!(
            identities(&api, &user).await,
            json!([]),
            "not before the factor"
        );
        let code = totp::code_at(&seed, api.clock.now_secs()).unwrap();
        let body = json!({ "mfa_token": query["mfa_token"], "code": code });
        let done = api.post("/v1/auth/login/mfa", body).await;
        assert_eq!(done.status, 200, "{}", done.body);
        assert_eq!(identities(&api, &user).await[0]["provider"], "local");
    }
);

async fn link_from_the_account(api: &Api, user: &TestUser, who: Value) -> Resp {
    let body = Some(json!({ "redirect_uri": APP }));
    let started = api
        .send_as(
            "POST",
            "/v1/auth/identities/local",
            &user.access_token,
            body,
        )
        .await;
    assert_eq!(started.status, 200, "{}", started.body);
    let location = started.body["authorize_url"].as_str().unwrap();
    let back = through_the_provider_as(location, &api.base, who).await;
    call_back(&back, None).await
}

with_settings!(
    an_owner_links_a_provider_from_the_account,
    defaults,
    |api, issuer| {
        let user = api.user().await;
        let other_address =
            json!({ "email": format!("{}@example.net", e2e::unique_name("elsewhere")) });
        let res = link_from_the_account(&api, &user, other_address.clone()).await;
        let query = landed(&res, APP);
        assert_eq!(query.get("linked").map(String::as_str), Some("local"));
        assert_eq!(identities(&api, &user).await[0]["provider"], "local");
        api.wait_for_email(&user.email, "A sign-in provider was linked", 1)
            .await;
        let back = web_sign_in_as(&api, other_address.clone()).await;
        let signed = me_of(&api, &signed_in(&back)).await;
        assert_eq!(
            signed["id"],
            user.id.as_str(),
            "the identity now signs in to the account"
        );

        let someone = api.user().await;
        let taken = link_from_the_account(&api, &someone, other_address).await;
        let query = landed(&taken, APP);
        assert_eq!(
            query.get("error").map(String::as_str),
            Some("identity_taken")
        );
        assert_eq!(identities(&api, &someone).await, json!([]));
    }
);

async fn me_of(api: &Api, access: &str) -> Value {
    let res = api.get_as("/v1/auth/me", access).await;
    assert_eq!(res.status, 200, "{}", res.body);
    res.body["user"].clone()
}

with_settings!(
    linking_from_the_account_is_sensitive_and_checks_the_redirect,
    defaults,
    |api, issuer| {
        let user = api.user().await;
        let path = "/v1/auth/identities/local";
        let bad = Some(json!({ "redirect_uri": "https://evil.example/steal" }));
        let res = api.send_as("POST", path, &user.access_token, bad).await;
        assert_eq!(
            (res.status, res.body["errors"][0]["field"].as_str()),
            (422, Some("redirect_uri"))
        );
        api.clock.advance_secs(601);
        let late = Some(json!({ "redirect_uri": APP }));
        let res = api.send_as("POST", path, &user.access_token, late).await;
        assert_eq!(res.code(), "reauthentication_required");
    }
);
