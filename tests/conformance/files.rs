use think_tank_core::domain::{new_id, FileRecord, FileStatus};
use think_tank_core::ports::Store;

use crate::conformance;
use crate::support::NOW;

conformance!(
    a_pending_file_is_read_back_until_it_expires,
    completing_marks_ready_once_and_moves_the_key,
    an_owner_lists_only_their_live_files_newest_first,
);

fn pending(owner: &str) -> FileRecord {
    let id = new_id();
    FileRecord {
        key: format!("pending/{id}"),
        id,
        filename: "cat.png".into(),
        content_type: "image/png".into(),
        size: 42,
        status: FileStatus::Pending,
        owner_id: owner.into(),
        created_at: NOW.to_millis(),
        expires_at: Some(NOW + 100),
    }
}

async fn a_pending_file_is_read_back_until_it_expires(store: &dyn Store) {
    let f = pending("owner-1");
    store.create_file(&f).await.unwrap();
    assert_eq!(store.file(&f.id, NOW).await.unwrap(), Some(f.clone()));
    assert_eq!(
        store.file(&f.id, NOW + 100).await.unwrap(),
        None,
        "expired before TTL deletes it"
    );
    assert_eq!(
        store
            .mark_file_ready(&f.id, "files/x", NOW + 100)
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store.delete_file(&f.id).await.unwrap().map(|d| d.id),
        Some(f.id.clone())
    );
    assert_eq!(store.file(&f.id, NOW).await.unwrap(), None);
}

async fn completing_marks_ready_once_and_moves_the_key(store: &dyn Store) {
    let f = pending("owner-1");
    store.create_file(&f).await.unwrap();
    let final_key = format!("files/{}", f.id);
    let ready = store
        .mark_file_ready(&f.id, &final_key, NOW)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (ready.status, ready.key.as_str(), ready.expires_at),
        (FileStatus::Ready, final_key.as_str(), None)
    );
    assert_eq!(
        store.mark_file_ready(&f.id, &final_key, NOW).await.unwrap(),
        None
    );
    assert_eq!(
        store.file(&f.id, NOW + 1_000_000).await.unwrap(),
        Some(ready),
        "a ready file no longer expires"
    );
}

async fn an_owner_lists_only_their_live_files_newest_first(store: &dyn Store) {
    let mut mine = Vec::new();
    for _ in 0..5 {
        let f = pending("alice");
        store.create_file(&f).await.unwrap();
        mine.push(f.id);
    }
    store.create_file(&pending("bob")).await.unwrap();
    let mut expired = pending("alice");
    expired.expires_at = Some(NOW - 1);
    store.create_file(&expired).await.unwrap();
    mine.reverse();
    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let page = store
            .files_of(&"alice".into(), after.as_deref(), 2, NOW)
            .await
            .unwrap();
        seen.extend(page.items.into_iter().map(|f| f.id));
        match page.next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    assert_eq!(seen, mine);
}
