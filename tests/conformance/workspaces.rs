use think_tank_core::clock::UnixMillis;
use think_tank_core::domain::{
    Joining, Leaving, Membership, RoleChange, Task, TaskStatus, UserId, Workspace, WorkspaceId,
    WorkspaceRole,
};
use think_tank_core::ports::Store;

use crate::conformance;
use crate::support::NOW;

use WorkspaceRole::{Admin, Editor, Owner, Viewer};

conformance!(
    a_new_workspace_has_its_creator_as_its_only_owner,
    a_user_belongs_to_no_more_workspaces_than_the_cap,
    the_last_owner_can_neither_leave_nor_be_demoted,
    a_change_from_a_role_the_member_no_longer_has_is_refused,
    two_owners_demoted_at_once_leave_one_owner,
    memberships_page_newest_first_and_members_by_user,
    a_deleted_workspace_is_gone_at_once_and_purged_in_batches,
);

const CAP: u32 = 100;

fn workspace(name: &str) -> Workspace {
    Workspace {
        id: WorkspaceId::generate(),
        name: name.into(),
        created_at: NOW.to_millis(),
        member_count: 1,
        owner_count: 1,
    }
}

fn member(workspace: &Workspace, user: &UserId, role: WorkspaceRole, at: i64) -> Membership {
    Membership {
        workspace_id: workspace.id.clone(),
        user_id: user.clone(),
        role,
        joined_at: UnixMillis(NOW.to_millis().0 + at),
    }
}

/// A workspace created by a new user, who is returned with it.
async fn created(store: &dyn Store, name: &str) -> (Workspace, UserId) {
    let (ws, owner) = (workspace(name), UserId::generate());
    let joined = store
        .create_workspace(&ws, &member(&ws, &owner, Owner, 0), CAP)
        .await
        .unwrap();
    assert_eq!(joined, Joining::Joined);
    (ws, owner)
}

async fn counts(store: &dyn Store, ws: &Workspace) -> (u32, u32) {
    let stored = store.workspace(&ws.id).await.unwrap().unwrap();
    (stored.member_count, stored.owner_count)
}

async fn a_new_workspace_has_its_creator_as_its_only_owner(store: &dyn Store) {
    let (ws, owner) = created(store, "Launch").await;
    assert_eq!(store.workspace(&ws.id).await.unwrap(), Some(ws.clone()));
    let membership = store.membership(&ws.id, &owner).await.unwrap().unwrap();
    assert_eq!(membership.role, Owner);
    let mine = store.memberships_of(&owner, None, 10).await.unwrap();
    assert_eq!(mine.items, vec![membership.clone()]);
    let members = store.members(&ws.id, None, 10).await.unwrap();
    assert_eq!(members.items, vec![membership]);
    let stranger = UserId::generate();
    assert_eq!(store.membership(&ws.id, &stranger).await.unwrap(), None);
}

async fn a_user_belongs_to_no_more_workspaces_than_the_cap(store: &dyn Store) {
    let user = UserId::generate();
    let first = workspace("first");
    let second = workspace("second");
    let owner_of = |ws: &Workspace| member(ws, &user, Owner, 0);
    let joined = store.create_workspace(&first, &owner_of(&first), 1).await;
    assert_eq!(joined.unwrap(), Joining::Joined);
    let refused = store.create_workspace(&second, &owner_of(&second), 1).await;
    assert_eq!(refused.unwrap(), Joining::TooMany);
    assert_eq!(
        store.workspace(&second.id).await.unwrap(),
        None,
        "nothing written"
    );
    let (other, _) = created(store, "other").await;
    let joining = member(&other, &user, Editor, 1);
    assert_eq!(
        store.add_member(&joining, 1).await.unwrap(),
        Joining::TooMany
    );
    assert_eq!(
        store.add_member(&joining, 2).await.unwrap(),
        Joining::Joined
    );
    assert_eq!(
        store.add_member(&joining, 3).await.unwrap(),
        Joining::AlreadyMember
    );
    assert_eq!(counts(store, &other).await, (2, 1));
    let left = store.remove_member(&other.id, &user, Editor).await.unwrap();
    assert_eq!(left, Leaving::Left);
    let again = store.create_workspace(&second, &owner_of(&second), 2).await;
    assert_eq!(again.unwrap(), Joining::Joined, "leaving frees a place");
}

async fn the_last_owner_can_neither_leave_nor_be_demoted(store: &dyn Store) {
    let (ws, first) = created(store, "Board").await;
    let demote = store.change_role(&ws.id, &first, Owner, Admin).await;
    assert_eq!(demote.unwrap(), RoleChange::LastOwner);
    let leave = store.remove_member(&ws.id, &first, Owner).await;
    assert_eq!(leave.unwrap(), Leaving::LastOwner);
    let second = UserId::generate();
    store
        .add_member(&member(&ws, &second, Editor, 1), CAP)
        .await
        .unwrap();
    let promote = store.change_role(&ws.id, &second, Editor, Owner).await;
    assert_eq!(promote.unwrap(), RoleChange::Changed);
    assert_eq!(counts(store, &ws).await, (2, 2));
    let demote = store.change_role(&ws.id, &first, Owner, Viewer).await;
    assert_eq!(demote.unwrap(), RoleChange::Changed);
    assert_eq!(counts(store, &ws).await, (2, 1));
    let leave = store.remove_member(&ws.id, &second, Owner).await;
    assert_eq!(leave.unwrap(), Leaving::LastOwner);
    assert_eq!(
        store.remove_member(&ws.id, &first, Viewer).await.unwrap(),
        Leaving::Left
    );
    assert_eq!(counts(store, &ws).await, (1, 1));
}

async fn a_change_from_a_role_the_member_no_longer_has_is_refused(store: &dyn Store) {
    let (ws, _) = created(store, "Board").await;
    let user = UserId::generate();
    store
        .add_member(&member(&ws, &user, Editor, 1), CAP)
        .await
        .unwrap();
    let stale = store.change_role(&ws.id, &user, Viewer, Admin).await;
    assert_eq!(stale.unwrap(), RoleChange::Stale);
    let stale = store.remove_member(&ws.id, &user, Admin).await;
    assert_eq!(stale.unwrap(), Leaving::Stale);
    let stranger = UserId::generate();
    let gone = store.change_role(&ws.id, &stranger, Editor, Admin).await;
    assert_eq!(gone.unwrap(), RoleChange::Stale);
    let gone = store.remove_member(&ws.id, &stranger, Editor).await;
    assert_eq!(gone.unwrap(), Leaving::Stale);
    assert_eq!(counts(store, &ws).await, (2, 1), "nothing moved");
}

async fn two_owners_demoted_at_once_leave_one_owner(store: &dyn Store) {
    let (ws, first) = created(store, "Board").await;
    let second = UserId::generate();
    store
        .add_member(&member(&ws, &second, Owner, 1), CAP)
        .await
        .unwrap();
    let (a, b) = tokio::join!(
        store.change_role(&ws.id, &first, Owner, Editor),
        store.change_role(&ws.id, &second, Owner, Editor),
    );
    let mut outcomes = [a.unwrap(), b.unwrap()];
    outcomes.sort_by_key(|o| format!("{o:?}"));
    assert_eq!(outcomes, [RoleChange::Changed, RoleChange::LastOwner]);
    assert_eq!(counts(store, &ws).await, (2, 1));
}

async fn memberships_page_newest_first_and_members_by_user(store: &dyn Store) {
    let user = UserId::generate();
    let mut joined = Vec::new();
    for at in 1..=3 {
        let (ws, _) = created(store, &format!("ws {at}")).await;
        let m = member(&ws, &user, Viewer, at);
        store.add_member(&m, CAP).await.unwrap();
        joined.push(m);
    }
    let first = store.memberships_of(&user, None, 2).await.unwrap();
    assert_eq!(first.items, vec![joined[2].clone(), joined[1].clone()]);
    let rest = store
        .memberships_of(&user, first.next.as_deref(), 2)
        .await
        .unwrap();
    assert_eq!((rest.items, rest.next), (vec![joined[0].clone()], None));

    let (ws, owner) = created(store, "Team").await;
    let mut users = vec![owner];
    for at in 1..=2 {
        let user = UserId::generate();
        store
            .add_member(&member(&ws, &user, Editor, at), CAP)
            .await
            .unwrap();
        users.push(user);
    }
    users.sort();
    let first = store.members(&ws.id, None, 2).await.unwrap();
    let rest = store
        .members(&ws.id, first.next.as_deref(), 2)
        .await
        .unwrap();
    let listed: Vec<UserId> = first
        .items
        .iter()
        .chain(&rest.items)
        .map(|m| m.user_id.clone())
        .collect();
    assert_eq!((listed, rest.next), (users, None));
}

async fn a_deleted_workspace_is_gone_at_once_and_purged_in_batches(store: &dyn Store) {
    let (ws, owner) = created(store, "Old name").await;
    let renamed = store.rename_workspace(&ws.id, "New name").await.unwrap();
    assert_eq!(renamed.map(|w| w.name), Some("New name".to_string()));
    let others: Vec<UserId> = (0..3).map(|_| UserId::generate()).collect();
    for (at, user) in others.iter().enumerate() {
        let m = member(&ws, user, Editor, at as i64 + 1);
        store.add_member(&m, 1).await.unwrap();
    }
    for title in ["one", "two", "three"] {
        let task = Task {
            title: title.into(),
            ..crate::tasks::task_in(&ws.id, owner.as_str(), TaskStatus::Todo)
        };
        store.create_task(&task).await.unwrap();
    }
    let (kept, _) = created(store, "Kept").await;
    let both = store.workspaces(&[ws.id.clone(), kept.id.clone()]).await;
    assert_eq!(both.unwrap().len(), 2);

    assert!(store.delete_workspace(&ws.id).await.unwrap());
    assert!(!store.delete_workspace(&ws.id).await.unwrap());
    assert_eq!(store.workspace(&ws.id).await.unwrap(), None);
    assert_eq!(store.rename_workspace(&ws.id, "x").await.unwrap(), None);
    let left = store.workspaces(&[ws.id.clone(), kept.id.clone()]).await;
    assert_eq!(left.unwrap(), vec![kept]);

    let mut rounds = 0;
    while !store.purge_workspace(&ws.id, 2).await.unwrap() {
        rounds += 1;
        assert!(rounds < 8, "the purge ends");
    }
    assert!(
        store.purge_workspace(&ws.id, 2).await.unwrap(),
        "and may be repeated"
    );
    assert!(store
        .members(&ws.id, None, 10)
        .await
        .unwrap()
        .items
        .is_empty());
    let mine = store.memberships_of(&owner, None, 10).await.unwrap();
    assert!(mine.items.is_empty());
    let tasks = store
        .list_tasks(&ws.id, &Default::default(), None, 10)
        .await;
    assert!(tasks.unwrap().items.is_empty(), "its tasks went with it");
    let again = workspace("Again");
    let joined = store
        .create_workspace(&again, &member(&again, &others[0], Owner, 9), 1)
        .await;
    assert_eq!(
        joined.unwrap(),
        Joining::Joined,
        "the purge freed their places"
    );
}
