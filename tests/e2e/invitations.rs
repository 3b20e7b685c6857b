//! Invitations over HTTP on both backends: the link lets the invited address
//! in once; roles then decide who may do what.

use e2e::{on_both_backends, Api, Resp, TestUser};
use serde_json::json;

const SUBJECT: &str = "Test User invited you to";

async fn invite(api: &Api, by: &TestUser, path: &str, email: &str, role: &str) -> Resp {
    let body = json!({ "email": email, "role": role });
    api.send_as(
        "POST",
        &format!("{path}/invitations"),
        &by.access_token,
        Some(body),
    )
    .await
}

async fn accept(api: &Api, who: &TestUser, token: &str) -> Resp {
    let body = json!({ "token": token });
    api.send_as(
        "POST",
        "/v1/invitations/accept",
        &who.access_token,
        Some(body),
    )
    .await
}

on_both_backends!(
    the_invited_address_joins_once_with_the_role_it_was_given,
    |api| {
        let owner = api.user().await;
        let invited = api.user().await;
        let path = api.workspace(&owner).await;
        let sent = invite(&api, &owner, &path, &invited.email, "editor").await;
        assert_eq!(sent.status, 201, "{}", sent.body);
        let invitation = &sent.body["invitation"];
        assert_eq!(
            (invitation["email"].as_str(), invitation["role"].as_str()),
            (Some(invited.email.as_str()), Some("editor"))
        );
        assert_eq!(invitation["invited_by"].as_str(), Some(owner.id.as_str()));
        let pending = api
            .get_as(&format!("{path}/invitations"), &owner.access_token)
            .await;
        assert_eq!(pending.body["items"], json!([invitation]));
        let again = invite(&api, &owner, &path, &invited.email, "viewer").await;
        assert_eq!(
            (again.status, again.code()),
            (409, "conflict"),
            "already invited"
        );

        let token = api.token_from_email(&invited.email, SUBJECT, 1).await;
        let stranger = api.user().await;
        let wrong = accept(&api, &stranger, &token).await;
        assert_eq!(
            (wrong.status, wrong.code()),
            (403, "forbidden"),
            "another address"
        );
        let res = accept(&api, &invited, &token).await;
        assert_eq!(res.status, 200, "{}", res.body);
        assert_eq!(res.body["workspace"]["role"].as_str(), Some("editor"));
        assert_eq!(res.body["workspace"]["member_count"].as_u64(), Some(2));
        let reused = accept(&api, &invited, &token).await;
        assert_eq!((reused.status, reused.code()), (400, "invalid_token"));
        let seen = api.get_as(&path, &invited.access_token).await;
        assert_eq!(seen.status, 200);
        let member_again = invite(&api, &owner, &path, &invited.email, "viewer").await;
        assert_eq!(member_again.status, 409, "already a member");
    }
);

on_both_backends!(a_revoked_invitation_link_no_longer_works, |api| {
    let owner = api.user().await;
    let invited = api.user().await;
    let path = api.workspace(&owner).await;
    let sent = invite(&api, &owner, &path, &invited.email, "viewer").await;
    let id = sent.body["invitation"]["id"].as_str().unwrap();
    let revoke = format!("{path}/invitations/{id}");
    let revoked = api
        .send_as("DELETE", &revoke, &owner.access_token, None)
        .await;
    assert_eq!(revoked.status, 204);
    let token = api.token_from_email(&invited.email, SUBJECT, 1).await;
    let res = accept(&api, &invited, &token).await;
    assert_eq!((res.status, res.code()), (400, "invalid_token"));
    let twice = api
        .send_as("DELETE", &revoke, &owner.access_token, None)
        .await;
    assert_eq!(twice.status, 404);
    let hidden = api.get_as(&path, &invited.access_token).await;
    assert_eq!(hidden.status, 404);
});

on_both_backends!(each_workspace_role_is_held_to_its_place, |api| {
    let owner = api.user().await;
    let admin = api.user().await;
    let viewer = api.user().await;
    let path = api.workspace(&owner).await;
    api.join(&owner, &path, &admin, "admin").await;
    api.join(&owner, &path, &viewer, "viewer").await;

    let too_high = invite(&api, &admin, &path, "boss@example.com", "owner").await;
    assert_eq!(too_high.status, 403, "a role above the inviter's own");
    let by_viewer = invite(&api, &viewer, &path, "friend@example.com", "viewer").await;
    assert_eq!(by_viewer.status, 403);
    let listed = api
        .get_as(&format!("{path}/invitations"), &viewer.access_token)
        .await;
    assert_eq!(listed.status, 403);
    let rename = api
        .send_as(
            "PATCH",
            &path,
            &admin.access_token,
            Some(json!({ "name": "Mine" })),
        )
        .await;
    assert_eq!(rename.status, 403, "owners rename");

    let owner_path = format!("{path}/members/{}", owner.id);
    let depose = api
        .send_as("DELETE", &owner_path, &admin.access_token, None)
        .await;
    assert_eq!(depose.status, 403, "an admin cannot remove an owner");
    let viewer_path = format!("{path}/members/{}", viewer.id);
    let promoted = api
        .send_as(
            "PATCH",
            &viewer_path,
            &admin.access_token,
            Some(json!({ "role": "editor" })),
        )
        .await;
    assert_eq!(promoted.body["member"]["role"].as_str(), Some("editor"));
    assert_eq!(
        promoted.body["member"]["user"]["email"].as_str(),
        Some(viewer.email.as_str())
    );
    let members = api
        .get_as(&format!("{path}/members"), &viewer.access_token)
        .await;
    assert_eq!(members.body["items"].as_array().map(Vec::len), Some(3));

    let left = api
        .send_as("DELETE", &viewer_path, &viewer.access_token, None)
        .await;
    assert_eq!(left.status, 204, "a member leaves");
    assert_eq!(api.get_as(&path, &viewer.access_token).await.status, 404);
    let mine = api.get_as("/v1/workspaces", &viewer.access_token).await;
    assert_eq!(mine.body["items"], json!([]));
});

on_both_backends!(an_invitation_link_expires_after_seven_days, |api| {
    let owner = api.user().await;
    let invited = api.user().await;
    let path = api.workspace(&owner).await;
    let sent = invite(&api, &owner, &path, &invited.email, "viewer").await;
    assert_eq!(sent.status, 201, "{}", sent.body);
    let token = api.token_from_email(&invited.email, SUBJECT, 1).await;
    api.clock.advance_secs(7 * 86_400);
    let invited = api.logged_in(&invited.email, &invited.password).await;
    let late = accept(&api, &invited, &token).await;
    assert_eq!((late.status, late.code()), (400, "invalid_token"));
    let owner = api.logged_in(&owner.email, &owner.password).await;
    let pending = api
        .get_as(&format!("{path}/invitations"), &owner.access_token)
        .await;
    assert_eq!(
        pending.body["items"],
        json!([]),
        "an expired invitation is not pending"
    );
    let again = invite(&api, &owner, &path, &invited.email, "viewer").await;
    assert_eq!(again.status, 201, "the address may be invited anew");
});
