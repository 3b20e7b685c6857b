use think_tank_core::clock::{UnixMillis, UnixSecs};
use think_tank_core::domain::{
    Acceptance, Invitation, Membership, UserId, Workspace, WorkspaceId, WorkspaceRole,
};
use think_tank_core::ports::Store;

use crate::conformance;
use crate::support::NOW;

conformance!(
    an_invitation_is_found_by_its_token_until_it_is_used,
    one_live_invitation_per_address_and_workspace,
    a_revoked_or_expired_invitation_no_longer_works,
    accepting_as_a_member_or_past_the_cap_leaves_the_invitation,
    a_purge_removes_the_invitations_too,
);

const WEEK: i64 = 7 * 86_400;

async fn workspace(store: &dyn Store) -> Workspace {
    let ws = Workspace {
        id: WorkspaceId::generate(),
        name: "Invites".into(),
        created_at: NOW.to_millis(),
        member_count: 1,
        owner_count: 1,
    };
    let owner = member(&ws.id, &UserId::generate(), WorkspaceRole::Owner);
    store.create_workspace(&ws, &owner, 100).await.unwrap();
    ws
}

fn member(ws: &WorkspaceId, user: &UserId, role: WorkspaceRole) -> Membership {
    Membership {
        workspace_id: ws.clone(),
        user_id: user.clone(),
        role,
        joined_at: UnixMillis(NOW.to_millis().0 + 1),
    }
}

fn invitation(ws: &Workspace, email: &str) -> Invitation {
    Invitation {
        id: think_tank_core::domain::new_id(),
        workspace_id: ws.id.clone(),
        email: email.into(),
        role: WorkspaceRole::Editor,
        invited_by: UserId::generate(),
        created_at: NOW.to_millis(),
        expires_at: NOW + WEEK,
        token_hash: format!("hash-{}", think_tank_core::domain::new_id()),
    }
}

async fn an_invitation_is_found_by_its_token_until_it_is_used(store: &dyn Store) {
    let ws = workspace(store).await;
    let inv = invitation(&ws, "ada@example.com");
    assert!(store.create_invitation(&inv, NOW).await.unwrap());
    let found = store
        .invitation_by_token(&inv.token_hash, NOW)
        .await
        .unwrap();
    assert_eq!(found, Some(inv.clone()));
    assert_eq!(
        store.invitation(&ws.id, &inv.id, NOW).await.unwrap(),
        Some(inv.clone())
    );
    assert_eq!(
        store.invitations(&ws.id, NOW).await.unwrap(),
        vec![inv.clone()]
    );
    assert!(store
        .is_invited(&ws.id, "ada@example.com", NOW)
        .await
        .unwrap());

    let joining = member(&ws.id, &UserId::generate(), inv.role);
    let accepted = store.accept_invitation(&inv, &joining, 100, NOW).await;
    assert_eq!(accepted.unwrap(), Acceptance::Joined);
    let again = store.accept_invitation(&inv, &joining, 100, NOW).await;
    assert_eq!(again.unwrap(), Acceptance::Gone, "single use");
    assert_eq!(
        store
            .invitation_by_token(&inv.token_hash, NOW)
            .await
            .unwrap(),
        None
    );
    assert!(store.invitations(&ws.id, NOW).await.unwrap().is_empty());
    assert!(!store
        .is_invited(&ws.id, "ada@example.com", NOW)
        .await
        .unwrap());
    let joined = store.membership(&ws.id, &joining.user_id).await.unwrap();
    assert_eq!(joined.map(|m| m.role), Some(WorkspaceRole::Editor));
    let counted = store.workspace(&ws.id).await.unwrap().unwrap();
    assert_eq!(counted.member_count, 2);
}

async fn one_live_invitation_per_address_and_workspace(store: &dyn Store) {
    let ws = workspace(store).await;
    let first = invitation(&ws, "bob@example.com");
    assert!(store.create_invitation(&first, NOW).await.unwrap());
    let second = invitation(&ws, "bob@example.com");
    assert!(!store.create_invitation(&second, NOW).await.unwrap());
    assert_eq!(
        store
            .invitation_by_token(&second.token_hash, NOW)
            .await
            .unwrap(),
        None
    );
    let other = workspace(store).await;
    let elsewhere = invitation(&other, "bob@example.com");
    assert!(
        store.create_invitation(&elsewhere, NOW).await.unwrap(),
        "another workspace"
    );
    let later = NOW + WEEK;
    assert!(
        store.create_invitation(&second, later).await.unwrap(),
        "once the first expired"
    );
}

async fn a_revoked_or_expired_invitation_no_longer_works(store: &dyn Store) {
    let ws = workspace(store).await;
    let revoked = invitation(&ws, "cy@example.com");
    store.create_invitation(&revoked, NOW).await.unwrap();
    assert!(store.revoke_invitation(&revoked).await.unwrap());
    assert!(!store.revoke_invitation(&revoked).await.unwrap());
    assert_eq!(
        store
            .invitation_by_token(&revoked.token_hash, NOW)
            .await
            .unwrap(),
        None
    );
    let joining = member(&ws.id, &UserId::generate(), revoked.role);
    let late = store.accept_invitation(&revoked, &joining, 100, NOW).await;
    assert_eq!(late.unwrap(), Acceptance::Gone);
    assert!(store
        .create_invitation(&invitation(&ws, "cy@example.com"), NOW)
        .await
        .unwrap());

    let expiring = invitation(&ws, "dee@example.com");
    store.create_invitation(&expiring, NOW).await.unwrap();
    let after: UnixSecs = NOW + WEEK;
    assert_eq!(
        store
            .invitation_by_token(&expiring.token_hash, after)
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store.invitation(&ws.id, &expiring.id, after).await.unwrap(),
        None
    );
    let late = store
        .accept_invitation(&expiring, &joining, 100, after)
        .await;
    assert_eq!(late.unwrap(), Acceptance::Gone);
    assert_eq!(
        store.membership(&ws.id, &joining.user_id).await.unwrap(),
        None
    );
}

async fn accepting_as_a_member_or_past_the_cap_leaves_the_invitation(store: &dyn Store) {
    let ws = workspace(store).await;
    let user = UserId::generate();
    store
        .add_member(&member(&ws.id, &user, WorkspaceRole::Viewer), 100)
        .await
        .unwrap();
    let inv = invitation(&ws, "eve@example.com");
    store.create_invitation(&inv, NOW).await.unwrap();
    let joining = member(&ws.id, &user, inv.role);
    let twice = store.accept_invitation(&inv, &joining, 100, NOW).await;
    assert_eq!(twice.unwrap(), Acceptance::AlreadyMember);
    let newcomer = member(&ws.id, &UserId::generate(), inv.role);
    let full = store.accept_invitation(&inv, &newcomer, 0, NOW).await;
    assert_eq!(full.unwrap(), Acceptance::TooMany);
    assert!(store
        .invitation_by_token(&inv.token_hash, NOW)
        .await
        .unwrap()
        .is_some());
}

async fn a_purge_removes_the_invitations_too(store: &dyn Store) {
    let ws = workspace(store).await;
    for n in 0..3 {
        let inv = invitation(&ws, &format!("p{n}@example.com"));
        store.create_invitation(&inv, NOW).await.unwrap();
    }
    store.delete_workspace(&ws.id).await.unwrap();
    let mut rounds = 0;
    while !store.purge_workspace(&ws.id, 2).await.unwrap() {
        rounds += 1;
        assert!(rounds < 10, "the purge ends");
    }
    assert!(store.invitations(&ws.id, NOW).await.unwrap().is_empty());
    assert!(!store
        .is_invited(&ws.id, "p0@example.com", NOW)
        .await
        .unwrap());
}
