use think_tank_core::domain::{new_id, Completion, FileRecord, FileStatus};
use think_tank_core::ports::Store;

use crate::conformance;
use crate::support::NOW;

conformance!(
    a_pending_file_is_read_back_until_it_expires,
    completing_marks_ready_once_and_moves_the_key,
    an_owner_lists_only_their_live_files_newest_first,
    an_owner_keeps_at_most_the_cap_of_ready_files_and_a_delete_frees_a_place,
    deleting_a_pending_file_frees_no_place,
);

const CAP: u32 = 1_000;

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
            .mark_file_ready(&f, "files/x", NOW + 100, CAP)
            .await
            .unwrap(),
        Completion::NotPending
    );
    assert!(store.delete_file(&f).await.unwrap());
    assert_eq!(store.file(&f.id, NOW).await.unwrap(), None);
    assert!(!store.delete_file(&f).await.unwrap(), "already gone");
}

async fn completing_marks_ready_once_and_moves_the_key(store: &dyn Store) {
    let f = pending("owner-1");
    store.create_file(&f).await.unwrap();
    let final_key = format!("files/{}", f.id);
    let Completion::Ready(ready) = store
        .mark_file_ready(&f, &final_key, NOW, CAP)
        .await
        .unwrap()
    else {
        panic!("the pending file became ready");
    };
    assert_eq!(
        (ready.status, ready.key.as_str(), ready.expires_at),
        (FileStatus::Ready, final_key.as_str(), None)
    );
    assert_eq!(
        store
            .mark_file_ready(&f, &final_key, NOW, CAP)
            .await
            .unwrap(),
        Completion::NotPending
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

async fn completed(store: &dyn Store, f: &FileRecord, cap: u32) -> Completion {
    let key = format!("files/{}", f.id);
    store.mark_file_ready(f, &key, NOW, cap).await.unwrap()
}

async fn an_owner_keeps_at_most_the_cap_of_ready_files_and_a_delete_frees_a_place(
    store: &dyn Store,
) {
    let owner = format!("owner-{}", new_id());
    let files = [pending(&owner), pending(&owner), pending(&owner)];
    for f in &files {
        store.create_file(f).await.unwrap();
    }
    store.create_file(&pending("someone-else")).await.unwrap();
    assert!(matches!(
        completed(store, &files[0], 2).await,
        Completion::Ready(_)
    ));
    assert!(matches!(
        completed(store, &files[1], 2).await,
        Completion::Ready(_)
    ));
    assert_eq!(completed(store, &files[2], 2).await, Completion::Full);
    assert_eq!(store.ready_files(&owner.as_str().into()).await.unwrap(), 2);
    assert_eq!(
        store
            .file(&files[2].id, NOW)
            .await
            .unwrap()
            .map(|f| f.status),
        Some(FileStatus::Pending),
        "the refused file stays pending"
    );
    // Read while pending, ready since: the delete still gives the place back.
    let stale = &files[0];
    assert!(store.delete_file(stale).await.unwrap());
    assert_eq!(store.ready_files(&owner.as_str().into()).await.unwrap(), 1);
    let ready = files[1].ready_at(&format!("files/{}", files[1].id));
    assert!(store.delete_file(&ready).await.unwrap());
    assert_eq!(store.ready_files(&owner.as_str().into()).await.unwrap(), 0);
    assert!(matches!(
        completed(store, &files[2], 2).await,
        Completion::Ready(_)
    ));
}

async fn deleting_a_pending_file_frees_no_place(store: &dyn Store) {
    let owner = format!("owner-{}", new_id());
    let (kept, dropped) = (pending(&owner), pending(&owner));
    store.create_file(&kept).await.unwrap();
    store.create_file(&dropped).await.unwrap();
    assert!(matches!(
        completed(store, &kept, 1).await,
        Completion::Ready(_)
    ));
    assert!(store.delete_file(&dropped).await.unwrap());
    assert_eq!(store.ready_files(&owner.as_str().into()).await.unwrap(), 1);
}
