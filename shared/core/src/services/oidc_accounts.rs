//! Which account a verified provider identity signs in to: the one it is
//! linked to, else the account with its (provider-verified) email, else a new
//! passwordless one. Linking to an account whose owner never proved the
//! address first strips what that owner set up (pre-hijacking defence): an
//! attacker who registered the victim's address before them keeps nothing.

use serde_json::{json, Value};

use super::oidc_callback::CallbackError;
use super::security::ClientMeta;
use crate::domain::{new_id, AuditType, Email, Identity, Role, User, UserRecord};
use crate::email::SecurityChange;
use crate::ports::VerifiedIdentity;
use crate::App;

const NAME_MAX_CHARS: usize = 100;

impl App {
    /// The account `identity` signs in to, linking it on first use.
    pub(super) async fn account_for(
        &self,
        provider: &str,
        identity: &VerifiedIdentity,
        meta: &ClientMeta,
    ) -> Result<UserRecord, CallbackError> {
        if let Some(linked) = self.store.identity(provider, &identity.subject).await? {
            let record = self.store.user_by_id(&linked.user_id).await?;
            return record.ok_or(CallbackError::ServerError);
        }
        let email = verified_email(identity)?;
        let (record, detail) = match self.store.user_by_email(&email).await? {
            Some(record) if record.user.email_verified => (record, json!({})),
            Some(record) => self.secure_for_verified_owner(record).await?,
            None => self.create_provider_account(&email, identity).await?,
        };
        self.link(provider, identity, &record, detail, meta).await?;
        Ok(record)
    }

    /// Drops the password, factors, phone, identities and sessions of an
    /// account whose address was never proven, and marks the address proven.
    async fn secure_for_verified_owner(
        &self,
        record: UserRecord,
    ) -> Result<(UserRecord, Value), CallbackError> {
        let (updated, revoked) = self.owner_proved_address(&record, String::new()).await?;
        let detail = json!({ "unverified_account_secured": true, "sessions_revoked": revoked });
        Ok((updated, detail))
    }

    /// A verified, passwordless account (made now unless a parallel sign-in
    /// or registration just made it).
    async fn create_provider_account(
        &self,
        email: &Email,
        identity: &VerifiedIdentity,
    ) -> Result<(UserRecord, Value), CallbackError> {
        let record = UserRecord {
            user: User {
                id: new_id(),
                email: email.as_str().to_string(),
                name: display_name(identity, email),
                role: self
                    .bootstrap_role(email.as_str())
                    .unwrap_or(self.settings.default_role),
                email_verified: true,
                mfa_enabled: false,
                created_at: self.clock.now_ms(),
            },
            password_hash: String::new(),
            credential_generation: 0,
            kept_session: None,
        };
        if self.store.create_user(&record).await? {
            return Ok((record, json!({ "account_created": true })));
        }
        match self.store.user_by_email(email).await? {
            Some(existing) if existing.user.email_verified => Ok((existing, json!({}))),
            Some(existing) => self.secure_for_verified_owner(existing).await,
            None => Err(CallbackError::ServerError),
        }
    }

    async fn link(
        &self,
        provider: &str,
        identity: &VerifiedIdentity,
        record: &UserRecord,
        mut detail: Value,
        meta: &ClientMeta,
    ) -> Result<(), CallbackError> {
        let link = Identity {
            provider: provider.to_string(),
            subject: identity.subject.clone(),
            user_id: record.user.id.clone(),
            email: record.user.email.clone(),
            linked_at: self.clock.now_ms(),
        };
        if !self.store.link_identity(&link).await? {
            let now_linked = self.store.identity(provider, &identity.subject).await?;
            return match now_linked {
                Some(other) if other.user_id == record.user.id => Ok(()),
                // The account already has another identity at this provider.
                _ => Err(CallbackError::AccessDenied),
            };
        }
        detail["provider"] = json!(provider);
        let user_id = Some(record.user.id.as_str());
        self.audit(AuditType::IdentityLinked, user_id, meta, detail)
            .await?;
        let provider = provider.to_string();
        let change = SecurityChange::IdentityLinked { provider };
        self.notify_owner(&record.user, change).await;
        Ok(())
    }

    /// `admin` for the `BOOTSTRAP_ADMIN_EMAIL` once its owner has proven it.
    pub(super) fn bootstrap_role(&self, email: &str) -> Option<Role> {
        let admin = self.settings.bootstrap_admin_email.as_ref();
        admin
            .is_some_and(|admin| admin.as_str() == email)
            .then_some(Role::Admin)
    }
}

/// The identity's email, only when the provider vouches for it.
fn verified_email(identity: &VerifiedIdentity) -> Result<Email, CallbackError> {
    let email = identity
        .email
        .as_deref()
        .filter(|_| identity.email_verified);
    let email = email.ok_or(CallbackError::EmailNotVerified)?;
    Email::parse(email).map_err(|_| CallbackError::EmailNotVerified)
}

fn display_name(identity: &VerifiedIdentity, email: &Email) -> String {
    let given = identity.name.as_deref().map(str::trim).unwrap_or_default();
    let name = match given.is_empty() {
        true => email.as_str().split('@').next().unwrap_or_default(),
        false => given,
    };
    name.chars().take(NAME_MAX_CHARS).collect()
}
