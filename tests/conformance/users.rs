use think_tank_core::domain::{Email, PasswordChange, PasswordHash, Role, UserChanges};
use think_tank_core::ports::Store;

use crate::conformance;
use crate::support::user;

conformance!(
    a_created_user_is_found_by_id_and_by_email,
    an_email_is_taken_once_even_under_concurrency,
    updates_change_only_the_given_fields,
    updating_a_missing_user_finds_nothing,
    users_are_listed_newest_first_page_by_page,
);

async fn a_created_user_is_found_by_id_and_by_email(store: &dyn Store) {
    let record = user("ada@example.com");
    assert!(store.create_user(&record).await.unwrap());
    assert_eq!(
        store.user_by_id(&record.user.id).await.unwrap(),
        Some(record.clone())
    );
    let email = Email::parse("ada@example.com").unwrap();
    assert_eq!(store.user_by_email(&email).await.unwrap(), Some(record));
    assert_eq!(store.user_by_id(&"missing".into()).await.unwrap(), None);
    assert_eq!(
        store
            .user_by_email(&Email::parse("no@example.com").unwrap())
            .await
            .unwrap(),
        None
    );
}

async fn an_email_is_taken_once_even_under_concurrency(store: &dyn Store) {
    let attempts = (0..8).map(|_| user("race@example.com")).collect::<Vec<_>>();
    let results = futures::future::join_all(attempts.iter().map(|r| store.create_user(r))).await;
    let created = results.into_iter().filter(|r| *r.as_ref().unwrap()).count();
    assert_eq!(created, 1);
}

async fn updates_change_only_the_given_fields(store: &dyn Store) {
    let record = user("grace@example.com");
    store.create_user(&record).await.unwrap();
    let changes = UserChanges {
        role: Some(Role::Editor),
        email_verified: Some(true),
        ..Default::default()
    };
    let updated = store
        .update_user(&record.user.id, &changes)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (updated.user.role, updated.user.email_verified),
        (Role::Editor, true)
    );
    assert_eq!(
        (updated.user.name.as_str(), &updated.password_hash),
        (record.user.name.as_str(), &record.password_hash)
    );
    let new_hash = PasswordHash::new("new".into());
    let changes = UserChanges {
        name: Some("Grace".into()),
        password: Some(PasswordChange::Set(new_hash.clone())),
        ..Default::default()
    };
    let updated = store
        .update_user(&record.user.id, &changes)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (
            updated.user.name.as_str(),
            updated.password_hash.as_ref(),
            updated.user.role
        ),
        ("Grace", Some(&new_hash), Role::Editor)
    );
    assert_eq!(
        store.user_by_id(&record.user.id).await.unwrap(),
        Some(updated)
    );
    let removed = UserChanges {
        password: Some(PasswordChange::Remove),
        ..Default::default()
    };
    let updated = store
        .update_user(&record.user.id, &removed)
        .await
        .unwrap()
        .unwrap();
    assert!(
        !updated.has_password(),
        "a removed password reads back as none"
    );
    let read = store.user_by_id(&record.user.id).await.unwrap().unwrap();
    assert_eq!(read.password_hash, None);
}

async fn updating_a_missing_user_finds_nothing(store: &dyn Store) {
    let changes = UserChanges {
        name: Some("x".into()),
        ..Default::default()
    };
    assert_eq!(
        store
            .update_user(&"missing".into(), &changes)
            .await
            .unwrap(),
        None
    );
}

async fn users_are_listed_newest_first_page_by_page(store: &dyn Store) {
    let mut ids = Vec::new();
    for i in 0..5 {
        let record = user(&format!("u{i}@example.com"));
        store.create_user(&record).await.unwrap();
        ids.push(record.user.id);
    }
    ids.reverse();
    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let page = store.list_users(after.as_deref(), 2).await.unwrap();
        assert!(page.items.len() <= 2);
        seen.extend(page.items.into_iter().map(|u| u.id));
        match page.next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    assert_eq!(seen, ids);
}
