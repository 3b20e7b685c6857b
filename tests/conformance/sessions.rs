use think_tank_core::domain::{LiveJti, SessionId};
use think_tank_core::ports::Store;

use crate::conformance;
use crate::support::{session, NOW};

conformance!(
    a_session_is_read_back_and_listed_under_its_user,
    a_rotation_wins_only_against_the_expected_hash,
    concurrent_rotations_with_the_same_token_have_one_winner,
    a_revoked_session_cannot_be_rotated_or_revoked_again,
    revoked_tokens_stay_revoked_until_they_expire,
    a_users_connections_are_found_at_once_and_forgotten_with_them,
);

async fn a_users_connections_are_found_at_once_and_forgotten_with_them(store: &dyn Store) {
    let connection = |id: &str, user: &str| think_tank_core::domain::Connection {
        id: id.to_string(),
        session_id: "s1".into(),
        user_id: user.into(),
        user_name: "Ada".into(),
        role: think_tank_core::domain::Role::User,
        expires_at: NOW + 7200,
    };
    store.put_connection(&connection("c1", "u1")).await.unwrap();
    store.put_connection(&connection("c2", "u2")).await.unwrap();
    let mine = store.connections_of(&"u1".into(), NOW).await.unwrap();
    assert_eq!(mine, vec![connection("c1", "u1")]);
    store.delete_connection("c1").await.unwrap();
    assert!(store
        .connections_of(&"u1".into(), NOW)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(store.connection("c1", NOW).await.unwrap(), None);
    assert!(
        store
            .connections_of(&"u2".into(), NOW + 7200)
            .await
            .unwrap()
            .is_empty(),
        "expired"
    );
}

async fn a_session_is_read_back_and_listed_under_its_user(store: &dyn Store) {
    let a = session(&"user-a".into());
    let b = session(&"user-a".into());
    let other = session(&"user-b".into());
    for s in [&a, &b, &other] {
        store.create_session(s).await.unwrap();
    }
    assert_eq!(
        store.session(&"user-a".into(), &a.id).await.unwrap(),
        Some(a.clone())
    );
    assert_eq!(
        store.session(&"user-b".into(), &a.id).await.unwrap(),
        None,
        "sessions are keyed by their user"
    );
    let mut listed: Vec<SessionId> = store
        .sessions_of(&"user-a".into())
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.id)
        .collect();
    listed.sort();
    let mut expected = vec![a.id, b.id];
    expected.sort();
    assert_eq!(listed, expected);
}

async fn a_rotation_wins_only_against_the_expected_hash(store: &dyn Store) {
    let s = session(&"user-r".into());
    store.create_session(&s).await.unwrap();
    let mut next = s.clone();
    next.refresh_hash = "hash-1".into();
    next.rotated_hashes = vec!["hash-0".into()];
    next.access_jtis.push(LiveJti {
        jti: "j2".into(),
        expires_at: NOW + 900,
    });
    assert!(!store.replace_session_if(&next, "stale").await.unwrap());
    assert!(store.replace_session_if(&next, "hash-0").await.unwrap());
    assert!(!store.replace_session_if(&next, "hash-0").await.unwrap());
    let mut stored = store
        .session(&"user-r".into(), &s.id)
        .await
        .unwrap()
        .unwrap();
    for session in [&mut stored, &mut next] {
        session.access_jtis.sort_by(|a, b| a.jti.cmp(&b.jti));
    }
    assert_eq!(stored, next, "the tokens a session issued are a set");
}

async fn concurrent_rotations_with_the_same_token_have_one_winner(store: &dyn Store) {
    let s = session(&"user-c".into());
    store.create_session(&s).await.unwrap();
    let candidates: Vec<_> = (0..8)
        .map(|i| {
            let mut next = s.clone();
            next.refresh_hash = format!("hash-{i}-next");
            next
        })
        .collect();
    let results = futures::future::join_all(
        candidates
            .iter()
            .map(|c| store.replace_session_if(c, "hash-0")),
    )
    .await;
    assert_eq!(
        results.into_iter().filter(|r| *r.as_ref().unwrap()).count(),
        1
    );
}

async fn a_revoked_session_cannot_be_rotated_or_revoked_again(store: &dyn Store) {
    let s = session(&"user-v".into());
    store.create_session(&s).await.unwrap();
    let revoked = store
        .revoke_session(&"user-v".into(), &s.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        revoked.access_jtis, s.access_jtis,
        "revocation hands back the tokens to blacklist"
    );
    assert_eq!(
        store.revoke_session(&"user-v".into(), &s.id).await.unwrap(),
        None
    );
    assert_eq!(
        store
            .revoke_session(&"user-v".into(), &"missing".into())
            .await
            .unwrap(),
        None
    );
    assert!(!store.replace_session_if(&s, "hash-0").await.unwrap());
    assert!(
        store
            .session(&"user-v".into(), &s.id)
            .await
            .unwrap()
            .unwrap()
            .revoked
    );
}

async fn revoked_tokens_stay_revoked_until_they_expire(store: &dyn Store) {
    let jtis = [
        LiveJti {
            jti: "j-1".into(),
            expires_at: NOW + 60,
        },
        LiveJti {
            jti: "j-2".into(),
            expires_at: NOW + 120,
        },
    ];
    store.revoke_tokens(&jtis).await.unwrap();
    assert!(store.is_revoked("j-1", NOW).await.unwrap());
    assert!(store.is_revoked("j-2", NOW + 61).await.unwrap());
    assert!(
        !store.is_revoked("j-1", NOW + 60).await.unwrap(),
        "an expired entry is ignored even before TTL deletes it"
    );
    assert!(!store.is_revoked("never", NOW).await.unwrap());
    store.revoke_tokens(&[]).await.unwrap();
}
