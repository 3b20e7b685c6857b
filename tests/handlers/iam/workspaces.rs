//! The workspace routes in the story: a workspace made, read, renamed, a
//! member invited, joining, changed and removed, an invitation revoked,
//! then the workspace deleted and purged.

use serde_json::{json, Value};
use think_tank_core::ports::WorkspaceStore;
use workspaces::*;

use super::world::World;
use super::{mail_to, token_in, Tokens, OTHER_EMAIL};
use crate::fixtures::fixture;

/// The ids in the workspace fixtures.
const FIXTURE_WORKSPACE: &str = "01936f3e-0000-7000-8000-0000000000a1";
const FIXTURE_MEMBER: &str = "01936f3e-0000-7000-8000-0000000000b2";
const FIXTURE_INVITATION: &str = "01936f3e-0000-7000-8000-0000000000c3";

pub(super) fn event(
    name: &str,
    token: &str,
    workspace: &str,
    member: &str,
    body: Option<Value>,
) -> Value {
    let text = fixture(name)
        .to_string()
        .replace("REPLACE_WITH_ACCESS_TOKEN", token)
        .replace(FIXTURE_WORKSPACE, workspace)
        .replace(FIXTURE_MEMBER, member);
    let mut event: Value = serde_json::from_str(&text).unwrap();
    if let Some(body) = body {
        event["body"] = Value::String(body.to_string());
    }
    event
}

pub async fn workspaces(world: &mut World, tokens: &Tokens) {
    let owner = &tokens.admin;
    let name = json!({ "name": "IAM" });
    let created = world.send(WORKSPACE_CREATE, owner, Some(name), 201).await;
    let ws = created["workspace"]["id"].as_str().unwrap().to_string();
    world.send(WORKSPACES_LIST, owner, None, 200).await;
    let other = tokens.other_id.as_str();
    let at = |name, body| event(name, owner, &ws, other, body);
    world
        .call(WORKSPACE_GET, at("workspace-get", None), 200)
        .await;
    let rename = Some(json!({ "name": "IAM, renamed" }));
    let update = at("workspace-update", rename);
    world.call(WORKSPACE_UPDATE, update, 200).await;

    let invite = json!({ "email": OTHER_EMAIL, "role": "viewer" });
    world
        .call(
            INVITATION_CREATE,
            at("invitation-create", Some(invite)),
            201,
        )
        .await;
    world
        .call(INVITATIONS_LIST, at("invitations-list", None), 200)
        .await;
    world.run_email_worker().await;
    let token = token_in(&mail_to(world, OTHER_EMAIL, "Iam Admin invited you to"));
    let accept = fixture("invitation-accept")
        .to_string()
        .replace("REPLACE_WITH_ACCESS_TOKEN", &tokens.other)
        .replace("REPLACE_WITH_INVITATION_TOKEN", &token);
    let accept = serde_json::from_str(&accept).unwrap();
    world.call(INVITATION_ACCEPT, accept, 200).await;
    let revoked = json!({ "email": "iam-never@example.com", "role": "viewer" });
    let created = world
        .call(
            INVITATION_CREATE,
            at("invitation-create", Some(revoked)),
            201,
        )
        .await;
    let id = created["invitation"]["id"].as_str().unwrap();
    let revoke = at("invitation-revoke", None)
        .to_string()
        .replace(FIXTURE_INVITATION, id);
    world
        .call(
            INVITATION_REVOKE,
            serde_json::from_str(&revoke).unwrap(),
            204,
        )
        .await;
    world
        .call(MEMBERS_LIST, at("members-list", None), 200)
        .await;
    // The member's socket has gone: the member.* push finds it gone and forgets it.
    super::paths::vanished_socket(world, &tokens.other, "member").await;
    let promote = at("member-update", Some(json!({ "role": "editor" })));
    world.call(MEMBER_UPDATE, promote, 200).await;
    world
        .call(MEMBER_REMOVE, at("member-remove", None), 204)
        .await;
    world
        .call(WORKSPACE_DELETE, at("workspace-delete", None), 204)
        .await;
    world.run_email_worker().await;
    let left = world.store().members(&ws.as_str().into(), None, 10).await;
    assert!(
        left.unwrap().items.is_empty(),
        "the worker purged the members"
    );
}

/// A workspace of the admin's that the other user belongs to, joined outside
/// any function (the invitation routes have their own step).
pub async fn shared_with_other(world: &mut World, tokens: &Tokens) -> String {
    let name = json!({ "name": "IAM chat" });
    let created = world
        .send(WORKSPACE_CREATE, &tokens.admin, Some(name), 201)
        .await;
    let ws = created["workspace"]["id"].as_str().unwrap().to_string();
    let member = think_tank_core::domain::Membership {
        workspace_id: ws.as_str().into(),
        user_id: tokens.other_id.as_str().into(),
        role: think_tank_core::domain::WorkspaceRole::Viewer,
        joined_at: think_tank_core::clock::UnixMillis(1_800_000_000_000),
    };
    world.store().add_member(&member, 100).await.unwrap();
    ws
}
