//! Invitations: the invitation under its workspace, a claim that keeps one
//! live invitation per address, and a pointer from the link token's hash.
//! Accepting deletes all three and adds the member in one transaction.

use think_tank_core::clock::UnixSecs;
use think_tank_core::domain::{Acceptance, Invitation, Membership, WorkspaceId};
use think_tank_core::error::StoreResult;

use super::super::item::*;
use super::super::keys;
use super::super::transact::{Tx, Write};
use super::super::DynamoStore;
use super::items::*;

/// A new item, or one whose time is up (DynamoDB's TTL deletes late).
fn put_fresh(item: Item, now: UnixSecs) -> Write {
    Write::put(item)
        .condition("attribute_not_exists(pk) OR #ttl <= :now")
        .name("#ttl", keys::TTL)
        .value(":now", n(now.0))
}

impl DynamoStore {
    pub(super) async fn put_invitation(&self, i: &Invitation, now: UnixSecs) -> StoreResult<bool> {
        let claim = invitation_pointer(keys::invited(&i.workspace_id, &i.email), i);
        let pointer = invitation_pointer(keys::invitation_token(&i.token_hash), i);
        let tx = Tx::new()
            .with(Write::put_new(invitation_to_item(i)))
            .with(Write::put_new(pointer))
            .with(put_fresh(claim, now));
        Ok(self.transact(tx, "create invitation").await?.is_none())
    }

    pub(super) async fn live_invitation(
        &self,
        key: Item,
        now: UnixSecs,
    ) -> StoreResult<Option<Invitation>> {
        let item = self.get(key).await?;
        let found = item.as_ref().map(invitation_from).transpose()?;
        Ok(found.filter(|i| i.is_live(now)))
    }

    /// Follows a pointer item (claim or token) to its live invitation.
    pub(super) async fn pointed_invitation(
        &self,
        pointer: Item,
        now: UnixSecs,
    ) -> StoreResult<Option<Invitation>> {
        let Some(item) = self.get(pointer).await? else {
            return Ok(None);
        };
        if !is_live(&item, now) {
            return Ok(None);
        }
        let (Some(ws), Some(id)) = (get_s(&item, "workspace_id"), get_s(&item, "id")) else {
            return Ok(None);
        };
        self.live_invitation(keys::invitation(&ws, &id), now).await
    }

    pub(super) async fn live_invitations(
        &self,
        workspace: &WorkspaceId,
        now: UnixSecs,
    ) -> StoreResult<Vec<Invitation>> {
        let (pk, prefix) = keys::invitations_of(workspace);
        let items = self.query_prefix(pk, prefix).await?;
        let all = items
            .iter()
            .map(invitation_from)
            .collect::<anyhow::Result<Vec<_>>>()?;
        Ok(all.into_iter().filter(|i| i.is_live(now)).collect())
    }

    pub(super) async fn delete_invitation(&self, i: &Invitation) -> StoreResult<bool> {
        let tx = Tx::new()
            .with(
                Write::delete(keys::invitation(&i.workspace_id, &i.id))
                    .condition("attribute_exists(pk)"),
            )
            .with(Write::delete(keys::invitation_token(&i.token_hash)))
            .with(Write::delete(keys::invited(&i.workspace_id, &i.email)));
        Ok(self.transact(tx, "revoke invitation").await?.is_none())
    }

    pub(super) async fn use_invitation(
        &self,
        i: &Invitation,
        member: &Membership,
        max_per_user: u32,
        now: UnixSecs,
    ) -> StoreResult<Acceptance> {
        let used = Write::delete(keys::invitation(&i.workspace_id, &i.id))
            .condition("attribute_exists(pk) AND #ttl > :now")
            .name("#ttl", keys::TTL)
            .value(":now", n(now.0));
        let tx = Tx::new()
            .with(used)
            .with(Write::delete(keys::invitation_token(&i.token_hash)))
            .with(Write::delete(keys::invited(&i.workspace_id, &i.email)))
            .with(Write::put_new(member_to_item(member)))
            .with(counts_change(&member.workspace_id, member.role, 1))
            .with(count_change(&member.user_id, 1, max_per_user));
        Ok(match self.transact(tx, "accept invitation").await? {
            None => Acceptance::Joined,
            Some(lost) if lost[0] => Acceptance::Gone,
            Some(lost) if lost[3] => Acceptance::AlreadyMember,
            Some(lost) if lost[4] => Acceptance::NoWorkspace,
            Some(_) => Acceptance::TooMany,
        })
    }
}
