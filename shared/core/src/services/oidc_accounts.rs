//! Which account a verified provider identity signs in to, decided before
//! anything is written: the one it is linked to; else, by the address the
//! provider vouches for, an account whose owner never proved it (first
//! stripped of what whoever registered it set up: the pre-hijacking
//! defence), or a verified one only if the provider may link by email
//! (`link_by_email`), the account is no admin and its owner never unlinked
//! this provider; else a new passwordless one. Any other account with the
//! address answers `account_exists`: its owner links the provider from the
//! account instead.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::login::SignIn;
use super::oidc::Oidc;
use super::oidc_callback::CallbackError;
use super::security::ClientMeta;
use super::sessions::Sessions;
use crate::app::{Core, Mail};
use crate::domain::UserId;
use crate::domain::{AuditType, Email, Identity, PasswordChange, Role, User, UserRecord};
use crate::email::SecurityChange;
use crate::error::ApiError;
use crate::ports::VerifiedIdentity;

const NAME_MAX_CHARS: usize = 100;

/// Where a verified provider identity leads.
pub(super) enum Destination {
    /// The account the identity is linked to.
    Linked(UserRecord),
    /// A verified account with the address that the identity may link itself to.
    LinkByEmail(UserRecord),
    /// An account whose address was never proven.
    Unproven(UserRecord),
    /// No account has the address.
    New(Email),
}

impl Destination {
    /// The address whose lockout the sign-in runs under.
    pub(super) fn email(&self) -> Result<Email, ApiError> {
        match self {
            Destination::Linked(r) | Destination::LinkByEmail(r) | Destination::Unproven(r) => {
                super::accounts::stored_email(&r.user)
            }
            Destination::New(email) => Ok(email.clone()),
        }
    }

    /// The account whose second factors apply: only one that keeps them.
    pub(super) fn guarded_account(&self) -> Option<&UserRecord> {
        match self {
            Destination::Linked(r) | Destination::LinkByEmail(r) => Some(r),
            Destination::Unproven(_) | Destination::New(_) => None,
        }
    }
}

/// A link that waits for the sign-in's second factor.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PendingLink {
    pub provider: String,
    pub subject: String,
}

impl PendingLink {
    /// The link of `identity` at `provider`.
    pub(super) fn of(provider: &str, identity: &VerifiedIdentity) -> Self {
        Self {
            provider: provider.to_string(),
            subject: identity.subject.clone(),
        }
    }
}

impl<P, M, S> Oidc<'_, P, M, S> {
    /// Where `identity` leads; reads only.
    pub(super) async fn destination(
        &self,
        provider: &str,
        identity: &VerifiedIdentity,
    ) -> Result<Destination, CallbackError> {
        if let Some(linked) = self
            .core
            .store
            .identity(provider, &identity.subject)
            .await?
        {
            let record = self.core.store.user_by_id(&linked.user_id).await?;
            return Ok(Destination::Linked(
                record.ok_or(CallbackError::ServerError)?,
            ));
        }
        let email = verified_email(identity)?;
        match self.core.store.user_by_email(&email).await? {
            None => Ok(Destination::New(email)),
            Some(record) if !record.user.email_verified => Ok(Destination::Unproven(record)),
            Some(record) if self.may_link_by_email(provider, &record).await? => {
                Ok(Destination::LinkByEmail(record))
            }
            Some(_) => Err(CallbackError::AccountExists),
        }
    }

    async fn may_link_by_email(
        &self,
        provider: &str,
        record: &UserRecord,
    ) -> Result<bool, ApiError> {
        let configured = self
            .core
            .settings
            .oidc_providers
            .iter()
            .find(|p| p.name == provider);
        if !configured.is_some_and(|p| p.link_by_email) || record.user.role == Role::Admin {
            return Ok(false);
        }
        Ok(!self
            .core
            .store
            .was_unlinked(&record.user.id, provider)
            .await?)
    }
}

impl<P> Oidc<'_, P, Mail<'_>, Sessions<'_>> {
    /// Writes what `destination` needs (securing, creating, linking) and
    /// returns the account the identity now signs in to.
    pub(super) async fn settle(
        &self,
        provider: &str,
        identity: &VerifiedIdentity,
        destination: Destination,
        meta: &ClientMeta,
    ) -> Result<UserRecord, CallbackError> {
        let (record, detail) = match destination {
            Destination::Linked(record) => return Ok(record),
            Destination::LinkByEmail(record) => (record, json!({})),
            Destination::Unproven(record) => self.secure_for_verified_owner(record).await?,
            Destination::New(email) => self.create_provider_account(&email, identity).await?,
        };
        self.sign_in()
            .link(&PendingLink::of(provider, identity), &record, detail, meta)
            .await?;
        Ok(record)
    }

    /// Drops the password, factors, phone, identities and sessions of an
    /// account whose address was never proven, and marks the address proven.
    async fn secure_for_verified_owner(
        &self,
        record: UserRecord,
    ) -> Result<(UserRecord, Value), CallbackError> {
        let (updated, revoked) = self
            .sessions
            .owner_proved_address(&record, PasswordChange::Remove)
            .await?;
        let detail = json!({ "unverified_account_secured": true, "sessions_revoked": revoked });
        Ok((updated, detail))
    }

    /// A verified, passwordless account, unless a parallel sign-in or
    /// registration just made one with the address.
    async fn create_provider_account(
        &self,
        email: &Email,
        identity: &VerifiedIdentity,
    ) -> Result<(UserRecord, Value), CallbackError> {
        let record = UserRecord {
            user: User {
                id: UserId::generate(),
                email: email.as_str().to_string(),
                name: display_name(identity, email),
                role: self
                    .core
                    .bootstrap_role(email.as_str())
                    .unwrap_or(Role::User),
                email_verified: true,
                mfa_enabled: false,
                created_at: self.core.clock.now_ms(),
            },
            password_hash: None,
            credential_generation: 0,
            kept_session: None,
        };
        if self.core.store.create_user(&record).await? {
            return Ok((record, json!({ "account_created": true })));
        }
        // Someone else made it meanwhile: judged like any existing account,
        // except that a verified one is never linked by this race.
        match self.core.store.user_by_email(email).await? {
            Some(existing) if !existing.user.email_verified => {
                self.secure_for_verified_owner(existing).await
            }
            Some(_) => Err(CallbackError::AccountExists),
            None => Err(CallbackError::ServerError),
        }
    }
}

impl SignIn<'_> {
    /// A link by email that waited for the sign-in's second factor. The
    /// sign-in stands either way: the identity may have been linked to
    /// another account meanwhile (logged, not linked).
    pub(super) async fn link_after_second_factor(
        &self,
        link: &PendingLink,
        record: &UserRecord,
        meta: &ClientMeta,
    ) {
        if let Err(e) = self.link(link, record, json!({}), meta).await {
            tracing::warn!(error = e.as_str(), "a pending provider link was not made");
        }
    }

    /// Links the identity to `record`, audits it and tells the owner.
    pub(super) async fn link(
        &self,
        link: &PendingLink,
        record: &UserRecord,
        mut detail: Value,
        meta: &ClientMeta,
    ) -> Result<(), CallbackError> {
        let identity = Identity {
            provider: link.provider.clone(),
            subject: link.subject.clone(),
            user_id: record.user.id.clone(),
            email: record.user.email.clone(),
            linked_at: self.core.clock.now_ms(),
        };
        if !self.core.store.link_identity(&identity).await? {
            let now_linked = self
                .core
                .store
                .identity(&link.provider, &link.subject)
                .await?;
            return match now_linked {
                Some(other) if other.user_id == record.user.id => Ok(()),
                Some(_) => Err(CallbackError::IdentityTaken),
                // The account already has another identity at this provider.
                None => Err(CallbackError::AccessDenied),
            };
        }
        detail["provider"] = json!(link.provider);
        let user_id = Some(&record.user.id);
        self.core
            .audit(AuditType::IdentityLinked, user_id, meta, detail)
            .await?;
        let provider = link.provider.clone();
        let change = SecurityChange::IdentityLinked { provider };
        self.mail.notify_owner(&record.user, change).await;
        Ok(())
    }
}

impl Core {
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
