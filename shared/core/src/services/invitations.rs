//! Invitations: an admin or owner invites an address with a role up to their
//! own; the link works once, for 7 days, for whoever is signed in with that
//! verified address.

use serde::Serialize;

use crate::app::Mail;
use crate::clock::{serde_rfc3339, UnixMillis};
use crate::crypto::{random_token, sha256_b64};
use crate::domain::{
    Acceptance, Email, Invitation, Membership, UserId, WorkspaceId, WorkspaceRole,
    INVITATION_SECONDS, MAX_WORKSPACES_PER_USER,
};
use crate::email::{EmailJob, EmailKind};
use crate::error::{AccessError, ApiError, WorkspaceError};
use crate::services::workspaces::{require, WorkspaceView, Workspaces};
use crate::Claim;

/// Invitations one workspace may send per hour.
const INVITATIONS_PER_HOUR: u32 = 20;

/// A pending invitation, as admins see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InvitationView {
    pub id: String,
    pub email: String,
    pub role: WorkspaceRole,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub invited_by: UserId,
    #[serde(with = "serde_rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub expires_at: UnixMillis,
    #[serde(with = "serde_rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: UnixMillis,
}

impl From<Invitation> for InvitationView {
    fn from(i: Invitation) -> Self {
        Self {
            id: i.id,
            email: i.email,
            role: i.role,
            invited_by: i.invited_by,
            expires_at: i.expires_at.to_millis(),
            created_at: i.created_at,
        }
    }
}

impl Workspaces<'_, Mail<'_>> {
    /// `POST /v1/workspaces/{ws}/invitations`: emails a single-use link.
    pub async fn invite(
        &self,
        claim: Claim,
        id: &WorkspaceId,
        email: Email,
        role: WorkspaceRole,
    ) -> Result<InvitationView, ApiError> {
        let (caller, acting, workspace) = self.enter(claim, id).await?;
        require(&acting, WorkspaceRole::Admin)?;
        if role > acting.role {
            return Err(WorkspaceError::NotAllowed.into());
        }
        let store = &self.core.store;
        let now = self.core.clock.now_secs();
        if let Some(invitee) = store.user_by_email(&email).await? {
            if store.membership(id, &invitee.user.id).await?.is_some() {
                return Err(WorkspaceError::AlreadyMember.into());
            }
        }
        if store.is_invited(id, email.as_str(), now).await? {
            return Err(WorkspaceError::AlreadyInvited.into());
        }
        let key = format!("invite#{id}");
        self.core
            .limit(&key, INVITATIONS_PER_HOUR, 3600, now)
            .await?;
        let inviter = self.core.current_user(caller.user_id()).await?;
        let token = random_token(32);
        let invitation = Invitation {
            id: crate::domain::new_id(),
            workspace_id: id.clone(),
            email: email.as_str().to_string(),
            role,
            invited_by: inviter.id.clone(),
            created_at: self.core.clock.now_ms(),
            expires_at: now + INVITATION_SECONDS,
            token_hash: sha256_b64(&token),
        };
        let kind = EmailKind::WorkspaceInvitation {
            workspace_name: workspace.name,
            invited_by: inviter.name,
            token,
        };
        // The address's budget is checked as the mail is queued; an
        // invitation that lost a race to another for the same address
        // leaves that mail's link dead, never a second live invitation.
        self.mail
            .queue_email(&EmailJob::new(email.as_str(), kind))
            .await?;
        if !store.create_invitation(&invitation, now).await? {
            return Err(WorkspaceError::AlreadyInvited.into());
        }
        Ok(invitation.into())
    }
}

impl<M> Workspaces<'_, M> {
    /// `GET /v1/workspaces/{ws}/invitations`: the pending ones, oldest first.
    pub async fn invitations(
        &self,
        claim: Claim,
        id: &WorkspaceId,
    ) -> Result<Vec<InvitationView>, ApiError> {
        let (_, acting, _) = self.enter(claim, id).await?;
        require(&acting, WorkspaceRole::Admin)?;
        let now = self.core.clock.now_secs();
        let pending = self.core.store.invitations(id, now).await?;
        Ok(pending.into_iter().map(InvitationView::from).collect())
    }

    /// `DELETE /v1/workspaces/{ws}/invitations/{id}`: the link stops working.
    pub async fn revoke_invitation(
        &self,
        claim: Claim,
        id: &WorkspaceId,
        invitation: &str,
    ) -> Result<(), ApiError> {
        let (_, acting, _) = self.enter(claim, id).await?;
        require(&acting, WorkspaceRole::Admin)?;
        let now = self.core.clock.now_secs();
        let store = &self.core.store;
        let found = store.invitation(id, invitation, now).await?;
        let found = found.ok_or(WorkspaceError::InvitationNotFound)?;
        match store.revoke_invitation(&found).await? {
            true => Ok(()),
            false => Err(WorkspaceError::InvitationNotFound.into()),
        }
    }
}

impl<M> Workspaces<'_, M> {
    /// `POST /v1/invitations/accept`: the signed-in account must be the
    /// verified address the invitation names.
    pub async fn accept(&self, claim: Claim, token: &str) -> Result<WorkspaceView, ApiError> {
        let caller = self.core.admit(claim).await?;
        let now = self.core.clock.now_secs();
        let store = &self.core.store;
        let invalid = || ApiError::from(AccessError::InvalidSingleUseToken);
        let found = store.invitation_by_token(&sha256_b64(token), now).await?;
        let invitation = found.ok_or_else(invalid)?;
        let me = self.core.current_user(caller.user_id()).await?;
        if !me.email_verified || me.email != invitation.email {
            return Err(WorkspaceError::NotInvited.into());
        }
        let member = Membership {
            workspace_id: invitation.workspace_id.clone(),
            user_id: me.id,
            role: invitation.role,
            joined_at: self.core.clock.now_ms(),
        };
        let max = MAX_WORKSPACES_PER_USER;
        match store
            .accept_invitation(&invitation, &member, max, now)
            .await?
        {
            Acceptance::Joined => {}
            Acceptance::Gone => return Err(invalid()),
            Acceptance::AlreadyMember => return Err(WorkspaceError::AlreadyMember.into()),
            Acceptance::TooMany => return Err(WorkspaceError::TooMany.into()),
            Acceptance::NoWorkspace => return Err(WorkspaceError::NotFound.into()),
        }
        let (id, role) = (member.workspace_id.clone(), member.role);
        let workspace = store.workspace(&id).await?;
        let workspace = workspace.ok_or(WorkspaceError::NotFound)?;
        Ok(WorkspaceView::of(workspace, role))
    }
}
