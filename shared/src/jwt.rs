//! Access tokens: RS256 JWTs with a `kid`, verified against an algorithm
//! allowlist of exactly one algorithm and the configured public keys. Only a
//! function given the private key can mint them. Expiry is checked against the
//! app clock. RS256 verifies fastest of the asymmetric algorithms on aws-lc
//! (see `benches/jwt_algorithms.rs`) and suits API Gateway JWT authorizers.

use std::collections::HashMap;
use std::sync::Mutex;
use think_tank_core::error::{AccessError, ApiError};

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{
    decode, decode_header, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation,
};

use crate::config::keys::VerifyingKey;
use crate::config::Config;
use think_tank_core::clock::UnixSecs;
use think_tank_core::crypto::b64url_encode;
use think_tank_core::domain::Role;
use think_tank_core::domain::{SessionId, UserId};
pub use think_tank_core::tokens::{accepted_until, Claims, IssuedToken, LEEWAY_SECONDS};
use think_tank_core::tokens::{AccessTokens, Jwk, Jwks};

const ALGORITHM: Algorithm = Algorithm::RS256;
/// Tokens whose signature this process has already checked.
const VERIFIED_CACHE_SIZE: usize = 4096;

struct Signer {
    kid: String,
    key: EncodingKey,
}

pub struct JwtKeys {
    signer: Option<Signer>,
    decoding: HashMap<String, DecodingKey>,
    published: Vec<VerifyingKey>,
    validation: Validation,
    issuer: String,
    audience: String,
    ttl: i64,
    /// Token text -> its claims, once the signature checked out. The same
    /// token verifies the same way for the life of the process, so repeated
    /// requests skip the RSA work; expiry is still checked on every use.
    verified: Mutex<HashMap<String, Claims>>,
}

impl JwtKeys {
    pub fn from_config(config: &Config) -> Self {
        let signer = config.jwt_signing_key.as_ref().map(|key| Signer {
            kid: key.kid.clone(),
            key: key.encoding.clone(),
        });
        let decoding = config
            .jwt_public_keys
            .iter()
            .map(|k| {
                (
                    k.kid.clone(),
                    DecodingKey::from_rsa_raw_components(&k.n, &k.e),
                )
            })
            .collect();
        let mut validation = Validation::new(ALGORITHM);
        validation.set_issuer(&[&config.jwt_issuer]);
        validation.set_audience(&[&config.jwt_audience]);
        validation.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
        validation.validate_exp = false;
        Self {
            signer,
            decoding,
            published: config.jwt_public_keys.clone(),
            validation,
            issuer: config.jwt_issuer.clone(),
            audience: config.jwt_audience.clone(),
            ttl: config.access_token_ttl_seconds,
            verified: Mutex::new(HashMap::new()),
        }
    }

    pub fn ttl(&self) -> i64 {
        self.ttl
    }

    /// The public keys as a JWK Set (`GET /v1/auth/jwks`).
    pub fn jwks(&self) -> Jwks {
        let key = |k: &VerifyingKey| Jwk {
            kty: "RSA",
            use_: "sig",
            alg: "RS256",
            kid: k.kid.clone(),
            n: b64url_encode(&k.n),
            e: b64url_encode(&k.e),
        };
        Jwks {
            keys: self.published.iter().map(key).collect(),
        }
    }

    pub fn issue(
        &self,
        user_id: &UserId,
        session_id: &SessionId,
        role: Role,
        now: UnixSecs,
    ) -> anyhow::Result<IssuedToken> {
        let signer = self.signer.as_ref().ok_or_else(|| {
            anyhow::anyhow!("this function holds no JWT_SIGNING_KEY and cannot mint tokens")
        })?;
        let claims = Claims {
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            sub: user_id.clone(),
            exp: now + self.ttl,
            iat: now,
            jti: uuid::Uuid::new_v4().to_string(),
            sid: session_id.clone(),
            role,
        };
        let mut header = Header::new(ALGORITHM);
        header.kid = Some(signer.kid.clone());
        let token = encode(&header, &claims, &signer.key)?;
        Ok(IssuedToken {
            token,
            jti: claims.jti,
            expires_at: claims.exp,
        })
    }

    /// Signature, algorithm, `kid`, issuer, audience and expiry. Revocation is the caller's next step.
    pub fn verify(&self, token: &str, now: UnixSecs) -> Result<Claims, ApiError> {
        let claims = match self.already_verified(token) {
            Some(claims) => claims,
            None => self.check_signature(token)?,
        };
        if accepted_until(claims.exp) <= now {
            return Err(AccessError::TokenExpired.into());
        }
        Ok(claims)
    }

    fn already_verified(&self, token: &str) -> Option<Claims> {
        let cache = self.verified.lock().unwrap_or_else(|p| p.into_inner());
        cache.get(token).cloned()
    }

    fn check_signature(&self, token: &str) -> Result<Claims, ApiError> {
        let header = decode_header(token).map_err(|_| AccessError::MalformedToken)?;
        if header.alg != ALGORITHM {
            return Err(AccessError::MalformedToken.into());
        }
        let key = header
            .kid
            .as_deref()
            .and_then(|kid| self.decoding.get(kid))
            .ok_or(AccessError::MalformedToken)?;
        let data = decode::<Claims>(token, key, &self.validation).map_err(|e| match e.kind() {
            ErrorKind::ExpiredSignature => ApiError::Access(AccessError::TokenExpired),
            _ => ApiError::Access(AccessError::MalformedToken),
        })?;
        let mut cache = self.verified.lock().unwrap_or_else(|p| p.into_inner());
        if cache.len() >= VERIFIED_CACHE_SIZE {
            cache.clear();
        }
        cache.insert(token.to_string(), data.claims.clone());
        Ok(data.claims)
    }
}

impl AccessTokens for JwtKeys {
    fn issue(
        &self,
        user_id: &UserId,
        session_id: &SessionId,
        role: Role,
        now: UnixSecs,
    ) -> anyhow::Result<IssuedToken> {
        JwtKeys::issue(self, user_id, session_id, role, now)
    }

    fn verify(&self, token: &str, now: UnixSecs) -> Result<Claims, ApiError> {
        JwtKeys::verify(self, token, now)
    }

    fn ttl(&self) -> i64 {
        self.ttl
    }

    fn jwks(&self) -> Jwks {
        JwtKeys::jwks(self)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::OnceLock;

    use super::*;
    use crate::config::keys::SigningKey;
    use crate::config::MissingSecrets;

    /// Two key pairs (`kid:base64url` private, public), generated once: RSA generation is slow.
    fn pair(which: usize) -> &'static (String, String) {
        static PAIRS: OnceLock<Vec<(String, String)>> = OnceLock::new();
        let pairs = PAIRS.get_or_init(|| {
            ["k1", "k2"]
                .iter()
                .map(|kid| SigningKey::generate(kid).unwrap())
                .collect()
        });
        &pairs[which]
    }

    fn keys_with(vars: &[(&str, &str)]) -> JwtKeys {
        let map = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let config = Config::from_map(&map, MissingSecrets::Fail).unwrap();
        JwtKeys::from_config(&config)
    }

    fn signing(which: usize, extra: &[(&str, &str)]) -> JwtKeys {
        let mut vars = vec![("JWT_SIGNING_KEY", pair(which).0.as_str())];
        vars.extend_from_slice(extra);
        vars.extend_from_slice(&[("APP_SECRET", SECRET), ("IP_HASH_PEPPER", SECRET)]);
        keys_with(&vars)
    }

    fn keys() -> JwtKeys {
        signing(0, &[])
    }

    const SECRET: &str = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    const NOW: UnixSecs = UnixSecs(1_800_000_000);

    fn assert_code(result: Result<Claims, ApiError>, code: &str) {
        assert_eq!(
            result.err().map(|e| edge::http::status::code(&e)),
            Some(code)
        );
    }

    #[test]
    fn an_issued_token_verifies_with_all_claims() {
        let k = keys();
        let t = k
            .issue(&"u1".into(), &"s1".into(), Role::User, NOW)
            .unwrap();
        let c = k.verify(&t.token, NOW + 1).unwrap();
        assert_eq!(
            (c.sub.as_str(), c.sid.as_str(), c.role),
            ("u1", "s1", Role::User)
        );
        assert_eq!((c.exp, c.jti), (NOW + 900, t.jti));
        let header = decode_header(&t.token).unwrap();
        assert_eq!(
            (header.alg, header.kid.as_deref()),
            (Algorithm::RS256, Some("k1"))
        );
    }

    #[test]
    fn an_expired_token_is_token_expired_even_once_verified() {
        let k = keys();
        let t = k
            .issue(&"u1".into(), &"s1".into(), Role::User, NOW)
            .unwrap();
        assert!(k.verify(&t.token, NOW).is_ok());
        assert_code(
            k.verify(&t.token, accepted_until(NOW + 900)),
            "token_expired",
        );
    }

    #[test]
    fn alg_none_and_algorithm_confusion_are_refused() {
        let k = keys();
        let t = k
            .issue(&"u1".into(), &"s1".into(), Role::Admin, NOW)
            .unwrap();
        let payload = t.token.split('.').nth(1).unwrap();
        let none = b64url_encode(br#"{"alg":"none","typ":"JWT","kid":"k1"}"#);
        assert_code(k.verify(&format!("{none}.{payload}."), NOW), "unauthorized");
        let public_as_secret = EncodingKey::from_secret(&k.published[0].n);
        let mut header = Header::new(Algorithm::HS256);
        header.kid = Some("k1".into());
        let claims = k.verify(&t.token, NOW).unwrap();
        let forged = encode(&header, &claims, &public_as_secret).unwrap();
        assert_code(k.verify(&forged, NOW), "unauthorized");
    }

    #[test]
    fn a_tampered_payload_is_refused() {
        let k = keys();
        let t = k
            .issue(&"u1".into(), &"s1".into(), Role::User, NOW)
            .unwrap();
        let parts: Vec<&str> = t.token.split('.').collect();
        let payload =
            String::from_utf8(think_tank_core::crypto::b64url_decode(parts[1]).unwrap()).unwrap();
        let forged = payload.replace("\"role\":\"user\"", "\"role\":\"admin\"");
        assert_ne!(forged, payload, "the role was rewritten");
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
        let other_aud = signing(0, &[("JWT_AUDIENCE", "someone-else")]);
        let other_iss = signing(0, &[("JWT_ISSUER", "someone-else")]);
        for issuer in [other_aud, other_iss] {
            let t = issuer
                .issue(&"u1".into(), &"s1".into(), Role::User, NOW)
                .unwrap();
            assert_code(keys().verify(&t.token, NOW), "unauthorized");
        }
    }

    #[test]
    fn a_token_signed_by_a_key_we_do_not_publish_is_refused() {
        let stranger = signing(1, &[]);
        let t = stranger
            .issue(&"u1".into(), &"s1".into(), Role::User, NOW)
            .unwrap();
        assert_code(keys().verify(&t.token, NOW), "unauthorized");
    }

    #[test]
    fn rotation_keeps_tokens_of_the_previous_key_valid_until_they_expire() {
        let publics = format!("{},{}", pair(0).1, pair(1).1);
        let before = signing(0, &[("JWT_PUBLIC_KEYS", &publics)]);
        let old = before
            .issue(&"u1".into(), &"s1".into(), Role::User, NOW)
            .unwrap();
        let after = signing(1, &[("JWT_PUBLIC_KEYS", &publics)]);
        let new = after
            .issue(&"u1".into(), &"s1".into(), Role::User, NOW)
            .unwrap();
        assert!(after.verify(&old.token, NOW + 1).is_ok());
        assert!(
            before.verify(&new.token, NOW + 1).is_ok(),
            "the next key was published first"
        );
        assert_eq!(
            decode_header(&new.token).unwrap().kid.as_deref(),
            Some("k2")
        );
        let kids: Vec<String> = after.jwks().keys.into_iter().map(|k| k.kid).collect();
        assert_eq!(kids, ["k1", "k2"]);
        assert_code(
            after.verify(&old.token, accepted_until(old.expires_at)),
            "token_expired",
        );
    }

    #[test]
    fn a_function_without_the_private_key_verifies_but_cannot_mint() {
        let minted = keys()
            .issue(&"u1".into(), &"s1".into(), Role::User, NOW)
            .unwrap();
        let verifier = keys_with(&[
            ("JWT_PUBLIC_KEYS", &pair(0).1),
            ("APP_SECRET", SECRET),
            ("IP_HASH_PEPPER", SECRET),
        ]);
        assert!(verifier.verify(&minted.token, NOW).is_ok());
        assert!(verifier
            .issue(&"u1".into(), &"s1".into(), Role::Admin, NOW)
            .is_err());
    }

    #[test]
    fn the_jwks_carries_what_a_standard_verifier_needs() {
        let k = keys();
        let jwks: jsonwebtoken::jwk::JwkSet =
            serde_json::from_value(serde_json::to_value(k.jwks()).unwrap()).unwrap();
        let t = k
            .issue(&"u1".into(), &"s1".into(), Role::User, NOW)
            .unwrap();
        let key = DecodingKey::from_jwk(&jwks.keys[0]).unwrap();
        let mut validation = Validation::new(Algorithm::RS256);
        validation.set_audience(&["think-tank-api"]);
        validation.validate_exp = false;
        assert!(decode::<Claims>(&t.token, &key, &validation).is_ok());
    }

    #[test]
    fn garbage_is_refused() {
        for token in ["", "a.b.c", "not a jwt"] {
            assert_code(keys().verify(token, NOW), "unauthorized");
        }
    }
}
