//! Workspace, membership and invitation items, and the writes that keep
//! the counts.

use think_tank_core::domain::{
    Invitation, Membership, UserId, Workspace, WorkspaceId, WorkspaceRole,
};

use super::super::item::*;
use super::super::keys::{self, GSI2};
use super::super::transact::Write;

const OWNER: WorkspaceRole = WorkspaceRole::Owner;

pub(super) fn workspace_to_item(w: &Workspace) -> Item {
    let mut item = keys::workspace(&w.id);
    item.insert("id".into(), s(&w.id));
    item.insert("name".into(), s(&w.name));
    item.insert("created_at".into(), n(w.created_at.0));
    item.insert("members".into(), n(w.member_count));
    item.insert("owners".into(), n(w.owner_count));
    item
}

pub(super) fn workspace_from(item: &Item) -> anyhow::Result<Workspace> {
    Ok(Workspace {
        id: require_s(item, "id")?.into(),
        name: require_s(item, "name")?,
        created_at: require_time(item, "created_at")?,
        member_count: require_n(item, "members")?.try_into()?,
        owner_count: require_n(item, "owners")?.try_into()?,
    })
}

/// Where a membership sorts in its user's newest-first listing.
pub(super) fn position(m: &Membership) -> String {
    format!("{:013}#{}", m.joined_at.0, m.workspace_id)
}

pub(super) fn member_to_item(m: &Membership) -> Item {
    let mut item = keys::member(&m.workspace_id, &m.user_id);
    item.insert("workspace_id".into(), s(&m.workspace_id));
    item.insert("user_id".into(), s(&m.user_id));
    item.insert("role".into(), s(m.role.as_str()));
    item.insert("joined_at".into(), n(m.joined_at.0));
    item.extend(keys::index_entry(
        GSI2,
        &keys::memberships_of(&m.user_id),
        &position(m),
    ));
    item
}

pub(in crate::aws::dynamo) fn member_from(item: &Item) -> anyhow::Result<Membership> {
    let role = require_s(item, "role")?;
    Ok(Membership {
        workspace_id: require_s(item, "workspace_id")?.into(),
        user_id: require_s(item, "user_id")?.into(),
        role: WorkspaceRole::parse(&role).map_err(anyhow::Error::msg)?,
        joined_at: require_time(item, "joined_at")?,
    })
}

/// One more (or one fewer) workspace for `user`; joining is refused at the cap.
pub(super) fn count_change(user: &UserId, delta: i64, max_per_user: u32) -> Write {
    let write = Write::update(keys::workspace_count(user), "ADD #n :delta")
        .name("#n", "n")
        .value(":delta", n(delta));
    match delta > 0 {
        // A missing count is zero: below any cap but a cap of zero.
        true if max_per_user == 0 => write.condition("#n < :max").value(":max", n(0)),
        true => write
            .condition("attribute_not_exists(#n) OR #n < :max")
            .value(":max", n(max_per_user)),
        false => write,
    }
}

/// The workspace's counts after `member` joins (+1) or leaves (-1).
pub(super) fn counts_change(workspace: &WorkspaceId, role: WorkspaceRole, delta: i64) -> Write {
    let owners = if role == OWNER { delta } else { 0 };
    let write = Write::update(keys::workspace(workspace), "ADD members :m, owners :o")
        .value(":m", n(delta))
        .value(":o", n(owners));
    match owners < 0 {
        true => write
            .condition("attribute_exists(pk) AND owners > :one")
            .value(":one", n(1)),
        false => write.condition("attribute_exists(pk)"),
    }
}

pub(super) fn owner_count_change(workspace: &WorkspaceId, delta: i64) -> Write {
    let write = Write::update(keys::workspace(workspace), "ADD owners :o").value(":o", n(delta));
    match delta < 0 {
        true => write
            .condition("attribute_exists(pk) AND owners > :one")
            .value(":one", n(1)),
        false => write.condition("attribute_exists(pk)"),
    }
}

pub(super) fn invitation_to_item(i: &Invitation) -> Item {
    let mut item = keys::invitation(&i.workspace_id, &i.id);
    item.insert("id".into(), s(&i.id));
    item.insert("workspace_id".into(), s(&i.workspace_id));
    item.insert("email".into(), s(&i.email));
    item.insert("role".into(), s(i.role.as_str()));
    item.insert("invited_by".into(), s(&i.invited_by));
    item.insert("created_at".into(), n(i.created_at.0));
    item.insert("token_hash".into(), s(&i.token_hash));
    item.insert(keys::TTL.into(), n(i.expires_at.0));
    item
}

pub(super) fn invitation_from(item: &Item) -> anyhow::Result<Invitation> {
    let role = require_s(item, "role")?;
    Ok(Invitation {
        id: require_s(item, "id")?,
        workspace_id: require_s(item, "workspace_id")?.into(),
        email: require_s(item, "email")?,
        role: WorkspaceRole::parse(&role).map_err(anyhow::Error::msg)?,
        invited_by: require_s(item, "invited_by")?.into(),
        created_at: require_time(item, "created_at")?,
        expires_at: require_time(item, keys::TTL)?,
        token_hash: require_s(item, "token_hash")?,
    })
}

/// An item that points at the invitation, living as long as it.
pub(super) fn invitation_pointer(mut key: Item, i: &Invitation) -> Item {
    key.insert("id".into(), s(&i.id));
    key.insert("workspace_id".into(), s(&i.workspace_id));
    key.insert(keys::TTL.into(), n(i.expires_at.0));
    key
}
