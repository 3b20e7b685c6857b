//! Refresh tokens: `user_id.session_id.secret` with a 256-bit secret. Only the
//! SHA-256 of the secret is stored; the ids let the session be read by key.

use crate::crypto::{random_token, sha256_b64};
use crate::domain::{SessionId, UserId};

pub struct RefreshToken {
    pub user_id: UserId,
    pub session_id: SessionId,
    pub secret: String,
}

impl RefreshToken {
    pub fn new(user_id: &UserId, session_id: &SessionId) -> Self {
        Self {
            user_id: user_id.clone(),
            session_id: session_id.clone(),
            secret: random_token(32),
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        let mut parts = raw.split('.');
        let (user_id, session_id, secret) = (parts.next()?, parts.next()?, parts.next()?);
        let well_formed = parts.next().is_none()
            && [user_id, session_id, secret]
                .iter()
                .all(|p| !p.is_empty() && p.len() <= 64);
        well_formed.then(|| Self {
            user_id: user_id.into(),
            session_id: session_id.into(),
            secret: secret.to_string(),
        })
    }

    pub fn hash(&self) -> String {
        sha256_b64(&self.secret)
    }

    pub fn encode(&self) -> String {
        format!("{}.{}.{}", self.user_id, self.session_id, self.secret)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_round_trips_and_hashes_its_secret_only() {
        let t = RefreshToken::new(&"u1".into(), &"s1".into());
        let parsed = RefreshToken::parse(&t.encode()).unwrap();
        assert_eq!(
            (parsed.user_id.as_str(), parsed.session_id.as_str()),
            ("u1", "s1")
        );
        assert_eq!(parsed.hash(), t.hash());
        assert_ne!(t.hash(), t.secret);
    }

    #[test]
    fn malformed_tokens_do_not_parse() {
        for raw in ["", "a.b", "a.b.c.d", "..", "a..c"] {
            assert!(RefreshToken::parse(raw).is_none(), "{raw:?}");
        }
    }
}
