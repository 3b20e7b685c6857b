//! The workspace routes in the story: a workspace made, read, renamed, a
//! member changed and removed, then the workspace deleted and purged.

use serde_json::{json, Value};
use think_tank_core::clock::UnixMillis;
use think_tank_core::domain::Membership;
use think_tank_core::ports::WorkspaceStore;
use workspaces::*;

use super::world::World;
use super::Tokens;
use crate::fixtures::fixture;

/// The ids in the workspace fixtures.
const FIXTURE_WORKSPACE: &str = "01936f3e-0000-7000-8000-0000000000a1";
const FIXTURE_MEMBER: &str = "01936f3e-0000-7000-8000-0000000000b2";

fn event(name: &str, token: &str, workspace: &str, member: &str, body: Option<Value>) -> Value {
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

    // Invitations are not routes yet: the other user joins outside any function.
    let member = Membership {
        workspace_id: ws.as_str().into(),
        user_id: other.into(),
        role: think_tank_core::domain::WorkspaceRole::Viewer,
        joined_at: UnixMillis(1_800_000_000_000),
    };
    world.store().add_member(&member, 100).await.unwrap();
    world
        .call(MEMBERS_LIST, at("members-list", None), 200)
        .await;
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
