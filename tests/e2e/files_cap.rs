//! At most `MAX_FILES_PER_USER` (1,000 unless set) ready files per user:
//! past that, announcing and completing an upload answer `409 conflict`; a
//! deleted file frees a place.

use e2e::{on_both_backends, Api};
use futures::StreamExt;
use think_tank_core::clock::Clock;
use think_tank_core::domain::{new_id, Completion, FileRecord, FileStatus};

use crate::files::{announce, upload, Tamper, PNG};

/// Gives `owner` `count` ready files straight in the store.
async fn seed_ready_files(api: &Api, owner: &str, count: u32) {
    let store = &api.running.app.core.store;
    let now = api.clock.now_secs();
    futures::stream::iter(0..count)
        .for_each_concurrent(16, |_| async move {
            let id = new_id();
            let file = FileRecord {
                key: format!("pending/{id}"),
                id,
                filename: "seed.png".into(),
                content_type: "image/png".into(),
                size: 1,
                status: FileStatus::Pending,
                owner_id: owner.into(),
                created_at: now.to_millis(),
                expires_at: Some(now + 3600),
            };
            store.create_file(&file).await.unwrap();
            let key = format!("files/{}", file.id);
            let done = store.mark_file_ready(&file, &key, now, CAP);
            assert!(matches!(done.await.unwrap(), Completion::Ready(_)));
        })
        .await;
}

const CAP: u32 = 3;

on_both_backends!(
    an_owner_keeps_at_most_the_cap_of_ready_files,
    &[
        ("BOOTSTRAP_ADMIN_EMAIL", e2e::ADMIN_EMAIL),
        ("MAX_FILES_PER_USER", "3")
    ],
    |api| {
        let owner = api.user().await;
        seed_ready_files(&api, &owner.id, CAP - 1).await;
        let last = announce(&api, &owner, PNG.len()).await;
        let spare = announce(&api, &owner, PNG.len()).await;
        assert_eq!(
            (last.status, spare.status),
            (201, 201),
            "pending uploads do not count"
        );
        for announced in [&last, &spare] {
            upload(&api, &announced.body["upload"], PNG, Tamper::default()).await;
        }
        let complete = |res: &e2e::Resp| {
            let path = format!(
                "/v1/files/{}/complete",
                res.body["file"]["id"].as_str().unwrap()
            );
            let token = owner.access_token.clone();
            let api = &api;
            async move { api.send_as("POST", &path, &token, None).await }
        };
        assert_eq!(complete(&last).await.status, 200, "the last place");

        let refused = announce(&api, &owner, PNG.len()).await;
        assert_eq!((refused.status, refused.code()), (409, "conflict"));
        let late = complete(&spare).await;
        assert_eq!((late.status, late.code()), (409, "conflict"));

        let last_id = last.body["file"]["id"].as_str().unwrap();
        let path = format!("/v1/files/{last_id}");
        let deleted = api
            .send_as("DELETE", &path, &owner.access_token, None)
            .await;
        assert_eq!(deleted.status, 204);
        let finished = complete(&spare).await;
        assert_eq!(
            (finished.status, finished.body["file"]["status"].as_str()),
            (200, Some("ready")),
            "the deleted file's place, and the upload's bytes were kept"
        );
    }
);
