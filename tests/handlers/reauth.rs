//! Sudo mode: a session counts as recently signed in for `REAUTH_SECONDS`
//! after its login, and `reauthenticate` renews that on the same session.

use think_tank_core::clock::Clock;
use think_tank_core::error::{AccessError, SignInError};
use think_tank_core::services::second_factor::Credentials;
use think_tank_core::services::security::ClientMeta;
use think_tank_core::{ApiError, Claim};

use crate::fixtures::{app_with_clock, login_event, register_verified_event, PASSWORD};

#[tokio::test]
async fn a_session_is_recent_until_reauth_seconds_pass_and_reauthenticate_renews_it() {
    let (app, clock) = app_with_clock();
    assert_eq!(register_verified_event(&app, "sudo@example.com").await, 201);
    let (_, login) = login_event(&app, "sudo@example.com").await;
    let token = login["access_token"].as_str().unwrap();
    let claims = app.core.tokens.verify(token, clock.now_secs()).unwrap();
    let caller = app.core.admit(Claim::new(claims, false)).await.unwrap();

    app.core.require_recent_sign_in(&caller).await.unwrap();
    clock.advance_secs(601);
    let stale = app.core.require_recent_sign_in(&caller).await.unwrap_err();
    assert!(
        matches!(
            stale,
            ApiError::Access(AccessError::ReauthenticationRequired)
        ),
        "{stale:?}"
    );

    let meta = ClientMeta::default();
    app.service::<Credentials>()
        .reauthenticate(&caller, PASSWORD.to_string().into(), None, &meta)
        .await
        .unwrap();
    app.core.require_recent_sign_in(&caller).await.unwrap();
}

#[tokio::test]
async fn a_wrong_password_does_not_renew_the_session() {
    let (app, clock) = app_with_clock();
    register_verified_event(&app, "sudo2@example.com").await;
    let (_, login) = login_event(&app, "sudo2@example.com").await;
    let claims = app
        .core
        .tokens
        .verify(login["access_token"].as_str().unwrap(), clock.now_secs())
        .unwrap();
    let caller = app.core.admit(Claim::new(claims, false)).await.unwrap();
    clock.advance_secs(601);
    let meta = ClientMeta::default();
    let wrong = app
        .service::<Credentials>()
        .reauthenticate(&caller, "not it".to_string().into(), None, &meta)
        .await
        .unwrap_err();
    assert!(
        matches!(wrong, ApiError::SignIn(SignInError::InvalidCredentials)),
        "{wrong:?}"
    );
    assert!(app.core.require_recent_sign_in(&caller).await.is_err());
}
