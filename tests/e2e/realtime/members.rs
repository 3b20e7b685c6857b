//! `member.*` events: every member's sockets hear who joins, changes role or
//! leaves; a removed member hears `member.removed`, then nothing of the
//! workspace.

use super::chat::shared_workspace;
use super::*;

on_both_backends!(members_hear_who_joins_changes_and_leaves, |api| {
    let owner = api.user().await;
    let joiner = api.user().await;
    let ws = shared_workspace(&api, &[&owner]).await;
    let mut watching = connected(&api, &owner).await;
    let mut joining = connected(&api, &joiner).await;
    let path = format!("/v1/workspaces/{ws}");
    let invite = Some(json!({ "email": joiner.email, "role": "viewer" }));
    api.send_as(
        "POST",
        &format!("{path}/invitations"),
        &owner.access_token,
        invite,
    )
    .await;
    let token = api
        .token_from_email(&joiner.email, "Test User invited you to", 1)
        .await;
    let accept = Some(json!({ "token": token }));
    api.send_as(
        "POST",
        "/v1/invitations/accept",
        &joiner.access_token,
        accept,
    )
    .await;
    for socket in [&mut watching, &mut joining] {
        let added = next_join(socket, &joiner.id).await;
        assert_eq!(
            (added["type"].as_str(), added["workspace_id"].as_str()),
            (Some("member.added"), Some(ws.as_str()))
        );
        assert_eq!(
            added["member"]["user"]["id"].as_str(),
            Some(joiner.id.as_str())
        );
        assert!(added["event_id"].is_string());
    }

    let member = format!("{path}/members/{}", joiner.id);
    let role = Some(json!({ "role": "editor" }));
    api.send_as("PATCH", &member, &owner.access_token, role)
        .await;
    for socket in [&mut watching, &mut joining] {
        let updated = next(socket).await;
        assert_eq!(updated["type"], "member.updated");
        assert_eq!(updated["member"]["role"], "editor");
    }

    let removed = api
        .send_as("DELETE", &member, &owner.access_token, None)
        .await;
    assert_eq!(removed.status, 204);
    for socket in [&mut watching, &mut joining] {
        let gone = next(socket).await;
        assert_eq!(gone["type"], "member.removed");
        assert_eq!(
            gone["member"]["user"]["id"].as_str(),
            Some(joiner.id.as_str())
        );
    }
    let chat = json!({ "action": "message", "workspace_id": ws, "text": "after" });
    send(&mut watching, chat).await;
    assert_eq!(next(&mut watching).await["text"], "after");
    let task = Some(json!({ "title": "After they left" }));
    let tasks = format!("{path}/tasks");
    api.send_as("POST", &tasks, &owner.access_token, task).await;
    assert_eq!(next(&mut watching).await["type"], "task.created");
    send(&mut joining, json!({ "action": "ping" })).await;
    assert_eq!(
        next(&mut joining).await["type"],
        "pong",
        "nothing of the workspace after member.removed"
    );
});
