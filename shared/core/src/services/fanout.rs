//! Fan-out from the table's change feed: a committed task or membership
//! change becomes a `task.*` or `member.*` event for the connections of the
//! workspace's members. Writes never wait for their pushes; the feed (DynamoDB
//! Streams, or the memory store's own) delivers each change at least once, in
//! commit order per item, and the change's feed id is the event's `event_id`
//! so that a client can drop a repeat.

use serde_json::json;

use crate::app::{Absent, Core, Sockets};
use crate::domain::{Membership, Task};
use crate::error::ApiError;
use crate::services::members::MemberEvent;
use crate::services::realtime::TaskEvent;
use crate::services::workspaces::{MemberUser, MemberView};

/// What changed, as the feed reports it: the new item, or the old one of a removal.
#[derive(Clone, Debug, PartialEq)]
pub enum Change {
    Task(TaskEvent, Task),
    Member(MemberEvent, Membership),
}

/// One change and its id in the feed.
#[derive(Clone, Debug, PartialEq)]
pub struct ChangeRecord {
    pub event_id: String,
    pub change: Change,
}

/// Turns changes into pushes.
#[derive(Clone, Copy)]
pub struct FanOut<'a, S = Absent> {
    pub(super) core: &'a Core,
    pub(super) sockets: S,
}

crate::service!(FanOut { sockets: S });

impl FanOut<'_, Sockets<'_>> {
    /// Pushes the change's event; an error (a read, or a push that failed for
    /// another reason than a gone connection) asks the feed to deliver it again.
    pub async fn deliver(&self, record: &ChangeRecord) -> Result<(), ApiError> {
        let now = self.core.clock.now_secs();
        let (workspace, payload, also) = match &record.change {
            Change::Task(event, task) => {
                let payload = json!({
                    "type": event.name(),
                    "event_id": record.event_id,
                    "workspace_id": task.workspace_id,
                    "task": task,
                });
                (&task.workspace_id, payload, None)
            }
            Change::Member(event, membership) => {
                let Some(member) = self.view(membership).await? else {
                    return Ok(());
                };
                let payload = json!({
                    "type": event.name(),
                    "event_id": record.event_id,
                    "workspace_id": membership.workspace_id,
                    "member": member,
                });
                let removed = (*event == MemberEvent::Removed).then_some(&membership.user_id);
                (&membership.workspace_id, payload, removed)
            }
        };
        let mut to = self.sockets.workspace_connections(workspace, now).await?;
        if let Some(user) = also {
            to.extend(self.core.store.connections_of(user, now).await?);
        }
        self.sockets.deliver_to_all(to, &payload.to_string()).await
    }

    /// The member as the API shows one; `None` once the account is gone.
    async fn view(&self, membership: &Membership) -> Result<Option<MemberView>, ApiError> {
        let user = self.core.store.user_by_id(&membership.user_id).await?;
        Ok(user.map(|record| MemberView {
            user: MemberUser {
                id: record.user.id,
                name: record.user.name,
                email: record.user.email,
            },
            role: membership.role,
            joined_at: membership.joined_at,
        }))
    }
}
