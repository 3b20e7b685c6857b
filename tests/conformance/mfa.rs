//! Second factors: a TOTP seed goes pending → active once, a step is
//! accepted once, a backup code is used once, however many requests race; a
//! phone is verified before SMS MFA can be on, and stays put while it is.

use think_tank_core::ports::Store;

use crate::conformance;

conformance!(
    a_pending_seed_becomes_active_once_and_then_cannot_be_replaced,
    a_totp_step_is_accepted_once_and_never_an_earlier_one,
    parallel_acceptances_of_one_step_have_one_winner,
    a_backup_code_is_used_once_even_in_parallel,
    replacing_backup_codes_drops_the_old_set,
    clearing_turns_every_factor_off,
    sms_mfa_needs_a_verified_phone_and_then_pins_it,
    verifying_a_replaced_number_fails,
);

async fn a_pending_seed_becomes_active_once_and_then_cannot_be_replaced(store: &dyn Store) {
    let user = think_tank_core::domain::UserId::generate();
    assert!(
        !store.activate_totp(&user, 1).await.unwrap(),
        "nothing pending"
    );
    assert!(store.set_pending_totp(&user, "sealed-1").await.unwrap());
    assert!(
        store.set_pending_totp(&user, "sealed-2").await.unwrap(),
        "a new setup replaces a pending one"
    );
    assert!(store.activate_totp(&user, 100).await.unwrap());
    assert!(!store.activate_totp(&user, 101).await.unwrap());
    let totp = store.mfa(&user).await.unwrap();
    assert_eq!(
        (totp.totp.as_deref(), totp.pending_totp, totp.last_step),
        (Some("sealed-2"), None, Some(100))
    );
    assert!(
        !store.set_pending_totp(&user, "sealed-3").await.unwrap(),
        "no setup while active"
    );
}

async fn a_totp_step_is_accepted_once_and_never_an_earlier_one(store: &dyn Store) {
    let user = think_tank_core::domain::UserId::generate();
    assert!(
        !store.accept_totp_step(&user, 5).await.unwrap(),
        "no active seed"
    );
    store.set_pending_totp(&user, "sealed").await.unwrap();
    store.activate_totp(&user, 10).await.unwrap();
    assert!(
        !store.accept_totp_step(&user, 10).await.unwrap(),
        "the enabling step is used"
    );
    assert!(store.accept_totp_step(&user, 11).await.unwrap());
    assert!(!store.accept_totp_step(&user, 11).await.unwrap(), "replay");
    assert!(
        !store.accept_totp_step(&user, 9).await.unwrap(),
        "older step"
    );
    assert!(store.accept_totp_step(&user, 12).await.unwrap());
}

async fn parallel_acceptances_of_one_step_have_one_winner(store: &dyn Store) {
    let user = think_tank_core::domain::UserId::generate();
    store.set_pending_totp(&user, "sealed").await.unwrap();
    store.activate_totp(&user, 1).await.unwrap();
    let race = (0..8).map(|_| store.accept_totp_step(&user, 2));
    let results = futures::future::join_all(race).await;
    let winners = results.into_iter().filter(|r| *r.as_ref().unwrap()).count();
    assert_eq!(winners, 1);
}

async fn a_backup_code_is_used_once_even_in_parallel(store: &dyn Store) {
    let user = think_tank_core::domain::UserId::generate();
    let codes: Vec<String> = (0..10).map(|i| format!("hash-{i}")).collect();
    store.replace_backup_codes(&user, &codes).await.unwrap();
    let race = (0..8).map(|_| store.use_backup_code(&user, "hash-3"));
    let results = futures::future::join_all(race).await;
    let winners = results.into_iter().filter(|r| *r.as_ref().unwrap()).count();
    assert_eq!(winners, 1);
    assert_eq!(store.backup_codes_left(&user).await.unwrap(), 9);
    assert!(!store.use_backup_code(&user, "unknown").await.unwrap());
}

async fn replacing_backup_codes_drops_the_old_set(store: &dyn Store) {
    let user = think_tank_core::domain::UserId::generate();
    let first: Vec<String> = (0..10).map(|i| format!("old-{i}")).collect();
    let second: Vec<String> = (0..10).map(|i| format!("new-{i}")).collect();
    store.replace_backup_codes(&user, &first).await.unwrap();
    store.replace_backup_codes(&user, &second).await.unwrap();
    assert_eq!(store.backup_codes_left(&user).await.unwrap(), 10);
    assert!(!store.use_backup_code(&user, "old-0").await.unwrap());
    assert!(store.use_backup_code(&user, "new-0").await.unwrap());
}

async fn clearing_turns_every_factor_off(store: &dyn Store) {
    let user = think_tank_core::domain::UserId::generate();
    store.set_pending_totp(&user, "sealed").await.unwrap();
    store.activate_totp(&user, 1).await.unwrap();
    store
        .replace_backup_codes(&user, &["h".to_string()])
        .await
        .unwrap();
    store.set_phone(&user, PHONE).await.unwrap();
    store.verify_phone(&user, PHONE).await.unwrap();
    store.enable_sms(&user).await.unwrap();
    store.clear_mfa(&user).await.unwrap();
    let left = store.mfa(&user).await.unwrap();
    assert!(left.enabled().is_empty(), "{left:?}");
    assert_eq!(
        (left.phone.as_deref(), left.phone_verified),
        (Some(PHONE), true),
        "the verified phone stays"
    );
    assert_eq!(store.backup_codes_left(&user).await.unwrap(), 0);
    assert!(store.set_pending_totp(&user, "again").await.unwrap());
}

const PHONE: &str = "+15555550100";

async fn sms_mfa_needs_a_verified_phone_and_then_pins_it(store: &dyn Store) {
    let user = think_tank_core::domain::UserId::generate();
    assert!(!store.enable_sms(&user).await.unwrap(), "no phone");
    assert!(store.set_phone(&user, PHONE).await.unwrap());
    assert!(!store.enable_sms(&user).await.unwrap(), "not verified");
    assert!(store.verify_phone(&user, PHONE).await.unwrap());
    assert!(store.enable_sms(&user).await.unwrap());
    assert!(!store.set_phone(&user, "+447400123456").await.unwrap());
    assert!(!store.remove_phone(&user).await.unwrap());
    let record = store.mfa(&user).await.unwrap();
    assert_eq!(record.sms_phone(), Some(PHONE));
}

async fn verifying_a_replaced_number_fails(store: &dyn Store) {
    let user = think_tank_core::domain::UserId::generate();
    store.set_phone(&user, PHONE).await.unwrap();
    store.set_phone(&user, "+447400123456").await.unwrap();
    assert!(!store.verify_phone(&user, PHONE).await.unwrap());
    assert!(store.remove_phone(&user).await.unwrap());
    let record = store.mfa(&user).await.unwrap();
    assert_eq!((record.phone, record.phone_verified), (None, false));
}
