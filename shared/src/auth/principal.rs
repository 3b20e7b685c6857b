//! Who is calling: from `Authorization: Bearer` (which alone counts when present)
//! or from the access-token cookie, with CSRF enforced for cookie writes.

use http::Method;

use super::jwt::Claims;
use super::{cookies, csrf};
use crate::domain::Role;
use crate::error::ApiError;
use crate::http::Ctx;
use crate::rbac::Permission;
use crate::App;

#[derive(Clone, Debug)]
pub struct Principal {
    pub claims: Claims,
    pub via_cookie: bool,
}

impl Principal {
    pub fn user_id(&self) -> &str {
        &self.claims.sub
    }

    pub fn session_id(&self) -> &str {
        &self.claims.sid
    }

    pub fn role(&self) -> Role {
        self.claims.role
    }

    pub fn require(&self, permission: Permission) -> Result<(), ApiError> {
        if self.role().allows(permission) {
            Ok(())
        } else {
            Err(ApiError::Forbidden)
        }
    }
}

fn is_unsafe(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

fn bearer(ctx: &Ctx) -> Option<Result<&str, ApiError>> {
    let value = ctx.headers.get(http::header::AUTHORIZATION)?;
    let token = value
        .to_str()
        .ok()
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim)
        .filter(|t| !t.is_empty());
    Some(token.ok_or(ApiError::Unauthorized))
}

impl App {
    /// Verifies the token (and CSRF for cookie writes) without any I/O; the
    /// request's span then names the user.
    pub fn verify_request(&self, ctx: &Ctx) -> Result<Principal, ApiError> {
        let principal = self.principal_of(ctx)?;
        tracing::Span::current().record("user_id", principal.user_id());
        Ok(principal)
    }

    fn principal_of(&self, ctx: &Ctx) -> Result<Principal, ApiError> {
        let now = self.clock.now_secs();
        if let Some(token) = bearer(ctx) {
            let claims = self.jwt.verify(token?, now)?;
            return Ok(Principal {
                claims,
                via_cookie: false,
            });
        }
        let token = ctx.cookie(cookies::ACCESS).ok_or(ApiError::Unauthorized)?;
        let claims = self.jwt.verify(&token, now)?;
        if is_unsafe(&ctx.method) {
            let header = ctx.header("x-csrf-token");
            let cookie = ctx.cookie(cookies::CSRF);
            if !csrf::verify(&self.keys.csrf, &claims.sid, header, cookie.as_deref()) {
                return Err(ApiError::CsrfFailed);
            }
        }
        Ok(Principal {
            claims,
            via_cookie: true,
        })
    }

    /// The revocation check: a revoked `jti` fails at once.
    pub async fn ensure_not_revoked(&self, principal: &Principal) -> Result<(), ApiError> {
        let now = self.clock.now_secs();
        if self.store.is_revoked(&principal.claims.jti, now).await? {
            return Err(ApiError::TokenRevoked);
        }
        Ok(())
    }

    pub async fn authenticate(&self, ctx: &Ctx) -> Result<Principal, ApiError> {
        let principal = self.verify_request(ctx)?;
        self.ensure_not_revoked(&principal).await?;
        Ok(principal)
    }
}
