use e2e::{on_both_backends, Api, Resp, TestUser};
use serde_json::{json, Value};

mod concurrency;
mod pagination;

/// A user's new workspace and the path of its tasks.
async fn board(api: &Api, owner: &TestUser) -> (String, String) {
    let ws = api.workspace(owner).await;
    let tasks = format!("{ws}/tasks");
    (ws, tasks)
}

async fn create(api: &Api, who: &TestUser, tasks: &str, body: Value) -> Resp {
    api.send_as("POST", tasks, &who.access_token, Some(body))
        .await
}

fn id(res: &Resp) -> String {
    res.body["task"]["id"].as_str().unwrap().to_string()
}

on_both_backends!(an_editor_creates_a_task_with_location_and_etag, |api| {
    let owner = api.user().await;
    let editor = api.user().await;
    let (ws, tasks) = board(&api, &owner).await;
    api.join(&owner, &ws, &editor, "editor").await;
    let res = create(&api, &editor, &tasks, json!({ "title": "  Ship it  " })).await;
    assert_eq!(res.status, 201, "{}", res.body);
    let task = &res.body["task"];
    assert_eq!(
        (task["title"].as_str(), task["status"].as_str()),
        (Some("Ship it"), Some("todo"))
    );
    assert_eq!(
        (task["description"].as_str(), task["assignee_id"].is_null()),
        (Some(""), true)
    );
    assert_eq!(
        (task["owner_id"].as_str(), task["version"].as_u64()),
        (Some(editor.id.as_str()), Some(1))
    );
    assert!(task["created_at"].is_string() && task["updated_at"].is_string());
    let ws_id = task["workspace_id"].as_str().unwrap();
    assert_eq!(format!("/v1/workspaces/{ws_id}"), ws);
    let location = format!("{tasks}/{}", id(&res));
    assert_eq!(res.header("location"), Some(location.as_str()));
    assert_eq!(res.header("etag"), Some("\"1\""));
    let got = api.get_as(&location, &owner.access_token).await;
    assert_eq!(
        (got.status, got.body["task"].clone()),
        (200, res.body["task"].clone())
    );
});

on_both_backends!(each_workspace_role_does_what_its_place_allows, |api| {
    let owner = api.user().await;
    let (admin, author, other, assigned, reader, stranger) = (
        api.user().await,
        api.user().await,
        api.user().await,
        api.user().await,
        api.user().await,
        api.user().await,
    );
    let (ws, tasks) = board(&api, &owner).await;
    api.join(&owner, &ws, &admin, "admin").await;
    for editor in [&author, &other, &assigned] {
        api.join(&owner, &ws, editor, "editor").await;
    }
    api.join(&owner, &ws, &reader, "viewer").await;
    let body = json!({ "title": "Mine", "assignee_id": assigned.id });
    let task = id(&create(&api, &author, &tasks, body).await);
    let path = format!("{tasks}/{task}");
    let no = create(&api, &reader, &tasks, json!({ "title": "No" })).await;
    assert_eq!(no.code(), "forbidden");
    assert_eq!(api.get_as(&path, &reader.access_token).await.status, 200);
    assert_eq!(api.get_as(&tasks, &reader.access_token).await.status, 200);
    let patch = |who: &TestUser| {
        let (edit, token) = (Some(json!({ "status": "done" })), who.access_token.clone());
        let (api, path) = (&api, &path);
        async move { api.send_as("PATCH", path, &token, edit).await }
    };
    assert_eq!(patch(&reader).await.code(), "forbidden");
    assert_eq!(patch(&other).await.code(), "forbidden", "not theirs");
    for allowed in [&author, &assigned, &admin, &owner] {
        assert_eq!(patch(allowed).await.status, 200);
    }
    let delete = |who: &TestUser| {
        let (api, path, token) = (&api, &path, who.access_token.clone());
        async move { api.send_as("DELETE", path, &token, None).await }
    };
    assert_eq!(delete(&author).await.code(), "forbidden");
    assert_eq!(delete(&admin).await.status, 204);
    assert_eq!(
        api.get_as(&path, &owner.access_token).await.code(),
        "not_found"
    );
    assert_eq!(delete(&owner).await.status, 404);
    for hidden in [&tasks, &path] {
        let res = api.get_as(hidden, &stranger.access_token).await;
        assert_eq!(res.code(), "not_found", "a stranger learns nothing");
    }
    assert_eq!(api.call("GET", &tasks, None, &[]).await.status, 401);
});

on_both_backends!(two_workspaces_never_see_each_others_tasks, |api| {
    let owner = api.user().await;
    let (_, first) = board(&api, &owner).await;
    let (_, second) = board(&api, &owner).await;
    let task = id(&create(&api, &owner, &first, json!({ "title": "First's" })).await);
    let listed = api.get_as(&second, &owner.access_token).await;
    assert_eq!(listed.body["items"], json!([]));
    let elsewhere = format!("{second}/{task}");
    assert_eq!(
        api.get_as(&elsewhere, &owner.access_token).await.code(),
        "not_found"
    );
    let edit = Some(json!({ "title": "Moved?" }));
    let res = api
        .send_as("PATCH", &elsewhere, &owner.access_token, edit)
        .await;
    assert_eq!(res.code(), "not_found");
    let res = api
        .send_as("DELETE", &elsewhere, &owner.access_token, None)
        .await;
    assert_eq!(res.code(), "not_found");
    let kept = api
        .get_as(&format!("{first}/{task}"), &owner.access_token)
        .await;
    assert_eq!(kept.body["task"]["title"], "First's");
});

on_both_backends!(invalid_tasks_are_422_with_the_failing_field, |api| {
    let editor = api.user().await;
    let outsider = api.user().await;
    let (_, tasks) = board(&api, &editor).await;
    let cases = [
        (json!({ "title": "" }), "title"),
        (json!({ "title": "t".repeat(201) }), "title"),
        (
            json!({ "title": "ok", "description": "d".repeat(5001) }),
            "description",
        ),
        (json!({ "title": "ok", "status": "blocked" }), "status"),
        (
            json!({ "title": "ok", "assignee_id": "no-such-user" }),
            "assignee_id",
        ),
        (
            json!({ "title": "ok", "assignee_id": outsider.id }),
            "assignee_id",
        ),
        (json!({ "title": "ok", "owner_id": "me" }), "owner_id"),
        (json!({ "description": "no title" }), "title"),
    ];
    for (body, field) in cases {
        let res = create(&api, &editor, &tasks, body.clone()).await;
        assert_eq!(
            (res.status, res.body["errors"][0]["field"].as_str()),
            (422, Some(field)),
            "{body}"
        );
    }
    let task = id(&create(
        &api,
        &editor,
        &tasks,
        json!({ "title": "ok", "description": "d".repeat(5000) }),
    )
    .await);
    let res = api
        .send_as(
            "PATCH",
            &format!("{tasks}/{task}"),
            &editor.access_token,
            Some(json!({ "version": 9 })),
        )
        .await;
    assert_eq!(res.body["errors"][0]["field"], "version");
});

on_both_backends!(etags_give_304_and_412, |api| {
    let editor = api.user().await;
    let (_, tasks) = board(&api, &editor).await;
    let task = id(&create(&api, &editor, &tasks, json!({ "title": "Cache me" })).await);
    let path = format!("{tasks}/{task}");
    let auth = format!("Bearer {}", editor.access_token);
    let res = api
        .call(
            "GET",
            &path,
            None,
            &[("authorization", &auth), ("if-none-match", "\"1\"")],
        )
        .await;
    assert_eq!((res.status, res.header("etag")), (304, Some("\"1\"")));
    let patch = Some(json!({ "title": "Changed" }));
    let res = api
        .call(
            "PATCH",
            &path,
            patch.clone(),
            &[("authorization", &auth), ("if-match", "\"1\"")],
        )
        .await;
    assert_eq!((res.status, res.header("etag")), (200, Some("\"2\"")));
    let res = api
        .call(
            "PATCH",
            &path,
            patch,
            &[("authorization", &auth), ("if-match", "\"1\"")],
        )
        .await;
    assert_eq!((res.status, res.code()), (412, "precondition_failed"));
    let res = api
        .call(
            "GET",
            &path,
            None,
            &[("authorization", &auth), ("if-none-match", "\"1\"")],
        )
        .await;
    assert_eq!(
        (res.status, res.body["task"]["title"].as_str()),
        (200, Some("Changed"))
    );
});

on_both_backends!(assigning_a_task_emails_the_assignee, |api| {
    let owner = api.user().await;
    let first = api.user().await;
    let second = api.user().await;
    let (ws, tasks) = board(&api, &owner).await;
    api.join(&owner, &ws, &first, "viewer").await;
    api.join(&owner, &ws, &second, "viewer").await;
    let res = create(
        &api,
        &owner,
        &tasks,
        json!({ "title": "Review the PR", "assignee_id": first.id }),
    )
    .await;
    assert_eq!(
        res.body["task"]["assignee_id"].as_str(),
        Some(first.id.as_str())
    );
    let mail = api
        .wait_for_email(&first.email, "Task assigned: Review the PR", 1)
        .await;
    let in_app = format!("{}/tasks/{}", ws.trim_start_matches("/v1"), id(&res));
    assert!(
        mail.contains(&in_app),
        "the link names the workspace: {in_app}"
    );
    let path = format!("{tasks}/{}", id(&res));
    api.send_as(
        "PATCH",
        &path,
        &owner.access_token,
        Some(json!({ "title": "Review the PR" })),
    )
    .await;
    let res = api
        .send_as(
            "PATCH",
            &path,
            &owner.access_token,
            Some(json!({ "assignee_id": second.id })),
        )
        .await;
    assert_eq!(res.status, 200);
    api.wait_for_email(&second.email, "Task assigned", 1).await;
    let res = api
        .send_as(
            "PATCH",
            &path,
            &owner.access_token,
            Some(json!({ "assignee_id": null })),
        )
        .await;
    assert!(res.body["task"]["assignee_id"].is_null());
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(
        api.emails_to(&first.email, "Task assigned").len(),
        1,
        "an unchanged assignee gets no new email"
    );
});
