use think_tank_core::clock::UnixSecs;
use think_tank_core::domain::{AuditEvent, AuditType, Email, LoginAttempts, Reservation};
use think_tank_core::ports::Store;

use crate::conformance;
use crate::support::NOW;

conformance!(
    a_single_use_token_is_taken_once,
    concurrent_takes_have_one_winner,
    an_expired_token_cannot_be_taken_and_its_key_can_be_reused,
    a_replaced_entry_voids_the_one_before_and_a_wrong_subject_takes_nothing,
    concurrent_matching_takes_have_one_winner,
    attempts_are_granted_up_to_the_threshold_and_a_lock_refuses_until_it_lapses,
    a_lock_starts_only_at_the_threshold,
    a_released_attempt_is_given_back_but_never_during_a_lock,
    a_count_left_alone_past_its_retention_starts_afresh,
    parallel_reservations_grant_exactly_the_threshold,
    clearing_and_imposing_locks,
    rate_windows_count_hits_separately,
    windows_of_different_lengths_count_independently,
    audit_events_are_listed_newest_first_per_user_or_for_all,
    the_probe_answers,
);

async fn a_single_use_token_is_taken_once(store: &dyn Store) {
    assert!(store
        .put_once("verify", "k1", "user-1", NOW + 60, NOW)
        .await
        .unwrap());
    assert!(!store
        .put_once("verify", "k1", "user-2", NOW + 60, NOW)
        .await
        .unwrap());
    assert!(store.contains("verify", "k1", NOW).await.unwrap());
    assert!(
        !store.contains("reset", "k1", NOW).await.unwrap(),
        "purposes do not mix"
    );
    assert_eq!(
        store.take("verify", "k1", NOW).await.unwrap().as_deref(),
        Some("user-1")
    );
    assert_eq!(store.take("verify", "k1", NOW).await.unwrap(), None);
    assert!(!store.contains("verify", "k1", NOW).await.unwrap());
}

async fn concurrent_takes_have_one_winner(store: &dyn Store) {
    store
        .put_once("reset", "k2", "user-1", NOW + 60, NOW)
        .await
        .unwrap();
    let takes = (0..8).map(|_| store.take("reset", "k2", NOW));
    let won = futures::future::join_all(takes)
        .await
        .into_iter()
        .filter(|r| r.as_ref().unwrap().is_some())
        .count();
    assert_eq!(won, 1);
}

async fn a_replaced_entry_voids_the_one_before_and_a_wrong_subject_takes_nothing(
    store: &dyn Store,
) {
    store
        .replace("code", "u1", "first", NOW + 60)
        .await
        .unwrap();
    store
        .replace("code", "u1", "second", NOW + 60)
        .await
        .unwrap();
    assert!(!store.take_if("code", "u1", "first", NOW).await.unwrap());
    assert!(
        !store.take_if("code", "u1", "guess", NOW).await.unwrap(),
        "a wrong subject"
    );
    assert!(store.take_if("code", "u1", "second", NOW).await.unwrap());
    assert!(
        !store.take_if("code", "u1", "second", NOW).await.unwrap(),
        "once"
    );
    store.replace("code", "u2", "late", NOW + 60).await.unwrap();
    assert!(!store.take_if("code", "u2", "late", NOW + 60).await.unwrap());
}

async fn concurrent_matching_takes_have_one_winner(store: &dyn Store) {
    store
        .replace("code", "u3", "right", NOW + 60)
        .await
        .unwrap();
    let takes = (0..8).map(|_| store.take_if("code", "u3", "right", NOW));
    let won = futures::future::join_all(takes)
        .await
        .into_iter()
        .filter(|r| *r.as_ref().unwrap())
        .count();
    assert_eq!(won, 1);
}

async fn an_expired_token_cannot_be_taken_and_its_key_can_be_reused(store: &dyn Store) {
    store
        .put_once("verify", "k3", "user-1", NOW + 60, NOW)
        .await
        .unwrap();
    assert!(!store.contains("verify", "k3", NOW + 60).await.unwrap());
    assert!(store
        .put_once("verify", "k3", "user-2", NOW + 200, NOW + 60)
        .await
        .unwrap());
    assert_eq!(store.take("verify", "k3", NOW + 300).await.unwrap(), None);
}

async fn granted(store: &dyn Store, email: &Email, now: UnixSecs) -> Reservation {
    store.reserve_attempt(email, 3, now).await.unwrap()
}

async fn attempts_are_granted_up_to_the_threshold_and_a_lock_refuses_until_it_lapses(
    store: &dyn Store,
) {
    let email = Email::parse("lock@example.com").unwrap();
    for number in 1..=3 {
        assert_eq!(
            granted(store, &email, NOW).await,
            Reservation::Granted { number }
        );
    }
    assert_eq!(granted(store, &email, NOW).await, Reservation::Exhausted);
    assert!(store.start_lock(&email, 3, NOW + 600, NOW).await.unwrap());
    assert!(
        !store.start_lock(&email, 3, NOW + 900, NOW).await.unwrap(),
        "one lock at a time"
    );
    assert_eq!(
        granted(store, &email, NOW + 1).await,
        Reservation::Locked { until: NOW + 600 }
    );
    assert_eq!(
        granted(store, &email, NOW + 600).await,
        Reservation::Granted { number: 1 },
        "a lapsed lock starts a fresh count"
    );
}

async fn a_released_attempt_is_given_back_but_never_during_a_lock(store: &dyn Store) {
    let email = Email::parse("release@example.com").unwrap();
    store.release_attempt(&email).await.unwrap();
    for _ in 0..2 {
        granted(store, &email, NOW).await;
    }
    store.release_attempt(&email).await.unwrap();
    assert_eq!(
        granted(store, &email, NOW).await,
        Reservation::Granted { number: 2 }
    );
    granted(store, &email, NOW).await;
    assert!(store.start_lock(&email, 3, NOW + 600, NOW).await.unwrap());
    store.release_attempt(&email).await.unwrap();
    assert_eq!(
        granted(store, &email, NOW + 1).await,
        Reservation::Locked { until: NOW + 600 }
    );
}

async fn a_count_left_alone_past_its_retention_starts_afresh(store: &dyn Store) {
    let email = Email::parse("stale@example.com").unwrap();
    for _ in 0..3 {
        granted(store, &email, NOW).await;
    }
    assert_eq!(granted(store, &email, NOW).await, Reservation::Exhausted);
    let later = NOW + LoginAttempts::RETENTION_SECONDS;
    assert_eq!(
        granted(store, &email, later).await,
        Reservation::Granted { number: 1 }
    );
}

async fn a_lock_starts_only_at_the_threshold(store: &dyn Store) {
    let email = Email::parse("early@example.com").unwrap();
    granted(store, &email, NOW).await;
    assert!(!store.start_lock(&email, 3, NOW + 600, NOW).await.unwrap());
    assert_eq!(
        granted(store, &email, NOW).await,
        Reservation::Granted { number: 2 }
    );
}

async fn parallel_reservations_grant_exactly_the_threshold(store: &dyn Store) {
    let email = Email::parse("swarm@example.com").unwrap();
    let burst = (0..12).map(|_| store.reserve_attempt(&email, 5, NOW));
    let answers = futures::future::join_all(burst).await;
    let mut numbers: Vec<u32> = answers
        .iter()
        .filter_map(|a| match a.as_ref().expect("no reservation fails") {
            Reservation::Granted { number } => Some(*number),
            _ => None,
        })
        .collect();
    numbers.sort();
    assert_eq!(numbers, vec![1, 2, 3, 4, 5]);
}

async fn clearing_and_imposing_locks(store: &dyn Store) {
    let email = Email::parse("admin-lock@example.com").unwrap();
    for _ in 0..3 {
        granted(store, &email, NOW).await;
    }
    store.clear_attempts(&email).await.unwrap();
    assert_eq!(
        granted(store, &email, NOW).await,
        Reservation::Granted { number: 1 }
    );
    store.lock_until(&email, NOW + 100, NOW).await.unwrap();
    assert_eq!(
        granted(store, &email, NOW).await,
        Reservation::Locked { until: NOW + 100 }
    );
    store.clear_attempts(&email).await.unwrap();
    assert_eq!(
        granted(store, &email, NOW).await,
        Reservation::Granted { number: 1 }
    );
}

async fn windows_of_different_lengths_count_independently(store: &dyn Store) {
    let hour = NOW - NOW.0.rem_euclid(3600);
    assert_eq!(store.hit("mail#someone", hour, 3600).await.unwrap(), 1);
    let minute = NOW - NOW.0.rem_euclid(60);
    assert_eq!(store.hit("login#ip", minute, 60).await.unwrap(), 1);
    assert_eq!(store.hit("login#ip", minute + 60, 60).await.unwrap(), 1);
    assert_eq!(store.hit("mail#someone", hour, 3600).await.unwrap(), 2);
}

async fn rate_windows_count_hits_separately(store: &dyn Store) {
    for n in 1..=3 {
        assert_eq!(store.hit("login#ip", NOW, 60).await.unwrap(), n);
    }
    assert_eq!(store.hit("login#ip", NOW + 60, 60).await.unwrap(), 1);
    assert_eq!(store.hit("register#ip", NOW + 60, 60).await.unwrap(), 1);
}

fn event(user: Option<&str>, kind: AuditType) -> AuditEvent {
    AuditEvent {
        id: think_tank_core::domain::new_id(),
        kind,
        user_id: user.map(Into::into),
        ip_hash: Some("hash".into()),
        user_agent: None,
        at: NOW.to_millis(),
        detail: serde_json::json!({ "n": 1 }),
    }
}

async fn audit_events_are_listed_newest_first_per_user_or_for_all(store: &dyn Store) {
    let events = [
        event(Some("u1"), AuditType::LoginFailure),
        event(None, AuditType::LoginFailure),
        event(Some("u1"), AuditType::LoginSuccess),
        event(Some("u2"), AuditType::Logout),
    ];
    for e in &events {
        store.record_event(e, NOW + 100).await.unwrap();
    }
    let mine = store
        .list_events(Some(&"u1".into()), None, 10, NOW)
        .await
        .unwrap();
    let kinds: Vec<AuditType> = mine.items.iter().map(|e| e.kind).collect();
    assert_eq!(kinds, [AuditType::LoginSuccess, AuditType::LoginFailure]);
    assert_eq!(mine.items[0].detail, serde_json::json!({ "n": 1 }));
    let mut all = Vec::new();
    let mut after = None;
    loop {
        let page = store
            .list_events(None, after.as_deref(), 3, NOW)
            .await
            .unwrap();
        all.extend(page.items.into_iter().map(|e| e.id));
        match page.next {
            Some(n) => after = Some(n),
            None => break,
        }
    }
    let expected: Vec<String> = events.iter().rev().map(|e| e.id.clone()).collect();
    assert_eq!(all, expected);
    assert!(
        store
            .list_events(None, None, 10, NOW + 100)
            .await
            .unwrap()
            .items
            .is_empty(),
        "expired events are not listed"
    );
}

async fn the_probe_answers(store: &dyn Store) {
    store.ping().await.unwrap();
}
