//! Access tokens: HS256 JWTs with a `kid`, verified against an algorithm
//! allowlist of exactly one algorithm. Expiry is checked against the app clock.

use std::collections::HashMap;

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{
    decode, decode_header, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation,
};
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::domain::Role;
use crate::error::ApiError;

const ALGORITHM: Algorithm = Algorithm::HS256;
const LEEWAY_SECONDS: i64 = 5;

/// The last second (exclusive) at which a token expiring at `exp` still
/// verifies: what a blacklist entry for it must outlive.
pub fn accepted_until(exp: i64) -> i64 {
    exp + LEEWAY_SECONDS
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Claims {
    pub iss: String,
    pub aud: String,
    pub sub: String,
    pub exp: i64,
    pub iat: i64,
    pub jti: String,
    pub sid: String,
    pub role: Role,
}

pub struct IssuedToken {
    pub token: String,
    pub jti: String,
    pub expires_at: i64,
}

pub struct JwtKeys {
    signing_kid: String,
    encoding: EncodingKey,
    decoding: HashMap<String, DecodingKey>,
    validation: Validation,
    issuer: String,
    audience: String,
    ttl: i64,
}

impl JwtKeys {
    pub fn from_config(config: &Config) -> Self {
        let first = &config.jwt_keys[0];
        let decoding = config
            .jwt_keys
            .iter()
            .map(|k| {
                (
                    k.kid.clone(),
                    DecodingKey::from_secret(k.secret.expose_secret()),
                )
            })
            .collect();
        let mut validation = Validation::new(ALGORITHM);
        validation.set_issuer(&[&config.jwt_issuer]);
        validation.set_audience(&[&config.jwt_audience]);
        validation.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
        validation.validate_exp = false;
        Self {
            signing_kid: first.kid.clone(),
            encoding: EncodingKey::from_secret(first.secret.expose_secret()),
            decoding,
            validation,
            issuer: config.jwt_issuer.clone(),
            audience: config.jwt_audience.clone(),
            ttl: config.access_token_ttl_seconds,
        }
    }

    pub fn ttl(&self) -> i64 {
        self.ttl
    }

    pub fn issue(
        &self,
        user_id: &str,
        session_id: &str,
        role: Role,
        now: i64,
    ) -> anyhow::Result<IssuedToken> {
        let claims = Claims {
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            sub: user_id.to_string(),
            exp: now + self.ttl,
            iat: now,
            jti: uuid::Uuid::new_v4().to_string(),
            sid: session_id.to_string(),
            role,
        };
        let mut header = Header::new(ALGORITHM);
        header.kid = Some(self.signing_kid.clone());
        let token = encode(&header, &claims, &self.encoding)?;
        Ok(IssuedToken {
            token,
            jti: claims.jti,
            expires_at: claims.exp,
        })
    }

    /// Signature, algorithm, `kid`, issuer, audience and expiry. Revocation is the caller's next step.
    pub fn verify(&self, token: &str, now: i64) -> Result<Claims, ApiError> {
        let header = decode_header(token).map_err(|_| ApiError::Unauthorized)?;
        if header.alg != ALGORITHM {
            return Err(ApiError::Unauthorized);
        }
        let key = header
            .kid
            .as_deref()
            .and_then(|kid| self.decoding.get(kid))
            .ok_or(ApiError::Unauthorized)?;
        let data = decode::<Claims>(token, key, &self.validation).map_err(|e| match e.kind() {
            ErrorKind::ExpiredSignature => ApiError::TokenExpired,
            _ => ApiError::Unauthorized,
        })?;
        if accepted_until(data.claims.exp) <= now {
            return Err(ApiError::TokenExpired);
        }
        Ok(data.claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::MissingSecrets;
    use crate::crypto::b64url_encode;

    fn keys_with(vars: &[(&str, &str)]) -> JwtKeys {
        let map = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        JwtKeys::from_config(&Config::from_map(&map, MissingSecrets::GenerateEphemeral).unwrap())
    }

    fn keys() -> JwtKeys {
        keys_with(&[(
            "JWT_SIGNING_KEYS",
            "k1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        )])
    }

    const NOW: i64 = 1_800_000_000;

    fn assert_code(result: Result<Claims, ApiError>, code: &str) {
        assert_eq!(result.err().map(|e| e.code()), Some(code));
    }

    #[test]
    fn an_issued_token_verifies_with_all_claims() {
        let k = keys();
        let t = k.issue("u1", "s1", Role::Editor, NOW).unwrap();
        let c = k.verify(&t.token, NOW + 1).unwrap();
        assert_eq!(
            (c.sub.as_str(), c.sid.as_str(), c.role),
            ("u1", "s1", Role::Editor)
        );
        assert_eq!((c.exp, c.jti), (NOW + 900, t.jti));
        let header = decode_header(&t.token).unwrap();
        assert_eq!(header.kid.as_deref(), Some("k1"));
    }

    #[test]
    fn an_expired_token_is_token_expired() {
        let k = keys();
        let t = k.issue("u1", "s1", Role::Viewer, NOW).unwrap();
        assert_code(
            k.verify(&t.token, NOW + 900 + LEEWAY_SECONDS),
            "token_expired",
        );
    }

    #[test]
    fn alg_none_is_refused() {
        let k = keys();
        let t = k.issue("u1", "s1", Role::Admin, NOW).unwrap();
        let payload = t.token.split('.').nth(1).unwrap();
        let header = b64url_encode(br#"{"alg":"none","typ":"JWT","kid":"k1"}"#);
        assert_code(
            k.verify(&format!("{header}.{payload}."), NOW),
            "unauthorized",
        );
    }

    #[test]
    fn a_tampered_payload_is_refused() {
        let k = keys();
        let t = k.issue("u1", "s1", Role::Viewer, NOW).unwrap();
        let parts: Vec<&str> = t.token.split('.').collect();
        let forged = String::from_utf8(crate::crypto::b64url_decode(parts[1]).unwrap())
            .unwrap()
            .replace("viewer", "admin");
        let token = format!(
            "{}.{}.{}",
            parts[0],
            b64url_encode(forged.as_bytes()),
            parts[2]
        );
        assert_code(k.verify(&token, NOW), "unauthorized");
    }

    #[test]
    fn a_token_for_another_audience_or_issuer_is_refused() {
        let secret = (
            "JWT_SIGNING_KEYS",
            "k1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        );
        let other_aud = keys_with(&[secret, ("JWT_AUDIENCE", "someone-else")]);
        let other_iss = keys_with(&[secret, ("JWT_ISSUER", "someone-else")]);
        for issuer in [other_aud, other_iss] {
            let t = issuer.issue("u1", "s1", Role::Viewer, NOW).unwrap();
            assert_code(keys().verify(&t.token, NOW), "unauthorized");
        }
    }

    #[test]
    fn an_unknown_kid_or_another_key_is_refused() {
        let other = keys_with(&[(
            "JWT_SIGNING_KEYS",
            "k1:BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBA",
        )]);
        let t = other.issue("u1", "s1", Role::Viewer, NOW).unwrap();
        assert_code(keys().verify(&t.token, NOW), "unauthorized");
        let rotated = keys_with(&[(
            "JWT_SIGNING_KEYS",
            "k2:BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBA",
        )]);
        let t = rotated.issue("u1", "s1", Role::Viewer, NOW).unwrap();
        assert_code(keys().verify(&t.token, NOW), "unauthorized");
    }

    #[test]
    fn retired_keys_still_verify_during_rotation() {
        let old = keys();
        let t = old.issue("u1", "s1", Role::Viewer, NOW).unwrap();
        let both = keys_with(&[(
            "JWT_SIGNING_KEYS",
            "k2:BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBA,k1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        )]);
        assert!(both.verify(&t.token, NOW).is_ok());
    }

    #[test]
    fn garbage_is_refused() {
        for token in ["", "a.b.c", "not a jwt"] {
            assert_code(keys().verify(token, NOW), "unauthorized");
        }
    }
}
