//! A second factor is asked for from the factor record itself, never from a
//! flag copied onto the account that a failure or race could leave unwritten.

use think_tank_core::domain::Email;

use crate::fixtures::{app_with_clock, login_event, register_verified_event};

#[tokio::test]
async fn a_factor_on_record_is_asked_for_even_when_the_account_flag_was_never_written() {
    let (app, _) = app_with_clock();
    let email = "flagless@example.com";
    register_verified_event(&app, email).await;
    let address = Email::parse(email).unwrap();
    let id = app
        .core
        .store
        .user_by_email(&address)
        .await
        .unwrap()
        .unwrap()
        .user
        .id;
    // TOTP became active, but the write of `mfa_enabled` never happened.
    assert!(app
        .core
        .store
        .set_pending_totp(&id, "sealed")
        .await
        .unwrap());
    assert!(app.core.store.activate_totp(&id, 1).await.unwrap());

    let (status, body) = login_event(&app, email).await;
    assert_eq!((status, body["code"].as_str()), (401, Some("mfa_required")));
    assert!(body.get("access_token").is_none());
}
