//! The OpenID Connect adapter against a real, certified provider
//! (`infra/oidc/provider.mjs`): a code is redeemed with PKCE and the client
//! secret, and an ID token is accepted only when its signature, issuer,
//! audience, authorized party, expiry, issue time and nonce hold. The provider misbehaves on request, for the one
//! authorization request (its `state`) the test names.

use std::collections::HashMap;

use adapters::oidc::ConfiguredProviders;
use serde_json::json;
use think_tank_core::crypto::random_token;
use think_tank_core::ports::{
    AuthorizationRequest, IdentityProviders, Redemption, VerifiedIdentity,
};
use think_tank_core::settings::OidcProvider;

/// A loopback callback: the provider accepts it on any port (RFC 8252).
const CALLBACK: &str = "http://127.0.0.1:4567/v1/auth/oidc/local/callback";

fn providers(issuer: &str, secret: &str) -> ConfiguredProviders {
    let local = OidcProvider {
        name: "local".into(),
        issuer: issuer.into(),
        client_id: "think-tank".into(),
        scopes: ["openid", "email", "profile"].map(String::from).to_vec(),
        link_by_email: false,
    };
    let secrets = HashMap::from([("local".to_string(), secret.to_string().into())]);
    ConfiguredProviders::new(vec![local], secrets)
}

/// One sign-in at the provider as `email` (misbehaving as asked): the code it
/// sends back, and the verifier and nonce the flow used.
struct SignedIn {
    code: String,
    verifier: String,
    nonce: String,
}

async fn sign_in(providers: &ConfiguredProviders, next: serde_json::Value) -> SignedIn {
    let (state, nonce, verifier) = (random_token(32), random_token(32), random_token(32));
    let request = AuthorizationRequest {
        state: &state,
        nonce: &nonce,
        code_verifier: &verifier,
        redirect_uri: CALLBACK,
    };
    let url = providers
        .authorization_url("local", &request)
        .await
        .unwrap()
        .unwrap();
    let back = e2e::sign_in_at_provider(&url, CALLBACK, next).await;
    let back: HashMap<String, String> = url::Url::parse(&back)
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect();
    assert_eq!(back.get("state"), Some(&state));
    SignedIn {
        code: back["code"].clone(),
        verifier,
        nonce,
    }
}

async fn redeem(providers: &ConfiguredProviders, signed: &SignedIn) -> Option<VerifiedIdentity> {
    let redemption = Redemption {
        code: &signed.code,
        code_verifier: &signed.verifier,
        nonce: &signed.nonce,
        redirect_uri: CALLBACK,
    };
    providers.redeem("local", &redemption).await.unwrap()
}

fn email() -> String {
    format!("{}@example.com", e2e::unique_name("oidc"))
}

#[tokio::test]
async fn a_good_sign_in_names_the_person_the_provider_vouched_for() {
    let Some(issuer) = e2e::oidc_issuer_or_skip() else {
        return;
    };
    let providers = providers(&issuer, "dev-secret");
    let who = email();
    let signed = sign_in(&providers, json!({ "email": who, "name": "Ada" })).await;
    let identity = redeem(&providers, &signed).await.expect("a valid ID token");
    assert_eq!(identity.subject, format!("sub-{who}"));
    assert_eq!(
        (identity.email.as_deref(), identity.email_verified),
        (Some(who.as_str()), true)
    );
    assert_eq!(identity.name.as_deref(), Some("Ada"));
    assert_eq!(redeem(&providers, &signed).await, None, "a code works once");
}

#[tokio::test]
async fn an_unverified_email_is_reported_as_such() {
    let Some(issuer) = e2e::oidc_issuer_or_skip() else {
        return;
    };
    let providers = providers(&issuer, "dev-secret");
    let next = json!({ "email": email(), "email_verified": false });
    let signed = sign_in(&providers, next).await;
    let identity = redeem(&providers, &signed).await.unwrap();
    assert!(!identity.email_verified);
}

#[tokio::test]
async fn tokens_with_a_wrong_nonce_audience_issuer_azp_signature_expiry_or_issue_time_are_refused()
{
    let Some(issuer) = e2e::oidc_issuer_or_skip() else {
        return;
    };
    let providers = providers(&issuer, "dev-secret");
    for misbehave in e2e::BAD_ID_TOKENS {
        let next = json!({ "email": email(), "misbehave": misbehave });
        let signed = sign_in(&providers, next).await;
        assert_eq!(redeem(&providers, &signed).await, None, "{misbehave}");
    }
}

#[tokio::test]
async fn our_own_nonce_must_match_the_tokens() {
    let Some(issuer) = e2e::oidc_issuer_or_skip() else {
        return;
    };
    let providers = providers(&issuer, "dev-secret");
    let mut signed = sign_in(&providers, json!({ "email": email() })).await;
    signed.nonce = random_token(32);
    assert_eq!(redeem(&providers, &signed).await, None);
}

#[tokio::test]
async fn a_code_needs_its_pkce_verifier_and_the_client_secret() {
    let Some(issuer) = e2e::oidc_issuer_or_skip() else {
        return;
    };
    let good = providers(&issuer, "dev-secret");
    let mut signed = sign_in(&good, json!({ "email": email() })).await;
    let right = signed.verifier.clone();
    signed.verifier = random_token(32);
    assert_eq!(redeem(&good, &signed).await, None, "another verifier");
    let wrong_secret = providers(&issuer, "not-the-secret");
    let mut again = sign_in(&good, json!({ "email": email() })).await;
    assert_eq!(
        redeem(&wrong_secret, &again).await,
        None,
        "another client secret"
    );
    again.verifier = right;
    let _ = again;
}

#[tokio::test]
async fn a_token_signed_with_a_key_rotated_in_since_discovery_is_accepted_after_one_refetch() {
    let Some(issuer) = e2e::oidc_issuer_or_skip() else {
        return;
    };
    let providers = providers(&issuer, "dev-secret");
    providers.warm().await;
    let next = json!({ "email": email(), "misbehave": "rotated_key" });
    let signed = sign_in(&providers, next).await;
    assert!(redeem(&providers, &signed).await.is_some());
}
