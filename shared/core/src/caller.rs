//! Authentication as a type. A verified token is only a [`Claim`]; the one
//! way to a [`Caller`] runs the revocation check, optionally concurrently with
//! the route's first read. Use cases that act for someone take a `Caller` (or
//! a `Claim` they admit themselves), so a route that skips the check does not
//! compile.

use crate::domain::{Role, SessionId, UserId};
use crate::error::{AccessError, ApiError};
use std::future::Future;

use crate::app::Core;
use crate::rbac::Permission;
use crate::tokens::Claims;

/// A token whose signature, issuer, audience and expiry are checked, but not
/// yet whether it was revoked. It names whom to read for, nothing more.
#[derive(Debug)]
pub struct Claim {
    claims: Claims,
    via_cookie: bool,
}

impl Claim {
    pub fn new(claims: Claims, via_cookie: bool) -> Self {
        Self { claims, via_cookie }
    }

    /// Whose data the first read may fetch while the revocation check runs.
    pub fn user_id(&self) -> &UserId {
        &self.claims.sub
    }

    /// Refuses early, before any I/O, a role that could not be allowed anyway.
    pub fn require(&self, permission: Permission) -> Result<(), ApiError> {
        if self.claims.role.allows(permission) {
            Ok(())
        } else {
            Err(ApiError::Access(AccessError::Forbidden))
        }
    }
}

/// An authenticated caller whose token is not revoked.
#[derive(Clone, Debug)]
pub struct Caller {
    claims: Claims,
    via_cookie: bool,
}

impl Caller {
    pub fn user_id(&self) -> &UserId {
        &self.claims.sub
    }

    pub fn session_id(&self) -> &SessionId {
        &self.claims.sid
    }

    pub fn role(&self) -> Role {
        self.claims.role
    }

    /// Authenticated by the access-token cookie rather than `Authorization`.
    pub fn via_cookie(&self) -> bool {
        self.via_cookie
    }

    pub fn require(&self, permission: Permission) -> Result<(), ApiError> {
        if self.role().allows(permission) {
            Ok(())
        } else {
            Err(ApiError::Access(AccessError::Forbidden))
        }
    }
}

impl Core {
    /// The revocation check alone: one `GetItem` of the token's `jti`.
    pub async fn admit(&self, claim: Claim) -> Result<Caller, ApiError> {
        self.admit_with(claim, async { Ok(()) })
            .await
            .map(|(c, ())| c)
    }

    /// The revocation check and `first_read` at once; a revoked token fails
    /// whatever the read found.
    pub async fn admit_with<T, F>(
        &self,
        claim: Claim,
        first_read: F,
    ) -> Result<(Caller, T), ApiError>
    where
        F: Future<Output = Result<T, ApiError>>,
    {
        let now = self.clock.now_secs();
        let check = async {
            if self.store.is_revoked(&claim.claims.jti, now).await? {
                return Err(AccessError::TokenRevoked.into());
            }
            Ok(())
        };
        let ((), found) = tokio::try_join!(check, first_read)?;
        let caller = Caller {
            claims: claim.claims,
            via_cookie: claim.via_cookie,
        };
        Ok((caller, found))
    }
}
