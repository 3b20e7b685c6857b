//! Concurrent writes to one task: with `If-Match` exactly one wins, without
//! it every write lands.

use e2e::on_both_backends;
use serde_json::json;

use super::*;

on_both_backends!(
    twenty_concurrent_patches_with_one_if_match_have_exactly_one_winner,
    |api| {
        let editor = api.user().await;
        let (_, tasks) = board(&api, &editor).await;
        let task = id(&create(&api, &editor, &tasks, json!({ "title": "Race" })).await);
        let path = format!("{tasks}/{task}");
        let auth = format!("Bearer {}", editor.access_token);
        let patches = (0..20).map(|i| {
            let body = Some(json!({ "title": format!("writer {i}") }));
            let headers = [("authorization", auth.as_str()), ("if-match", "\"1\"")];
            let (api, path) = (&api, &path);
            async move { api.call("PATCH", path, body, &headers).await.status }
        });
        let mut statuses = futures::future::join_all(patches).await;
        statuses.sort();
        assert_eq!(
            statuses.iter().filter(|s| **s == 200).count(),
            1,
            "{statuses:?}"
        );
        assert_eq!(
            statuses.iter().filter(|s| **s == 412).count(),
            19,
            "{statuses:?}"
        );
        assert_eq!(
            api.get_as(&path, &editor.access_token).await.body["task"]["version"],
            2
        );
    }
);

on_both_backends!(twenty_concurrent_patches_without_if_match_all_land, |api| {
    let editor = api.user().await;
    let (_, tasks) = board(&api, &editor).await;
    let task = id(&create(&api, &editor, &tasks, json!({ "title": "Pile on" })).await);
    let path = format!("{tasks}/{task}");
    let patches = (0..20).map(|i| {
        let (api, path, token) = (&api, &path, &editor.access_token);
        async move {
            api.send_as(
                "PATCH",
                path,
                token,
                Some(json!({ "description": format!("{i}") })),
            )
            .await
            .status
        }
    });
    let statuses = futures::future::join_all(patches).await;
    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
    assert_eq!(
        api.get_as(&path, &editor.access_token).await.body["task"]["version"],
        21
    );
});
