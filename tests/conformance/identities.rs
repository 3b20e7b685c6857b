//! Provider identities: one account per identity, one identity per provider
//! per account, however many sign-ins race to link them.

use think_tank_core::clock::UnixMillis;
use think_tank_core::domain::Identity;
use think_tank_core::ports::{Store, Unlink};

use crate::conformance;

conformance!(
    a_linked_identity_is_found_by_its_subject_and_listed_for_its_user,
    an_identity_links_to_one_account_even_in_parallel,
    an_account_has_one_identity_per_provider,
    unlinking_frees_the_identity,
    the_last_way_to_sign_in_is_never_unlinked_even_by_parallel_unlinks,
);

fn identity(provider: &str, subject: &str, user_id: &str) -> Identity {
    Identity {
        provider: provider.into(),
        subject: subject.into(),
        user_id: user_id.into(),
        email: format!("{subject}@example.com"),
        linked_at: UnixMillis(1_800_000_000_000),
    }
}

async fn a_linked_identity_is_found_by_its_subject_and_listed_for_its_user(store: &dyn Store) {
    let user = think_tank_core::domain::UserId::generate();
    let google = identity("google", &think_tank_core::domain::new_id(), &user);
    let gitlab = identity("gitlab", &think_tank_core::domain::new_id(), &user);
    assert!(store.link_identity(&google).await.unwrap());
    assert!(store.link_identity(&gitlab).await.unwrap());
    let found = store.identity("google", &google.subject).await.unwrap();
    assert_eq!(found, Some(google.clone()));
    assert_eq!(
        store.identity("gitlab", &google.subject).await.unwrap(),
        None
    );
    let mut mine = store.identities_of(&user).await.unwrap();
    mine.sort_by(|a, b| a.provider.cmp(&b.provider));
    assert_eq!(mine, [gitlab, google]);
}

async fn an_identity_links_to_one_account_even_in_parallel(store: &dyn Store) {
    let subject = think_tank_core::domain::new_id();
    let tries: Vec<Identity> = (0..6)
        .map(|_| identity("google", &subject, &think_tank_core::domain::new_id()))
        .collect();
    let results = futures::future::join_all(tries.iter().map(|i| store.link_identity(i))).await;
    let won = results.into_iter().filter(|r| *r.as_ref().unwrap()).count();
    assert_eq!(won, 1);
}

async fn an_account_has_one_identity_per_provider(store: &dyn Store) {
    let user = think_tank_core::domain::UserId::generate();
    let first = identity("google", &think_tank_core::domain::new_id(), &user);
    let second = identity("google", &think_tank_core::domain::new_id(), &user);
    assert!(store.link_identity(&first).await.unwrap());
    assert!(!store.link_identity(&second).await.unwrap());
    assert_eq!(
        store.identity("google", &second.subject).await.unwrap(),
        None
    );
}

async fn unlinking_frees_the_identity(store: &dyn Store) {
    let (user, other) = (
        think_tank_core::domain::UserId::generate(),
        think_tank_core::domain::UserId::generate(),
    );
    let subject = think_tank_core::domain::new_id();
    assert!(store
        .link_identity(&identity("google", &subject, &user))
        .await
        .unwrap());
    for (who, expected) in [
        (&other, Unlink::NotLinked),
        (&user, Unlink::Unlinked),
        (&user, Unlink::NotLinked),
    ] {
        let outcome = store.unlink_identity(who, "google", true).await.unwrap();
        assert_eq!(outcome, expected);
    }
    assert!(store.identities_of(&user).await.unwrap().is_empty());
    assert!(store.was_unlinked(&user, "google").await.unwrap());
    assert!(!store.was_unlinked(&user, "gitlab").await.unwrap());
    assert!(!store.was_unlinked(&other, "google").await.unwrap());
    assert!(store
        .link_identity(&identity("google", &subject, &other))
        .await
        .unwrap());
}

async fn the_last_way_to_sign_in_is_never_unlinked_even_by_parallel_unlinks(store: &dyn Store) {
    let user = think_tank_core::domain::UserId::generate();
    for provider in ["google", "gitlab"] {
        let linked = identity(provider, &think_tank_core::domain::new_id(), &user);
        assert!(store.link_identity(&linked).await.unwrap());
    }
    let (a, b) = tokio::join!(
        store.unlink_identity(&user, "google", false),
        store.unlink_identity(&user, "gitlab", false)
    );
    let mut outcomes = [a.unwrap(), b.unwrap()];
    outcomes.sort_by_key(|o| *o as u8);
    assert_eq!(outcomes, [Unlink::Unlinked, Unlink::LastWayToSignIn]);
    assert_eq!(store.identities_of(&user).await.unwrap().len(), 1);
}
