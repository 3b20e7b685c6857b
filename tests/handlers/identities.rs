//! Linked provider identities through the handlers: listing, and unlinking
//! one, never the last way an account can sign in, only after a recent sign-in.

use std::sync::Arc;
use think_tank_core::services::sessions::Sessions;

use serde_json::Value;
use think_tank_core::clock::UnixMillis;
use think_tank_core::domain::{AuditType, Identity, Role, User, UserRecord};
use think_tank_core::services::security::ClientMeta;
use think_tank_core::App;

use crate::fixtures::{app_with_clock, body_json, fixture, request};

/// A signed-in user (with a password or without), linked to `providers`: their access token.
pub(crate) async fn user_with(
    app: &App,
    password_hash: &str,
    providers: &[&str],
) -> (String, String) {
    let id = think_tank_core::domain::new_id();
    let record = UserRecord {
        user: User {
            id: id.clone().into(),
            email: format!("{id}@example.com"),
            name: "Linked".into(),
            role: Role::User,
            email_verified: true,
            mfa_enabled: false,
            created_at: app.core.clock.now_ms(),
        },
        password_hash: (!password_hash.is_empty())
            .then(|| think_tank_core::domain::PasswordHash::new(password_hash.into())),
        credential_generation: 0,
        kept_session: None,
    };
    assert!(app.core.store.create_user(&record).await.unwrap());
    for provider in providers {
        let identity = Identity {
            provider: provider.to_string(),
            subject: format!("sub-{id}"),
            user_id: id.clone().into(),
            email: record.user.email.clone(),
            linked_at: UnixMillis(1_800_000_000_000),
        };
        assert!(app.core.store.link_identity(&identity).await.unwrap());
    }
    let issued = app
        .service::<Sessions>()
        .start_session(&record, None, &ClientMeta::default())
        .await
        .unwrap();
    (id, issued.access.token)
}

fn as_caller(name: &str, token: &str, provider: Option<&str>) -> Value {
    let text = fixture(name)
        .to_string()
        .replace("REPLACE_WITH_ACCESS_TOKEN", token);
    let mut event: Value = serde_json::from_str(&text).unwrap();
    if let Some(provider) = provider {
        event["pathParameters"]["provider"] = provider.into();
        event["rawPath"] = format!("/v1/auth/identities/{provider}").into();
    }
    event
}

async fn unlink(app: &Arc<App>, token: &str, provider: &str) -> (u16, Value) {
    let event = as_caller("identity-unlink", token, Some(provider));
    let (status, _, body) =
        body_json((oidc::IDENTITY_UNLINK.handler)(app.clone(), request(&event)).await).await;
    (status, body)
}

#[tokio::test]
async fn the_caller_sees_only_their_own_identities() {
    let (app, _) = app_with_clock();
    let (_, token) = user_with(&app, "", &["gitlab", "google"]).await;
    user_with(&app, "", &["apple"]).await;
    let event = as_caller("identities-list", &token, None);
    let (status, _, body) =
        body_json((oidc::IDENTITIES_LIST.handler)(app.clone(), request(&event)).await).await;
    assert_eq!(status, 200);
    let providers: Vec<&str> = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["provider"].as_str().unwrap())
        .collect();
    assert_eq!(providers, ["gitlab", "google"]);
    assert!(body["items"][0]["linked_at"].is_string() && body["items"][0]["email"].is_string());
    assert!(body["items"][0].get("subject").is_none());
}

#[tokio::test]
async fn the_last_way_to_sign_in_cannot_be_unlinked() {
    let (app, _) = app_with_clock();
    let (_, token) = user_with(&app, "", &["gitlab", "google"]).await;
    assert_eq!(unlink(&app, &token, "google").await.0, 204);
    let (status, body) = unlink(&app, &token, "gitlab").await;
    assert_eq!((status, body["code"].as_str()), (409, Some("conflict")));
    assert_eq!(unlink(&app, &token, "google").await.0, 404, "already gone");
}

#[tokio::test]
async fn an_account_with_a_password_can_unlink_its_only_identity_and_it_is_audited() {
    let (app, _) = app_with_clock();
    let hash = think_tank_core::auth::password::hash("a long password here".to_string().into())
        .await
        .unwrap();
    let (id, token) = user_with(&app, &hash, &["google"]).await;
    assert_eq!(unlink(&app, &token, "google").await.0, 204);
    let now = app.core.clock.now_secs();
    let events = app
        .core
        .store
        .list_events(Some(&id.as_str().into()), None, 10, now)
        .await
        .unwrap();
    assert!(events
        .items
        .iter()
        .any(|e| e.kind == AuditType::IdentityUnlinked));
}

#[tokio::test]
async fn unlinking_needs_a_recent_sign_in() {
    let (app, clock) = app_with_clock();
    let (_, token) = user_with(&app, "", &["gitlab", "google"]).await;
    clock.advance_secs(601);
    let (status, body) = unlink(&app, &token, "google").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (403, Some("reauthentication_required"))
    );
}
