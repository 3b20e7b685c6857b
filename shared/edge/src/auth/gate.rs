//! Who is calling: from `Authorization: Bearer` (which alone counts when present)
//! or from the access-token cookie, with CSRF enforced for cookie writes. The
//! result is a [`Claim`]; only the core's revocation check turns it into a
//! [`Caller`].

use http::Method;
use think_tank_core::error::{AccessError, ApiError};

use super::csrf;
use crate::http::cookies;
use crate::http::Ctx;
use think_tank_core::app::Core;
use think_tank_core::{Caller, Claim};

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
    Some(token.ok_or(ApiError::Access(AccessError::Unauthenticated)))
}

/// The request's authentication, on the core every service holds.
#[allow(async_fn_in_trait)]
pub trait Gate {
    /// Verifies the token (and CSRF for cookie writes) without any I/O; the
    /// request's span then names the user.
    fn claim(&self, ctx: &Ctx) -> Result<Claim, ApiError>;

    /// The claim, then the revocation check.
    async fn authenticate(&self, ctx: &Ctx) -> Result<Caller, ApiError>;
}

impl Gate for Core {
    fn claim(&self, ctx: &Ctx) -> Result<Claim, ApiError> {
        let claim = claim_of(self, ctx)?;
        tracing::Span::current().record("user_id", claim.user_id().as_str());
        Ok(claim)
    }

    async fn authenticate(&self, ctx: &Ctx) -> Result<Caller, ApiError> {
        let claim = self.claim(ctx)?;
        self.admit(claim).await
    }
}

fn claim_of(core: &Core, ctx: &Ctx) -> Result<Claim, ApiError> {
    let now = core.clock.now_secs();
    if let Some(token) = bearer(ctx) {
        let claims = core.tokens.verify(token?, now)?;
        return Ok(Claim::new(claims, false));
    }
    let token = ctx
        .cookie(cookies::ACCESS)
        .ok_or(AccessError::Unauthenticated)?;
    let claims = core.tokens.verify(&token, now)?;
    if is_unsafe(&ctx.method) {
        let header = ctx.header("x-csrf-token");
        let cookie = ctx.cookie(cookies::CSRF);
        if !csrf::verify(&core.keys.csrf, &claims.sid, header, cookie.as_deref()) {
            return Err(AccessError::CsrfFailed.into());
        }
    }
    Ok(Claim::new(claims, true))
}
