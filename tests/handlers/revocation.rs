//! Revocation survives a failed write: a retry completes what the first try began.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use think_tank_core::app::Mail;
use think_tank_core::error::AccessError;
use think_tank_core::services::accounts::Accounts;
use think_tank_core::services::login::SignIn;
use think_tank_core::services::sessions::Sessions;

use secrecy::SecretString;
use think_tank_core::clock::{Clock, SystemClock};
use think_tank_core::domain::Email;
use think_tank_core::ports::RevocationStore;
use think_tank_core::services::accounts::Registration;
use think_tank_core::services::login::LoginInput;
use think_tank_core::services::security::ClientMeta;
use think_tank_core::services::sessions::{IssuedSession, MAX_LIVE_SESSIONS};
use think_tank_core::{ApiError, App, Claim};

use crate::gate::{app_over, GateStore};

fn password() -> SecretString {
    SecretString::from("correct horse battery")
}

/// A registered account whose address is proven.
async fn verified_account(app: &App, email: &str) -> Email {
    let email = Email::parse(email).unwrap();
    let registration = Registration {
        email: email.clone(),
        password: password(),
        name: "Race".into(),
    };
    app.service::<Accounts<Mail>>()
        .register(registration, &ClientMeta::default())
        .await
        .unwrap();
    crate::fixtures::mark_verified(app, email.as_str()).await;
    email
}

async fn signed_in(app: &App, email: &Email) -> IssuedSession {
    let login = LoginInput {
        email: email.clone(),
        password: password(),
        device_name: None,
        web: false,
    };
    app.service::<SignIn>()
        .login(login, &ClientMeta::default())
        .await
        .unwrap()
}

#[tokio::test]
async fn a_revocation_whose_blacklist_write_failed_completes_on_retry() {
    let store = Arc::new(GateStore::default());
    let app = app_over(store.clone());
    let email = verified_account(&app, "retry@example.com").await;
    let issued = signed_in(&app, &email).await;
    let (user_id, session_id) = (&issued.user.id, &issued.session.id);

    store
        .fail_next_blacklist_write
        .store(true, Ordering::SeqCst);
    assert!(app
        .service::<Sessions>()
        .revoke_session(user_id, session_id)
        .await
        .is_err());
    app.service::<Sessions>()
        .revoke_session(user_id, session_id)
        .await
        .unwrap();

    let now = SystemClock.now_secs();
    assert!(store.is_revoked(&issued.access.jti, now).await.unwrap());
}

#[tokio::test]
async fn a_session_from_before_a_password_change_is_never_refreshed_even_if_its_revocation_failed()
{
    let store = Arc::new(GateStore::default());
    let app = app_over(store.clone());
    let email = verified_account(&app, "race@example.com").await;
    let changer = signed_in(&app, &email).await;
    let other = signed_in(&app, &email).await;
    let now = SystemClock.now_secs();
    let claims = app.core.tokens.verify(&changer.access.token, now).unwrap();
    let caller = app.core.admit(Claim::new(claims, false)).await.unwrap();

    // The change lands, then revoking the other session fails half-way.
    store
        .fail_next_blacklist_write
        .store(true, Ordering::SeqCst);
    let new = SecretString::from("a brand new secret");
    let meta = ClientMeta::default();
    assert!(app
        .service::<Accounts<Mail, Sessions>>()
        .change_password(&caller, password(), new, &meta)
        .await
        .is_err());

    let refused = app
        .service::<Sessions>()
        .rotate_session(&other.refresh_token, &meta)
        .await;
    assert!(
        matches!(refused, Err(ApiError::Access(AccessError::Unauthenticated))),
        "the older session was refreshed"
    );
    let kept = app
        .service::<Sessions>()
        .rotate_session(&changer.refresh_token, &meta)
        .await;
    assert!(kept.is_ok(), "the session that made the change stays");
}

#[tokio::test]
async fn a_sign_in_beyond_fifty_live_sessions_revokes_the_oldest() {
    let store = Arc::new(GateStore::default());
    let app = app_over(store.clone());
    let email = verified_account(&app, "many@example.com").await;
    let record = app.core.store.user_by_email(&email).await.unwrap().unwrap();
    let meta = ClientMeta::default();
    let mut issued = Vec::new();
    for _ in 0..=MAX_LIVE_SESSIONS {
        issued.push(
            app.service::<Sessions>()
                .start_session(&record, None, &meta)
                .await
                .unwrap(),
        );
    }
    let now = SystemClock.now_secs();
    let live = app.core.store.sessions_of(&record.user.id).await.unwrap();
    assert_eq!(
        live.iter().filter(|s| s.is_live(now)).count(),
        MAX_LIVE_SESSIONS
    );
    let oldest = &issued[0];
    assert!(store.is_revoked(&oldest.access.jti, now).await.unwrap());
    let refused = app
        .service::<Sessions>()
        .rotate_session(&oldest.refresh_token, &meta)
        .await;
    assert!(matches!(
        refused,
        Err(ApiError::Access(AccessError::Unauthenticated))
    ));
    let newest = issued.last().unwrap();
    assert!(app
        .service::<Sessions>()
        .rotate_session(&newest.refresh_token, &meta)
        .await
        .is_ok());
}
