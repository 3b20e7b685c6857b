//! Use cases called through their services, without HTTP: the memory
//! adapters and a clock the test moves.

use secrecy::SecretString;
use think_tank_core::app::Mail;
use think_tank_core::domain::Email;
use think_tank_core::error::{AccessError, SignInError};
use think_tank_core::services::accounts::{Accounts, Registration};
use think_tank_core::services::login::{LoginInput, SignIn};
use think_tank_core::services::realtime::Realtime;
use think_tank_core::services::security::ClientMeta;
use think_tank_core::services::sessions::{IssuedSession, Sessions};
use think_tank_core::{ApiError, App, Caller, Claim};

use shared::config::{LocalConfig, MissingSecrets};
use shared::Config;
use std::sync::Arc;
use think_tank_core::clock::ManualClock;

use crate::fixtures::mark_verified;

const PASSWORD: &str = "a long enough password";

/// The in-memory app and its clock.
pub(crate) fn app_with_clock() -> (Arc<App>, Arc<ManualClock>) {
    let vars = Default::default();
    let config = Config::from_map(&vars, MissingSecrets::GenerateEphemeral).unwrap();
    let local = LocalConfig::from_map(&vars).unwrap();
    let clock = Arc::new(ManualClock::starting_now());
    let (app, _) = local_adapters::in_memory(config, &local, clock.clone());
    (Arc::new(app), clock)
}

fn login(email: &str, password: &str) -> LoginInput {
    LoginInput {
        email: Email::parse(email).unwrap(),
        password: SecretString::from(password.to_string()),
        device_name: None,
        web: false,
    }
}

/// A verified account of `email`, signed in once.
pub(crate) async fn signed_in(app: &App, email: &str) -> IssuedSession {
    let registration = Registration {
        email: Email::parse(email).unwrap(),
        password: SecretString::from(PASSWORD.to_string()),
        name: "Service".to_string(),
    };
    let accounts = app.service::<Accounts<Mail>>();
    accounts
        .register(registration, &ClientMeta::default())
        .await
        .unwrap();
    mark_verified(app, email).await;
    let sign_in = app.service::<SignIn>();
    sign_in
        .login(login(email, PASSWORD), &ClientMeta::default())
        .await
        .unwrap()
}

async fn caller(app: &App, issued: &IssuedSession) -> Caller {
    app.core.admit(claim(app, issued)).await.unwrap()
}

pub(crate) fn claim(app: &App, issued: &IssuedSession) -> Claim {
    let now = app.core.clock.now_secs();
    let claims = app.core.tokens.verify(&issued.access.token, now).unwrap();
    Claim::new(claims, false)
}

/// The error a use case answered; a success fails the test.
pub(crate) fn refused<T>(result: Result<T, ApiError>) -> ApiError {
    match result {
        Ok(_) => panic!("expected a refusal"),
        Err(e) => e,
    }
}

#[tokio::test]
async fn a_refresh_token_past_its_lifetime_no_longer_rotates() {
    let (app, clock) = app_with_clock();
    let issued = signed_in(&app, "refresh-life@example.com").await;
    let sessions = app.service::<Sessions>();
    let meta = ClientMeta::default();
    let lifetime = app.core.settings.refresh_token_ttl_seconds;
    clock.advance_secs(lifetime - 1);
    let rotated = sessions
        .rotate_session(&issued.refresh_token, &meta)
        .await
        .unwrap();
    clock.advance_secs(lifetime + 1);
    let late = sessions.rotate_session(&rotated.refresh_token, &meta).await;
    let error = refused(late);
    assert!(
        matches!(error, ApiError::Access(AccessError::Unauthenticated)),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_socket_ticket_opens_one_connection_within_thirty_seconds() {
    let (app, clock) = app_with_clock();
    let issued = signed_in(&app, "ticket@example.com").await;
    let owner = caller(&app, &issued).await;
    let realtime = app.service::<Realtime>();
    let ticket = realtime.issue_ticket(&owner).await.unwrap().ticket;
    realtime
        .connect("first", Some(&ticket), None)
        .await
        .unwrap();
    let reused = realtime.connect("second", Some(&ticket), None).await;
    let error = refused(reused);
    assert!(
        matches!(error, ApiError::Access(AccessError::Unauthenticated)),
        "{error:?}"
    );
    let late = realtime.issue_ticket(&owner).await.unwrap().ticket;
    clock.advance_secs(31);
    let expired = realtime.connect("third", Some(&late), None).await;
    let error = refused(expired);
    assert!(
        matches!(error, ApiError::Access(AccessError::Unauthenticated)),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_lockout_ends_with_its_window() {
    let (app, clock) = app_with_clock();
    let email = "lockout-window@example.com";
    signed_in(&app, email).await;
    let sign_in = app.service::<SignIn>();
    let meta = ClientMeta::default();
    let threshold = app.core.settings.lockout_threshold;
    for _ in 0..threshold {
        let wrong = sign_in.login(login(email, "not the password"), &meta).await;
        let error = refused(wrong);
        assert!(
            matches!(error, ApiError::SignIn(SignInError::InvalidCredentials)),
            "{error:?}"
        );
    }
    let locked = sign_in.login(login(email, PASSWORD), &meta).await;
    let error = refused(locked);
    assert!(
        matches!(error, ApiError::SignIn(SignInError::AccountLocked { .. })),
        "{error:?}"
    );
    clock.advance_secs(app.core.settings.lockout_seconds + 1);
    let after = sign_in.login(login(email, PASSWORD), &meta).await;
    assert!(after.is_ok(), "{:?}", after.err());
}
