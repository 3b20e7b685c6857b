//! Administration: users (role, lock) and the security event log.

use crate::domain::UserId;
use crate::error::{AccountError, ApiError};
use serde_json::json;

use super::mfa::Factors;
use super::security::ClientMeta;
use super::sessions::Sessions;
use crate::app::{Absent, Core, Mail};
use crate::domain::{AuditEvent, AuditType, Page, Role, User, UserChanges};
use crate::Caller;

pub struct UserPatch {
    pub role: Option<Role>,
    pub locked: Option<bool>,
}

/// The administrators' routes.
#[derive(Clone, Copy)]
pub struct Admin<'a, M = Absent, S = Absent> {
    pub(super) core: &'a Core,
    pub(super) mail: M,
    pub(super) sessions: S,
}

crate::service!(Admin {
    mail: M,
    sessions: S
});

impl<'a> Admin<'a, Mail<'a>, Sessions<'a>> {
    fn factors(&self) -> Factors<'a, Mail<'a>, Sessions<'a>> {
        Factors {
            core: self.core,
            mail: self.mail,
            sessions: self.sessions,
        }
    }
}

impl<M, S> Admin<'_, M, S> {
    pub async fn list_users(
        &self,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Page<User>, ApiError> {
        Ok(self.core.store.list_users(after, limit).await?)
    }

    pub async fn list_audit(
        &self,
        user_id: Option<&UserId>,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Page<AuditEvent>, ApiError> {
        let now = self.core.clock.now_secs();
        Ok(self
            .core
            .store
            .list_events(user_id, after, limit, now)
            .await?)
    }
}

impl<M> Admin<'_, M, Sessions<'_>> {
    /// A role change revokes the user's sessions so it takes effect at once.
    /// Sensitive: the admin must have signed in recently.
    pub async fn patch_user(
        &self,
        admin: &Caller,
        user_id: &UserId,
        patch: UserPatch,
        meta: &ClientMeta,
    ) -> Result<User, ApiError> {
        self.core.require_recent_sign_in(admin).await?;
        let admin_id = admin.user_id();
        let record = self
            .core
            .store
            .user_by_id(user_id)
            .await?
            .ok_or(AccountError::UserNotFound)?;
        let mut user = record.user;
        if let Some(role) = patch.role.filter(|r| *r != user.role) {
            let changes = UserChanges {
                role: Some(role),
                ..Default::default()
            };
            let (updated, revoked) = self
                .sessions
                .change_credentials(user_id, changes, None)
                .await?;
            user = updated.user;
            let detail =
                json!({ "role": role.as_str(), "by": admin_id, "sessions_revoked": revoked });
            self.core
                .audit(AuditType::RoleChange, Some(user_id), meta, detail)
                .await?;
        }
        if let Some(locked) = patch.locked {
            self.set_locked(admin_id, &user, locked, meta).await?;
        }
        Ok(user)
    }

    async fn set_locked(
        &self,
        admin_id: &str,
        user: &User,
        locked: bool,
        meta: &ClientMeta,
    ) -> Result<(), ApiError> {
        let email = super::accounts::stored_email(user)?;
        let now = self.core.clock.now_secs();
        if !locked {
            self.core.store.clear_attempts(&email).await?;
            return self
                .core
                .audit(
                    AuditType::AccountUnlocked,
                    Some(&user.id),
                    meta,
                    json!({ "by": admin_id }),
                )
                .await;
        }
        self.core
            .store
            .lock_until(&email, now + self.core.settings.lockout_seconds, now)
            .await?;
        let changes = UserChanges::default();
        let (_, revoked) = self
            .sessions
            .change_credentials(&user.id, changes, None)
            .await?;
        let detail = json!({ "by": admin_id, "sessions_revoked": revoked });
        self.core
            .audit(AuditType::AccountLocked, Some(&user.id), meta, detail)
            .await
    }
}

impl Admin<'_, Mail<'_>, Sessions<'_>> {
    /// Turns every second factor of the user off (for someone who lost them
    /// all) and revokes their sessions; audited with the admin's id.
    /// Sensitive: the admin must have signed in recently.
    pub async fn reset_mfa(
        &self,
        admin: &Caller,
        user_id: &UserId,
        meta: &ClientMeta,
    ) -> Result<(), ApiError> {
        self.core.require_recent_sign_in(admin).await?;
        let record = self
            .core
            .store
            .user_by_id(user_id)
            .await?
            .ok_or(AccountError::UserNotFound)?;
        let by = json!({ "by": admin.user_id() });
        self.factors()
            .turn_mfa_off(&record.user, None, meta, by)
            .await
    }
}
