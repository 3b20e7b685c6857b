//! Provider identities: one account per identity, one identity per provider
//! per account, however many sign-ins race to link them.

use shared::clock::UnixMillis;
use shared::domain::Identity;
use shared::ports::Store;

use crate::conformance;

conformance!(
    a_linked_identity_is_found_by_its_subject_and_listed_for_its_user,
    an_identity_links_to_one_account_even_in_parallel,
    an_account_has_one_identity_per_provider,
    unlinking_frees_the_identity,
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
    let user = shared::domain::new_id();
    let google = identity("google", &shared::domain::new_id(), &user);
    let gitlab = identity("gitlab", &shared::domain::new_id(), &user);
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
    let subject = shared::domain::new_id();
    let tries: Vec<Identity> = (0..6)
        .map(|_| identity("google", &subject, &shared::domain::new_id()))
        .collect();
    let results = futures::future::join_all(tries.iter().map(|i| store.link_identity(i))).await;
    let won = results.into_iter().filter(|r| *r.as_ref().unwrap()).count();
    assert_eq!(won, 1);
}

async fn an_account_has_one_identity_per_provider(store: &dyn Store) {
    let user = shared::domain::new_id();
    let first = identity("google", &shared::domain::new_id(), &user);
    let second = identity("google", &shared::domain::new_id(), &user);
    assert!(store.link_identity(&first).await.unwrap());
    assert!(!store.link_identity(&second).await.unwrap());
    assert_eq!(
        store.identity("google", &second.subject).await.unwrap(),
        None
    );
}

async fn unlinking_frees_the_identity(store: &dyn Store) {
    let (user, other) = (shared::domain::new_id(), shared::domain::new_id());
    let subject = shared::domain::new_id();
    assert!(store
        .link_identity(&identity("google", &subject, &user))
        .await
        .unwrap());
    assert!(!store.unlink_identity(&other, "google").await.unwrap());
    assert!(store.unlink_identity(&user, "google").await.unwrap());
    assert!(!store.unlink_identity(&user, "google").await.unwrap());
    assert!(store.identities_of(&user).await.unwrap().is_empty());
    assert!(store
        .link_identity(&identity("google", &subject, &other))
        .await
        .unwrap());
}
