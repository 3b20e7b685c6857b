use e2e::{on_both_backends, Api, Resp, TestUser, ADMIN_EMAIL};
use serde_json::{json, Value};

mod concurrency;
mod pagination;

const ROLES: &[(&str, &str)] = &[
    ("BOOTSTRAP_ADMIN_EMAIL", ADMIN_EMAIL),
    ("DEFAULT_ROLE", "editor"),
];

/// A fresh user demoted to viewer by the admin, logged in again.
async fn viewer(api: &Api, admin: &TestUser) -> TestUser {
    let user = api.user().await;
    let res = api
        .admin_update_user(&admin.access_token, &user.id, json!({ "role": "viewer" }))
        .await;
    assert_eq!(res.status, 200);
    let login = api.login(&user.email, &user.password).await;
    TestUser {
        access_token: login.body["access_token"].as_str().unwrap().to_string(),
        ..user
    }
}

async fn create(api: &Api, who: &TestUser, body: Value) -> Resp {
    api.send_as("POST", "/v1/tasks", &who.access_token, Some(body))
        .await
}

fn id(res: &Resp) -> String {
    res.body["task"]["id"].as_str().unwrap().to_string()
}

on_both_backends!(
    an_editor_creates_a_task_with_location_and_etag,
    ROLES,
    |api| {
        let editor = api.user().await;
        let res = create(&api, &editor, json!({ "title": "  Ship it  " })).await;
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
        assert_eq!(
            res.header("location"),
            Some(format!("/v1/tasks/{}", id(&res)).as_str())
        );
        assert_eq!(res.header("etag"), Some("\"1\""));
        let got = api
            .get_as(&format!("/v1/tasks/{}", id(&res)), &editor.access_token)
            .await;
        assert_eq!(
            (got.status, got.body["task"].clone()),
            (200, res.body["task"].clone())
        );
    }
);

on_both_backends!(permissions_follow_the_roles, ROLES, |api| {
    let boss = api.admin().await;
    let owner = api.user().await;
    let other_editor = api.user().await;
    let reader = viewer(&api, &boss).await;
    let task = id(&create(&api, &owner, json!({ "title": "Mine" })).await);
    let path = format!("/v1/tasks/{task}");
    assert_eq!(
        create(&api, &reader, json!({ "title": "No" })).await.code(),
        "forbidden"
    );
    assert_eq!(api.get_as(&path, &reader.access_token).await.status, 200);
    assert_eq!(
        api.get_as("/v1/tasks", &reader.access_token).await.status,
        200
    );
    let edit = Some(json!({ "status": "done" }));
    assert_eq!(
        api.send_as("PATCH", &path, &reader.access_token, edit.clone())
            .await
            .code(),
        "forbidden"
    );
    assert_eq!(
        api.send_as("PATCH", &path, &other_editor.access_token, edit.clone())
            .await
            .code(),
        "forbidden"
    );
    assert_eq!(
        api.send_as("PATCH", &path, &boss.access_token, edit.clone())
            .await
            .status,
        200
    );
    assert_eq!(
        api.send_as("PATCH", &path, &owner.access_token, edit)
            .await
            .status,
        200
    );
    assert_eq!(
        api.send_as("DELETE", &path, &owner.access_token, None)
            .await
            .code(),
        "forbidden"
    );
    assert_eq!(
        api.send_as("DELETE", &path, &boss.access_token, None)
            .await
            .status,
        204
    );
    assert_eq!(
        api.get_as(&path, &owner.access_token).await.code(),
        "not_found"
    );
    assert_eq!(
        api.send_as("DELETE", &path, &boss.access_token, None)
            .await
            .status,
        404
    );
    assert_eq!(api.call("GET", "/v1/tasks", None, &[]).await.status, 401);
});

on_both_backends!(invalid_tasks_are_422_with_the_failing_field, ROLES, |api| {
    let editor = api.user().await;
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
        (json!({ "title": "ok", "owner_id": "me" }), "owner_id"),
        (json!({ "description": "no title" }), "title"),
    ];
    for (body, field) in cases {
        let res = create(&api, &editor, body.clone()).await;
        assert_eq!(
            (res.status, res.body["errors"][0]["field"].as_str()),
            (422, Some(field)),
            "{body}"
        );
    }
    let task = id(&create(
        &api,
        &editor,
        json!({ "title": "ok", "description": "d".repeat(5000) }),
    )
    .await);
    let res = api
        .send_as(
            "PATCH",
            &format!("/v1/tasks/{task}"),
            &editor.access_token,
            Some(json!({ "version": 9 })),
        )
        .await;
    assert_eq!(res.body["errors"][0]["field"], "version");
});

on_both_backends!(etags_give_304_and_412, ROLES, |api| {
    let editor = api.user().await;
    let task = id(&create(&api, &editor, json!({ "title": "Cache me" })).await);
    let path = format!("/v1/tasks/{task}");
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

on_both_backends!(assigning_a_task_emails_the_assignee, ROLES, |api| {
    let owner = api.user().await;
    let first = api.user().await;
    let second = api.user().await;
    let res = create(
        &api,
        &owner,
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
    assert!(mail.contains(&format!("/tasks/{}", id(&res))));
    let path = format!("/v1/tasks/{}", id(&res));
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
