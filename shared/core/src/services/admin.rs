//! Administration: users (role, lock) and the security event log.

use serde_json::json;

use super::security::ClientMeta;
use crate::domain::{AuditEvent, AuditType, Page, Role, User, UserChanges};
use crate::error::ApiError;
use crate::App;

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
    pub async fn patch_user(
        &self,
        admin_id: &str,
        user_id: &str,
        patch: UserPatch,
        meta: &ClientMeta,
    ) -> Result<User, ApiError> {
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
            user = self
                .store
                .update_user(user_id, &changes)
                .await?
                .ok_or(ApiError::NotFound)?
                .user;
            let revoked = self.revoke_all_sessions(user_id, None).await?;
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
        let revoked = self.revoke_all_sessions(&user.id, None).await?;
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
    pub async fn reset_mfa(
        &self,
        admin_id: &str,
        user_id: &str,
        meta: &ClientMeta,
    ) -> Result<(), ApiError> {
        let record = self
            .store
            .user_by_id(user_id)
            .await?
            .ok_or(ApiError::NotFound)?;
        let revoked = self.revoke_all_sessions(user_id, None).await?;
        let detail = json!({ "by": admin_id, "sessions_revoked": revoked });
        self.turn_mfa_off(&record.user, meta, detail).await
    }
}
