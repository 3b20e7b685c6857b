//! A browser at the local test provider (`infra/oidc/provider.mjs`).

use reqwest::redirect::Policy;
use serde_json::{json, Value};

/// Signs `who` (`email`, `email_verified`?, `name`?, `misbehave`?) in at the
/// provider for the authorization request at `location` (queued by its
/// `state`, so no form), and follows the provider's redirects until one
/// leads to `back_at`'s origin: that URL, the callback with `code` and `state`.
pub async fn sign_in_at_provider(location: &str, back_at: &str, mut who: Value) -> String {
    let issuer = std::env::var("OIDC_TEST_ISSUER").expect("OIDC_TEST_ISSUER");
    let browser = reqwest::Client::builder()
        .redirect(Policy::none())
        .cookie_store(true)
        .build()
        .unwrap();
    let url = url::Url::parse(location).unwrap();
    let state = url.query_pairs().find(|(k, _)| k == "state").unwrap().1;
    who["state"] = json!(state);
    let queued = browser
        .post(format!("{issuer}/test/next"))
        .body(who.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(queued.status(), 204);
    let back_at = url::Url::parse(back_at).unwrap().origin();
    let mut url = location.to_string();
    for _ in 0..10 {
        if url::Url::parse(&url).unwrap().origin() == back_at {
            return url;
        }
        let res = browser.get(&url).send().await.unwrap();
        let status = res.status();
        let to = res
            .headers()
            .get("location")
            .unwrap_or_else(|| panic!("{status} without a redirect at {url}"));
        url = url::Url::parse(&url)
            .unwrap()
            .join(to.to_str().unwrap())
            .unwrap()
            .to_string();
    }
    panic!("the provider never sent the browser back");
}

/// The provider's `misbehave` values whose ID token must be refused.
pub const BAD_ID_TOKENS: [&str; 8] = [
    "wrong_nonce",
    "wrong_audience",
    "wrong_issuer",
    "wrong_azp",
    "bad_signature",
    "expired",
    "future_iat",
    "stale_iat",
];
