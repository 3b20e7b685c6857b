//! Access tokens as the use cases see them: what a token claims, and the port
//! that mints and verifies them (RS256 JWTs in `shared::jwt`).

use serde::{Deserialize, Serialize};

use crate::clock::UnixSecs;
use crate::domain::{Role, SessionId, UserId};
use crate::error::ApiError;

/// Clock skew a token's `exp` is granted when it is verified.
pub const LEEWAY_SECONDS: i64 = 5;

/// The last second (exclusive) at which a token expiring at `exp` still
/// verifies: what a blacklist entry for it must outlive.
pub fn accepted_until(exp: UnixSecs) -> UnixSecs {
    exp + LEEWAY_SECONDS
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Claims {
    pub iss: String,
    pub aud: String,
    pub sub: UserId,
    pub exp: UnixSecs,
    pub iat: UnixSecs,
    pub jti: String,
    pub sid: SessionId,
    pub role: Role,
}

pub struct IssuedToken {
    pub token: String,
    pub jti: String,
    pub expires_at: UnixSecs,
}

pub trait AccessTokens: Send + Sync {
    /// Fails when this function was given no signing key.
    fn issue(
        &self,
        user_id: &UserId,
        session_id: &SessionId,
        role: Role,
        now: UnixSecs,
    ) -> anyhow::Result<IssuedToken>;
    /// Signature, issuer, audience and expiry; revocation is [`crate::caller`]'s step.
    fn verify(&self, token: &str, now: UnixSecs) -> Result<Claims, ApiError>;
    fn ttl(&self) -> i64;
    /// The public keys as a JWK Set.
    fn jwks(&self) -> Jwks;
}

/// `GET /v1/auth/jwks`: the public keys that verify access tokens (RFC 7517).
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Jwks {
    pub keys: Vec<Jwk>,
}

/// One RSA public key.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Jwk {
    pub kty: &'static str,
    pub kid: String,
    #[serde(rename = "use")]
    #[cfg_attr(feature = "openapi", schema(rename = "use"))]
    pub use_: &'static str,
    pub alg: &'static str,
    /// The modulus, base64url.
    pub n: String,
    /// The exponent, base64url.
    pub e: String,
}
