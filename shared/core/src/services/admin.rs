//! Administration: users (role, lock) and the security event log.

use serde_json::json;

use super::security::ClientMeta;
use crate::domain::{AuditEvent, AuditType, Page, Role, User, UserChanges};
use crate::error::ApiError;
use crate::{App, Caller};

pub struct UserPatch {
    pub role: Option<Role>,
    pub locked: Option<bool>,
}

impl App {
    pub async fn list_users(
        &self,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Page<User>, ApiError> {
        Ok(self.store.list_users(after, limit).await?)
    }

    /// A role change revokes the user's sessions so it takes effect at once.
    /// Sensitive: the admin must have signed in recently.
    pub async fn patch_user(
        &self,
        admin: &Caller,
        user_id: &str,
        patch: UserPatch,
        meta: &ClientMeta,
    ) -> Result<User, ApiError> {
        self.require_recent_sign_in(admin).await?;
        let admin_id = admin.user_id();
        let record = self
            .store
            .user_by_id(user_id)
            .await?
            .ok_or(ApiError::NotFound)?;
        let mut user = record.user;
        if let Some(role) = patch.role.filter(|r| *r != user.role) {
            let changes = UserChanges {
                role: Some(role),
                ..Default::default()
            };
            let (updated, revoked) = self.change_credentials(user_id, changes, None).await?;
            user = updated.user;
            let detail =
                json!({ "role": role.as_str(), "by": admin_id, "sessions_revoked": revoked });
            self.audit(AuditType::RoleChange, Some(user_id), meta, detail)
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
        let now = self.clock.now_secs();
        if !locked {
            self.store.clear_attempts(&email).await?;
            return self
                .audit(
                    AuditType::AccountUnlocked,
                    Some(&user.id),
                    meta,
                    json!({ "by": admin_id }),
                )
                .await;
        }
        self.store
            .lock_until(&email, now + self.settings.lockout_seconds, now)
            .await?;
        let changes = UserChanges::default();
        let (_, revoked) = self.change_credentials(&user.id, changes, None).await?;
        let detail = json!({ "by": admin_id, "sessions_revoked": revoked });
        self.audit(AuditType::AccountLocked, Some(&user.id), meta, detail)
            .await
    }

    pub async fn list_audit(
        &self,
        user_id: Option<&str>,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Page<AuditEvent>, ApiError> {
        let now = self.clock.now_secs();
        Ok(self.store.list_events(user_id, after, limit, now).await?)
    }

    /// Turns every second factor of the user off (for someone who lost them
    /// all) and revokes their sessions; audited with the admin's id.
    /// Sensitive: the admin must have signed in recently.
    pub async fn reset_mfa(
        &self,
        admin: &Caller,
        user_id: &str,
        meta: &ClientMeta,
    ) -> Result<(), ApiError> {
        self.require_recent_sign_in(admin).await?;
        let record = self
            .store
            .user_by_id(user_id)
            .await?
            .ok_or(ApiError::NotFound)?;
        let by = json!({ "by": admin.user_id() });
        self.turn_mfa_off(&record.user, None, meta, by).await
    }
}
