//! Workspaces over HTTP on both backends: made, listed, read, renamed and
//! deleted by their owner, invisible to everyone else.

use e2e::{on_both_backends, Api, Resp, TestUser};
use serde_json::json;

async fn create(api: &Api, who: &TestUser, name: &str) -> Resp {
    let body = json!({ "name": name });
    api.send_as("POST", "/v1/workspaces", &who.access_token, Some(body))
        .await
}

fn id(res: &Resp) -> String {
    res.body["workspace"]["id"].as_str().unwrap().to_string()
}

on_both_backends!(a_new_workspace_belongs_to_its_creator_alone, |api| {
    let owner = api.user().await;
    let res = create(&api, &owner, "  Launch  ").await;
    assert_eq!(res.status, 201, "{}", res.body);
    let workspace = &res.body["workspace"];
    assert_eq!(
        (workspace["name"].as_str(), workspace["role"].as_str()),
        (Some("Launch"), Some("owner"))
    );
    assert_eq!(workspace["member_count"].as_u64(), Some(1));
    let path = format!("/v1/workspaces/{}", id(&res));
    assert_eq!(res.header("location"), Some(path.as_str()));
    let got = api.get_as(&path, &owner.access_token).await;
    assert_eq!((got.status, &got.body["workspace"]), (200, workspace));
    let mine = api.get_as("/v1/workspaces", &owner.access_token).await;
    assert_eq!(mine.body["items"], json!([workspace]));

    let members = api
        .get_as(&format!("{path}/members"), &owner.access_token)
        .await;
    let member = &members.body["items"][0];
    assert_eq!(
        (
            member["user"]["id"].as_str(),
            member["user"]["email"].as_str()
        ),
        (Some(owner.id.as_str()), Some(owner.email.as_str()))
    );
    assert_eq!(member["role"].as_str(), Some("owner"));
});

on_both_backends!(to_a_stranger_a_workspace_does_not_exist, |api| {
    let owner = api.user().await;
    let stranger = api.user().await;
    let path = format!(
        "/v1/workspaces/{}",
        id(&create(&api, &owner, "Private").await)
    );
    let missing = "/v1/workspaces/01936f3e-0000-7000-8000-00000000ffff";
    let hidden = api.get_as(&path, &stranger.access_token).await;
    let absent = api.get_as(missing, &stranger.access_token).await;
    assert_eq!((hidden.status, hidden.code()), (404, "not_found"));
    assert_eq!(
        hidden.body["detail"], absent.body["detail"],
        "the same answer"
    );
    for (method, suffix, body) in [
        ("PATCH", "", Some(json!({ "name": "Theirs" }))),
        ("DELETE", "", None),
        ("GET", "/members", None),
        ("DELETE", &format!("/members/{}", owner.id), None),
    ] {
        let res = api
            .send_as(
                method,
                &format!("{path}{suffix}"),
                &stranger.access_token,
                body,
            )
            .await;
        assert_eq!(res.status, 404, "{method} {suffix}: {}", res.body);
    }
    let theirs = api.get_as("/v1/workspaces", &stranger.access_token).await;
    assert_eq!(theirs.body["items"], json!([]));
});

on_both_backends!(
    the_only_owner_renames_but_cannot_leave_or_step_down,
    |api| {
        let owner = api.user().await;
        let path = format!("/v1/workspaces/{}", id(&create(&api, &owner, "Solo").await));
        let token = &owner.access_token;
        let renamed = api
            .send_as("PATCH", &path, token, Some(json!({ "name": "Duo" })))
            .await;
        assert_eq!(renamed.body["workspace"]["name"].as_str(), Some("Duo"));
        let me = format!("{path}/members/{}", owner.id);
        let leave = api.send_as("DELETE", &me, token, None).await;
        assert_eq!((leave.status, leave.code()), (409, "conflict"));
        let step_down = api
            .send_as("PATCH", &me, token, Some(json!({ "role": "admin" })))
            .await;
        assert_eq!((step_down.status, step_down.code()), (409, "conflict"));
        let still = api.get_as(&path, token).await;
        assert_eq!(still.body["workspace"]["role"].as_str(), Some("owner"));
    }
);

on_both_backends!(bad_names_and_roles_are_refused_by_field, |api| {
    let owner = api.user().await;
    let token = &owner.access_token;
    for name in ["   ", &"x".repeat(101)] {
        let res = create(&api, &owner, name).await;
        assert_eq!(
            (res.status, res.body["errors"][0]["field"].as_str()),
            (422, Some("name"))
        );
    }
    let path = format!("/v1/workspaces/{}", id(&create(&api, &owner, "Ok").await));
    let me = format!("{path}/members/{}", owner.id);
    let res = api
        .send_as("PATCH", &me, token, Some(json!({ "role": "superuser" })))
        .await;
    assert_eq!(
        (res.status, res.body["errors"][0]["field"].as_str()),
        (422, Some("role"))
    );
    let extra = api
        .send_as(
            "PATCH",
            &path,
            token,
            Some(json!({ "name": "A", "owner": "me" })),
        )
        .await;
    assert_eq!(extra.status, 422);
});

on_both_backends!(a_deleted_workspace_is_gone_at_once, |api| {
    let owner = api.user().await;
    let token = &owner.access_token;
    let path = format!("/v1/workspaces/{}", id(&create(&api, &owner, "Gone").await));
    let deleted = api.send_as("DELETE", &path, token, None).await;
    assert_eq!(deleted.status, 204, "{}", deleted.body);
    assert_eq!(api.get_as(&path, token).await.status, 404);
    let again = api.send_as("DELETE", &path, token, None).await;
    assert_eq!(again.status, 404);
    let mine = api.get_as("/v1/workspaces", token).await;
    assert_eq!(mine.body["items"], json!([]));
});
