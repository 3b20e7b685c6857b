//! Signed double-submit CSRF tokens: `nonce.HMAC(key, session_id, nonce)`,
//! so a token minted for one session is worthless for another.

use think_tank_core::crypto::{constant_time_eq, hmac_b64, random_token};

pub fn issue(key: &[u8], session_id: &str) -> String {
    let nonce = random_token(16);
    let tag = hmac_b64(key, &[session_id.as_bytes(), nonce.as_bytes()]);
    format!("{nonce}.{tag}")
}

/// The header must equal the cookie, and the token must be bound to `session_id`.
pub fn verify(key: &[u8], session_id: &str, header: Option<&str>, cookie: Option<&str>) -> bool {
    let (Some(header), Some(cookie)) = (header, cookie) else {
        return false;
    };
    if !constant_time_eq(header, cookie) {
        return false;
    }
    let Some((nonce, tag)) = header.split_once('.') else {
        return false;
    };
    constant_time_eq(
        tag,
        &hmac_b64(key, &[session_id.as_bytes(), nonce.as_bytes()]),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &[u8] = b"0123456789abcdef0123456789abcdef";

    #[test]
    fn a_token_verifies_for_its_own_session() {
        let t = issue(KEY, "s1");
        assert!(verify(KEY, "s1", Some(&t), Some(&t)));
    }

    #[test]
    fn a_token_from_another_session_fails() {
        let t = issue(KEY, "s2");
        assert!(!verify(KEY, "s1", Some(&t), Some(&t)));
    }

    #[test]
    fn header_and_cookie_must_match_and_be_present() {
        let a = issue(KEY, "s1");
        let b = issue(KEY, "s1");
        assert!(!verify(KEY, "s1", Some(&a), Some(&b)));
        assert!(!verify(KEY, "s1", None, Some(&a)));
        assert!(!verify(KEY, "s1", Some(&a), None));
        assert!(!verify(KEY, "s1", Some("x"), Some("x")));
    }
}
