use think_tank_core::domain::{Email, PasswordChange, PasswordHash, Role, UserChanges};
use think_tank_core::ports::{Store, UserStore};

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
        role: Some(Role::Admin),
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
        (Role::Admin, true)
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
        ("Grace", Some(&new_hash), Role::Admin)
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
    // More users than the table has listing shards, so pages merge shards.
    let mut ids = Vec::new();
    for i in 0..20 {
        let record = user(&format!("u{i}@example.com"));
        store.create_user(&record).await.unwrap();
        ids.push(record.user.id);
    }
    ids.reverse();
    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let page = store.list_users(after.as_deref(), 3).await.unwrap();
        let full = page.items.len() == 3;
        seen.extend(page.items.into_iter().map(|u| u.id));
        match page.next {
            Some(next) => {
                assert!(full, "a page with a cursor is full");
                after = Some(next);
            }
            None => break,
        }
    }
    assert_eq!(seen, ids);
}

/// Users written by a version that listed them in one `USERS` partition are
/// still listed, in order, beside the sharded ones.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn users_in_the_unsharded_partition_of_earlier_versions_are_still_listed() {
    let Some(clients) = e2e::aws_clients_or_skip().await else {
        return;
    };
    let table = e2e::unique_name("legacy");
    adapters::aws::provision::create_table_without_stream(&clients, &table)
        .await
        .unwrap();
    let store = adapters::aws::DynamoStore::new(clients.dynamodb(), &table);
    let (old, new) = (user("old@example.com"), user("new@example.com"));
    store.create_user(&old).await.unwrap();
    store.create_user(&new).await.unwrap();
    let key = |id: &str| {
        use aws_sdk_dynamodb::types::AttributeValue::S;
        [
            ("pk".to_string(), S(format!("USER#{id}"))),
            ("sk".to_string(), S("PROFILE".into())),
        ]
    };
    clients
        .dynamodb()
        .update_item()
        .table_name(&table)
        .set_key(Some(key(&old.user.id).into()))
        .update_expression("SET gsi1pk = :legacy")
        .expression_attribute_values(
            ":legacy",
            aws_sdk_dynamodb::types::AttributeValue::S("USERS".into()),
        )
        .send()
        .await
        .unwrap();
    let first = store.list_users(None, 1).await.unwrap();
    let rest = store.list_users(first.next.as_deref(), 1).await.unwrap();
    let listed: Vec<_> = first
        .items
        .iter()
        .chain(&rest.items)
        .map(|u| u.id.clone())
        .collect();
    assert_eq!(listed, [new.user.id, old.user.id]);
    assert_eq!(rest.next, None);
}
