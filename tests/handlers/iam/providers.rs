//! The story's identity providers: web and mobile sign-in at the local test
//! provider, identities listed, unlinked and linked.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::world::World;
use super::{registered, API_BASE_URL, APP, CHALLENGE, MOBILE_APP};
use crate::fixtures::{fixture, fixture_with, PASSWORD};

/// The provider list, a sign-in started with the local test provider, and
/// a linked identity listed and unlinked.
pub async fn identity_providers(world: &mut World) {
    world.send(oidc::OIDC_PROVIDERS, "", None, 200).await;
    // The owner of a squatted (registered, never proven) address signs in in
    // a browser; then someone new signs in from the mobile app.
    let squatter = json!({ "email": "iam-squat@example.com", "password": PASSWORD, "name": "Sq" });
    world.send(auth::REGISTER, "", Some(squatter), 201).await;
    let login = json!({ "email": "iam-squat@example.com", "password": PASSWORD });
    world.send(auth::LOGIN, "", Some(login), 403).await;
    world
        .crowd_sessions(
            "iam-squat@example.com",
            &super::paths::socket("crowd-oidc-callback"),
        )
        .await;
    let web = fixture("oidc-authorize");
    let back = provider_sign_in(world, web, "iam-squat@example.com").await;
    let (headers, _) = world.call_for_headers(oidc::OIDC_CALLBACK, back, 303).await;
    let location = headers["location"].to_str().unwrap();
    assert!(
        location.starts_with(APP) && !location.contains("error="),
        "{location}"
    );

    let mut mobile = fixture("oidc-authorize");
    let query = [
        ("redirect_uri", MOBILE_APP),
        ("mode", "mobile"),
        ("code_challenge", CHALLENGE),
    ];
    mobile["queryStringParameters"] = json!(query.into_iter().collect::<BTreeMap<_, _>>());
    mobile["rawQueryString"] = json!(url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(query)
        .finish());
    let back = provider_sign_in(world, mobile, "iam-mobile@example.com").await;
    let (headers, _) = world.call_for_headers(oidc::OIDC_CALLBACK, back, 303).await;
    let location = url::Url::parse(headers["location"].to_str().unwrap()).unwrap();
    let code = location.query_pairs().find(|(k, _)| k == "code").unwrap().1;
    world
        .crowd_sessions(
            "iam-mobile@example.com",
            &super::paths::socket("crowd-oidc-token"),
        )
        .await;
    let text = fixture("oidc-token").to_string();
    let token = serde_json::from_str(&text.replace("REPLACE_WITH_LOGIN_CODE", &code)).unwrap();
    world.call(oidc::OIDC_TOKEN, token, 200).await;

    let user = registered(world, "iam-oidc@example.com").await;
    let token = user["access_token"].as_str().unwrap();
    seed_identity(world, user["user"]["id"].as_str().unwrap()).await;
    let body = world.send(oidc::IDENTITIES_LIST, token, None, 200).await;
    assert_eq!(body["items"][0]["provider"].as_str(), Some("local"));
    world.send(oidc::IDENTITY_UNLINK, token, None, 204).await;

    // An account links the provider from its own session.
    let linker = registered(world, "iam-link@example.com").await;
    let token = linker["access_token"].as_str().unwrap();
    let body = json!({ "redirect_uri": APP });
    let body = world
        .send(oidc::IDENTITY_LINK, token, Some(body), 200)
        .await;
    let location = body["authorize_url"].as_str().unwrap();
    let back = at_provider(location, "", "iam-linked-elsewhere@example.com").await;
    let (headers, _) = world.call_for_headers(oidc::OIDC_CALLBACK, back, 303).await;
    let location = headers["location"].to_str().unwrap();
    assert!(location.ends_with("?linked=local"), "{location}");
}

/// Starts a sign-in with the `authorize` event, signs `email` in at the test
/// provider, and answers the callback event the provider sent the browser to.
async fn provider_sign_in(world: &mut World, authorize: Value, email: &str) -> Value {
    let (headers, _) = world
        .call_for_headers(oidc::OIDC_AUTHORIZE, authorize, 302)
        .await;
    let location = headers["location"].to_str().unwrap();
    let flow_cookie = headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|c| c.to_str().ok()?.strip_prefix("__Host-oidc_flow="))
        .map(|c| c.split(';').next().unwrap_or_default().to_string())
        .next()
        .unwrap_or_default();
    at_provider(location, &flow_cookie, email).await
}

/// Signs `email` in at the provider's `location` and answers the callback
/// event the provider sent the browser to (carrying `flow_cookie`).
async fn at_provider(location: &str, flow_cookie: &str, email: &str) -> Value {
    let who = json!({ "email": email });
    let back = e2e::sign_in_at_provider(location, API_BASE_URL, who).await;
    let back = url::Url::parse(&back).unwrap();
    let query = |name: &str| {
        let found = back.query_pairs().find(|(k, _)| k == name);
        found.unwrap_or_else(|| panic!("no {name} in {back}")).1
    };
    fixture_with(
        "oidc-callback",
        &[
            ("CODE", &query("code")),
            ("STATE", &query("state")),
            ("FLOW_COOKIE", flow_cookie),
        ],
    )
}

/// Links a `local` provider identity to the user, outside any function
/// (the provider callback that links them is still to come).
async fn seed_identity(world: &World, user_id: &str) {
    use think_tank_core::ports::IdentityStore;
    let identity = think_tank_core::domain::Identity {
        provider: "local".into(),
        subject: format!("sub-{user_id}"),
        user_id: user_id.into(),
        email: "iam-oidc@example.com".into(),
        linked_at: think_tank_core::clock::UnixMillis(1_800_000_000_000),
    };
    assert!(world.store().link_identity(&identity).await.unwrap());
}
