//! Starting a sign-in with an OpenID Connect provider: the provider list,
//! the redirect-URI allowlist, and the authorization request the real test
//! provider (`infra/oidc/provider.mjs`) accepts.

use e2e::{Api, Resp};
use reqwest::redirect::Policy;
use serde_json::{json, Value};

const APP: &str = "https://app.example.com/auth/done";
const MOBILE_APP: &str = "com.example.app:/oauth";
/// Where no provider listens: the tests that never reach one.
const NOWHERE: &str = "http://127.0.0.1:9";
/// S256 of [`flows::VERIFIER`].
const CHALLENGE: &str = "TBVaag_QzFx4gA8hcaVZBr6vRG5rCyUmiPkh5PkvwrY";

/// The test provider, allowed to link itself by email to existing accounts
/// (`link_by_email`; [`linking`] covers the default, which does not).
fn providers(issuer: &str) -> String {
    json!([{ "name": "local", "issuer": issuer, "client_id": "think-tank", "link_by_email": true }])
        .to_string()
}

/// A gateway on the memory backend, or on the emulators (`None` when they are not running).
async fn start(on_aws: bool, issuer: &str) -> Option<Api> {
    start_with(on_aws, issuer, &[]).await
}

/// As [`start`], with more settings.
async fn start_with(on_aws: bool, issuer: &str, extra: &[(&str, &str)]) -> Option<Api> {
    let providers = providers(issuer);
    let uris = format!("{APP},{MOBILE_APP}");
    let mut overrides = vec![
        ("OIDC_PROVIDERS", providers.as_str()),
        ("OIDC_CLIENT_SECRETS", r#"{"local":"dev-secret"}"#),
        ("OAUTH_REDIRECT_URIS", uris.as_str()),
    ];
    overrides.extend_from_slice(extra);
    match on_aws {
        true => Api::start_aws(&overrides).await,
        false => Some(Api::start_memory(&overrides).await),
    }
}

/// Both backends, with the provider at `issuer`.
macro_rules! with_provider {
    ($name:ident, $issuer:expr, |$api:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn memory() {
                let Some(issuer) = $issuer else { return };
                let $api = start(false, &issuer).await.unwrap();
                $body
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn aws() {
                let Some(issuer) = $issuer else { return };
                let Some($api) = start(true, &issuer).await else {
                    return;
                };
                $body
            }
        }
    };
}

mod callback;
mod flows;
mod linking;
mod mobile;
mod security;

fn nowhere() -> Option<String> {
    Some(NOWHERE.to_string())
}

async fn authorize(api: &Api, query: &str) -> Resp {
    let url = format!("{}/v1/auth/oidc/local/authorize?{query}", api.base);
    flows::get_without_redirects(&url, None).await
}

fn encoded(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

with_provider!(
    the_configured_providers_are_listed_without_auth,
    nowhere(),
    |api| {
        let res = api.call("GET", "/v1/auth/oidc/providers", None, &[]).await;
        assert_eq!(res.status, 200);
        assert_eq!(res.body, json!({ "items": [{ "name": "local" }] }));
    }
);

with_provider!(
    a_redirect_uri_outside_the_allowlist_is_refused_and_never_redirected_to,
    nowhere(),
    |api| {
        for uri in [
            "https://evil.example/auth/done",
            "https://app.example.com/auth/done/",
            "https://app.example.com/auth/done?x=1",
        ] {
            let res = authorize(&api, &format!("redirect_uri={}&mode=web", encoded(uri))).await;
            assert_eq!(res.status, 422, "{uri}");
            assert_eq!(res.body["errors"][0]["field"], "redirect_uri");
            assert!(res.header("location").is_none(), "{uri}");
            assert!(res.set_cookies().is_empty());
        }
    }
);

with_provider!(
    unknown_providers_and_bad_modes_are_refused,
    nowhere(),
    |api| {
        let client = reqwest::Client::builder()
            .redirect(Policy::none())
            .build()
            .unwrap();
        let url = format!(
            "{}/v1/auth/oidc/nope/authorize?redirect_uri={}&mode=web",
            api.base,
            encoded(APP)
        );
        assert_eq!(client.get(url).send().await.unwrap().status(), 404);
        let res = authorize(&api, &format!("redirect_uri={}&mode=tv", encoded(APP))).await;
        assert_eq!(
            (res.status, res.body["errors"][0]["field"].as_str()),
            (422, Some("mode"))
        );
        let res = authorize(
            &api,
            &format!("redirect_uri={}&mode=mobile", encoded(MOBILE_APP)),
        )
        .await;
        assert_eq!(
            (res.status, res.body["errors"][0]["field"].as_str()),
            (422, Some("code_challenge")),
            "mobile mode needs the app's own challenge"
        );
    }
);

/// The query of a URL as pairs.
fn query_of(location: &str) -> std::collections::HashMap<String, String> {
    let url = url::Url::parse(location).unwrap();
    url.query_pairs().into_owned().collect()
}

with_provider!(
    web_mode_sends_the_browser_to_the_provider_with_pkce_state_and_nonce,
    e2e::oidc_issuer_or_skip(),
    |api| {
        let issuer = std::env::var("OIDC_TEST_ISSUER").unwrap();
        let res = authorize(
            &api,
            &format!("redirect_uri={}&mode=web&state=s1", encoded(APP)),
        )
        .await;
        assert_eq!(res.status, 302, "{}", res.body);
        let location = res.header("location").unwrap().to_string();
        assert!(
            location.starts_with(&format!("{issuer}/auth?")),
            "{location}"
        );
        let q = query_of(&location);
        assert_eq!(q["response_type"], "code");
        assert_eq!(q["client_id"], "think-tank");
        assert_eq!(
            q["redirect_uri"],
            format!("{}/v1/auth/oidc/local/callback", api.base)
        );
        assert_eq!(q["scope"], "openid email profile");
        assert_eq!(
            (
                q["code_challenge"].len(),
                q["code_challenge_method"].as_str()
            ),
            (43, "S256")
        );
        assert!(q["state"].len() >= 43 && q["nonce"].len() >= 43);
        assert_ne!(q["state"], "s1", "the app's state is not the provider's");
        let cookie = res
            .set_cookies()
            .into_iter()
            .find(|c| c.starts_with("__Host-oidc_flow="))
            .expect("the flow is bound to the browser");
        for attr in [
            "HttpOnly",
            "Secure",
            "SameSite=Lax",
            "Path=/",
            "Max-Age=600",
        ] {
            assert!(cookie.contains(attr), "{cookie}");
        }
        let callback = through_the_provider(&location, &api.base).await;
        let back = query_of(&callback);
        assert!(back.contains_key("code"), "{callback}");
        assert_eq!(back["state"], q["state"]);
    }
);

with_provider!(
    mobile_mode_needs_no_cookie_and_is_accepted_by_the_provider,
    e2e::oidc_issuer_or_skip(),
    |api| {
        let query = format!(
            "redirect_uri={}&mode=mobile&code_challenge={CHALLENGE}",
            encoded(MOBILE_APP)
        );
        let res = authorize(&api, &query).await;
        assert_eq!(res.status, 302, "{}", res.body);
        assert!(res.set_cookies().is_empty());
        let location = res.header("location").unwrap().to_string();
        assert_ne!(
            query_of(&location)["code_challenge"],
            CHALLENGE,
            "the provider sees our own PKCE pair"
        );
        let callback = through_the_provider(&location, &api.base).await;
        assert!(query_of(&callback).contains_key("code"), "{callback}");
    }
);

/// Signs a fresh test user in at the provider (queued, so no form) and
/// follows its redirects until it sends the browser back to this API: that URL.
async fn through_the_provider(location: &str, api_base: &str) -> String {
    let email = format!("{}@example.com", e2e::unique_name("oidc"));
    through_the_provider_as(location, api_base, json!({ "email": email })).await
}

/// [`through_the_provider`] as `who` (`email`, `email_verified`?, `name`?, `misbehave`?).
async fn through_the_provider_as(location: &str, api_base: &str, who: Value) -> String {
    e2e::sign_in_at_provider(location, api_base, who).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_configured_api_base_url_is_the_callback_providers_are_given() {
    let Some(issuer) = e2e::oidc_issuer_or_skip() else {
        return;
    };
    let providers = providers(&issuer);
    let overrides = [
        ("OIDC_PROVIDERS", providers.as_str()),
        ("OAUTH_REDIRECT_URIS", APP),
        ("API_BASE_URL", "http://localhost:3901"),
    ];
    let api = Api::start_memory(&overrides).await;
    let res = authorize(&api, &format!("redirect_uri={}&mode=web", encoded(APP))).await;
    assert_eq!(res.status, 302, "{}", res.body);
    let callback = &query_of(res.header("location").unwrap())["redirect_uri"];
    assert_eq!(
        callback,
        "http://localhost:3901/v1/auth/oidc/local/callback"
    );
}

/// Each authorize writes a flow and each callback may call the provider: both
/// are limited per client IP.
async fn authorize_and_callback_are_limited_per_client_ip(on_aws: bool) {
    let Some(issuer) = e2e::oidc_issuer_or_skip() else {
        return;
    };
    let limit = [("IP_RATE_LIMIT", "2")];
    let Some(api) = start_with(on_aws, &issuer, &limit).await else {
        return;
    };
    let query = format!("redirect_uri={}&mode=web", encoded(APP));
    for _ in 0..2 {
        assert_eq!(authorize(&api, &query).await.status, 302);
    }
    let limited = authorize(&api, &query).await;
    assert_eq!((limited.status, limited.code()), (429, "rate_limited"));
    assert!(limited.header("retry-after").is_some());

    let url = format!("{}/v1/auth/oidc/local/callback?code=c&state=s", api.base);
    for _ in 0..2 {
        let res = flows::call_back(&url, None).await;
        assert_eq!((res.status, res.code()), (400, "invalid_token"));
    }
    let limited = flows::call_back(&url, None).await;
    assert_eq!((limited.status, limited.code()), (429, "rate_limited"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn authorize_and_callback_are_limited_per_client_ip_in_memory() {
    authorize_and_callback_are_limited_per_client_ip(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn authorize_and_callback_are_limited_per_client_ip_on_aws() {
    authorize_and_callback_are_limited_per_client_ip(true).await;
}
