//! Workspaces and their members, through the service: who may see and change
//! what, and the last owner.

use think_tank_core::app::Mail;
use think_tank_core::clock::SystemClock;
use think_tank_core::domain::{Email, Membership, UserId, WorkspaceId, WorkspaceRole};
use think_tank_core::email::{EmailJob, EmailKind};
use think_tank_core::error::{ApiError, RequestError, WorkspaceError};
use think_tank_core::services::mail::{Delivery, Dispatch};
use think_tank_core::services::sessions::IssuedSession;
use think_tank_core::services::workspaces::{workspace_name, WorkspaceView, Workspaces};
use think_tank_core::App;

use local_adapters::memory::MemoryQueue;
use shared::config::{LocalConfig, MissingSecrets};
use shared::Config;
use std::sync::Arc;

use crate::services::{app_with_clock, claim, refused, signed_in};

use WorkspaceRole::{Admin, Editor, Owner, Viewer};

fn is(error: &ApiError, expected: WorkspaceError) -> bool {
    matches!(error, ApiError::Workspace(e) if std::mem::discriminant(e) == std::mem::discriminant(&expected))
}

pub(crate) fn user_of(issued: &IssuedSession) -> UserId {
    issued.user.id.clone()
}

pub(crate) async fn create(app: &App, owner: &IssuedSession, name: &str) -> WorkspaceView {
    let workspaces = app.service::<Workspaces>();
    workspaces
        .create(claim(app, owner), name.to_string())
        .await
        .unwrap()
}

/// Adds `member` directly, as an accepted invitation will.
pub(crate) async fn join(app: &App, ws: &WorkspaceId, member: &IssuedSession, role: WorkspaceRole) {
    let membership = Membership {
        workspace_id: ws.clone(),
        user_id: user_of(member),
        role,
        joined_at: app.core.clock.now_ms(),
    };
    app.core.store.add_member(&membership, 100).await.unwrap();
}

#[tokio::test]
async fn a_new_workspace_has_its_creator_as_owner_and_does_not_exist_for_strangers() {
    let (app, _) = app_with_clock();
    let owner = signed_in(&app, "ws-owner@example.com").await;
    let stranger = signed_in(&app, "ws-stranger@example.com").await;
    let created = create(&app, &owner, "Launch").await;
    assert_eq!((created.role, created.member_count), (Owner, 1));
    let workspaces = app.service::<Workspaces>();
    let mine = workspaces
        .mine(claim(&app, &owner), None, 10)
        .await
        .unwrap();
    assert_eq!(mine.items, vec![created.clone()]);

    let hidden = workspaces.read(claim(&app, &stranger), &created.id).await;
    assert!(is(&refused(hidden), WorkspaceError::NotFound));
    let missing = workspaces
        .read(claim(&app, &stranger), &WorkspaceId::generate())
        .await;
    assert!(
        is(&refused(missing), WorkspaceError::NotFound),
        "the same answer"
    );
    let theirs = workspaces
        .mine(claim(&app, &stranger), None, 10)
        .await
        .unwrap();
    assert!(theirs.items.is_empty());
}

#[tokio::test]
async fn each_role_may_do_what_its_place_allows_and_no_more() {
    let (app, _) = app_with_clock();
    let owner = signed_in(&app, "roles-owner@example.com").await;
    let admin = signed_in(&app, "roles-admin@example.com").await;
    let editor = signed_in(&app, "roles-editor@example.com").await;
    let viewer = signed_in(&app, "roles-viewer@example.com").await;
    let ws = create(&app, &owner, "Team").await.id;
    join(&app, &ws, &admin, Admin).await;
    join(&app, &ws, &editor, Editor).await;
    join(&app, &ws, &viewer, Viewer).await;
    let workspaces = app.service::<Workspaces>();

    let seen = workspaces.read(claim(&app, &viewer), &ws).await.unwrap();
    assert_eq!((seen.role, seen.member_count), (Viewer, 4));
    let members = workspaces
        .members(claim(&app, &viewer), &ws, None, 10)
        .await;
    assert_eq!(members.unwrap().items.len(), 4);
    let rename = workspaces.rename(claim(&app, &admin), &ws, "Mine").await;
    assert!(
        is(&refused(rename), WorkspaceError::NotAllowed),
        "owners rename"
    );
    let by_viewer = workspaces
        .change_role(claim(&app, &viewer), &ws, &user_of(&editor), Viewer)
        .await;
    assert!(is(&refused(by_viewer), WorkspaceError::NotAllowed));

    let demoted = workspaces
        .change_role(claim(&app, &admin), &ws, &user_of(&editor), Viewer)
        .await
        .unwrap();
    assert_eq!(demoted.role, Viewer);
    let crown = workspaces
        .change_role(claim(&app, &admin), &ws, &user_of(&viewer), Owner)
        .await;
    assert!(
        is(&refused(crown), WorkspaceError::NotAllowed),
        "an admin makes no owner"
    );
    let depose = workspaces
        .remove_member(claim(&app, &admin), &ws, &user_of(&owner))
        .await;
    assert!(
        is(&refused(depose), WorkspaceError::NotAllowed),
        "nor removes one"
    );
    let removed = workspaces
        .remove_member(claim(&app, &admin), &ws, &user_of(&viewer))
        .await;
    assert_eq!(removed.unwrap().role, Viewer);
    let gone = workspaces.read(claim(&app, &viewer), &ws).await;
    assert!(
        is(&refused(gone), WorkspaceError::NotFound),
        "a removed member sees nothing"
    );

    let renamed = workspaces.rename(claim(&app, &owner), &ws, "Ours").await;
    assert_eq!(renamed.unwrap().name, "Ours");
}

#[tokio::test]
async fn the_last_owner_can_neither_leave_nor_step_down_but_others_can_leave() {
    let (app, _) = app_with_clock();
    let owner = signed_in(&app, "last-owner@example.com").await;
    let editor = signed_in(&app, "last-editor@example.com").await;
    let ws = create(&app, &owner, "Solo").await.id;
    join(&app, &ws, &editor, Editor).await;
    let workspaces = app.service::<Workspaces>();
    let me = user_of(&owner);

    let leave = workspaces
        .remove_member(claim(&app, &owner), &ws, &me)
        .await;
    assert!(is(&refused(leave), WorkspaceError::LastOwner));
    let step_down = workspaces
        .change_role(claim(&app, &owner), &ws, &me, Admin)
        .await;
    assert!(is(&refused(step_down), WorkspaceError::LastOwner));

    let left = workspaces
        .remove_member(claim(&app, &editor), &ws, &user_of(&editor))
        .await;
    assert_eq!(left.unwrap().role, Editor, "any member may leave");
    let after = workspaces.read(claim(&app, &owner), &ws).await.unwrap();
    assert_eq!(after.member_count, 1);
}

/// The in-memory app and its queue.
fn app_and_queue() -> (Arc<App>, Arc<MemoryQueue>) {
    let vars = Default::default();
    let config = Config::from_map(&vars, MissingSecrets::GenerateEphemeral).unwrap();
    let local = LocalConfig::from_map(&vars).unwrap();
    let (app, queue) = local_adapters::in_memory(config, &local, Arc::new(SystemClock));
    (Arc::new(app), queue)
}

#[tokio::test]
async fn a_deleted_workspace_is_gone_at_once_and_purged_by_the_worker() {
    let (app, queue) = app_and_queue();
    let owner = signed_in(&app, "delete-owner@example.com").await;
    let editor = signed_in(&app, "delete-editor@example.com").await;
    let ws = create(&app, &owner, "Temporary").await.id;
    join(&app, &ws, &editor, Editor).await;
    let workspaces = app.service::<Workspaces<Mail>>();

    let queued = queue.pending();
    let by_editor = workspaces.delete(claim(&app, &editor), &ws).await;
    assert!(is(&refused(by_editor), WorkspaceError::NotAllowed));
    assert_eq!(queue.pending(), queued, "a refused delete queues nothing");
    workspaces.delete(claim(&app, &owner), &ws).await.unwrap();
    for member in [&owner, &editor] {
        let read = workspaces.read(claim(&app, member), &ws).await;
        assert!(is(&refused(read), WorkspaceError::NotFound));
        let mine = workspaces
            .mine(claim(&app, member), None, 10)
            .await
            .unwrap();
        assert!(mine.items.is_empty());
    }

    let jobs = queue.receive(10);
    let purges: Vec<_> = jobs
        .iter()
        .filter(|j| j.body.contains("workspace_purge"))
        .collect();
    assert_eq!(purges.len(), 1, "one purge job");
    let delivered = app
        .service::<Dispatch>()
        .deliver_email(&purges[0].body)
        .await;
    assert_eq!(delivered.unwrap(), Delivery::Sent);
    let store = &app.core.store;
    assert!(store.members(&ws, None, 10).await.unwrap().items.is_empty());
    let left = store.memberships_of(&user_of(&editor), None, 10).await;
    assert!(
        left.unwrap().items.is_empty(),
        "the editor's place is freed"
    );
}

#[tokio::test]
async fn a_purge_job_leaves_a_live_workspace_alone() {
    let (app, _) = app_and_queue();
    let owner = signed_in(&app, "purge-live@example.com").await;
    let ws = create(&app, &owner, "Alive").await.id;
    let job = EmailJob::new(
        "",
        EmailKind::WorkspacePurge {
            workspace_id: ws.to_string(),
        },
    );
    let body = serde_json::to_string(&job).unwrap();
    let refused = app.service::<Dispatch>().deliver_email(&body).await;
    assert!(refused.is_err(), "left for a retry");
    let members = app.core.store.members(&ws, None, 10).await.unwrap();
    assert_eq!(members.items.len(), 1);
}

#[test]
fn a_workspace_name_is_one_to_a_hundred_characters_once_trimmed() {
    assert_eq!(workspace_name("  Launch  ").unwrap(), "Launch");
    assert!(workspace_name("   ").is_err());
    assert!(workspace_name(&"x".repeat(101)).is_err());
    assert!(workspace_name(&"é".repeat(100)).is_ok());
}

#[tokio::test]
async fn a_workspace_sends_at_most_twenty_invitations_an_hour() {
    let (app, _) = app_and_queue();
    let owner = signed_in(&app, "invite-budget@example.com").await;
    let ws = create(&app, &owner, "Busy").await.id;
    let workspaces = app.service::<Workspaces<Mail>>();
    let invite = |n: usize| {
        let email = Email::parse(&format!("guest-{n}@example.com")).unwrap();
        workspaces.invite(claim(&app, &owner), &ws, email, Viewer)
    };
    for n in 0..20 {
        invite(n).await.unwrap();
    }
    let refused = refused(invite(20).await);
    assert!(
        matches!(refused, ApiError::Request(RequestError::RateLimited { .. })),
        "{refused:?}"
    );
    let pending = workspaces
        .invitations(claim(&app, &owner), &ws)
        .await
        .unwrap();
    assert_eq!(pending.len(), 20);
}
