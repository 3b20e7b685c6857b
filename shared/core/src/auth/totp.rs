//! TOTP as RFC 6238 and authenticator apps use it: SHA-1, 6 digits, 30-second
//! steps, one step of drift either way. Which step matched is returned, so
//! the caller can refuse a step it already accepted (no replay).

use totp_rs::{Algorithm, Builder, Totp};

use crate::clock::UnixSecs;
use crate::crypto::random_bytes;

/// 160 bits, as RFC 4226 recommends.
const SECRET_BYTES: usize = 20;
const ISSUER: &str = "Think-Tank";

pub fn new_secret() -> Vec<u8> {
    random_bytes(SECRET_BYTES)
}

fn totp(secret: &[u8], account: &str) -> Option<Totp> {
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(6)
        .with_skew(1)
        .with_step_duration(30)
        .with_secret(secret.to_vec())
        .with_issuer(Some(ISSUER))
        .with_account_name(account.replace(':', ""))
        .build()
        .ok()
}

/// What an authenticator app scans: `otpauth://totp/Think-Tank:<account>?secret=…`.
pub fn otpauth_uri(secret: &[u8], account: &str) -> Option<String> {
    totp(secret, account)?.to_url().ok()
}

/// The secret as users type it into an app (base32).
pub fn base32(secret: &[u8]) -> String {
    totp_rs::Secret::from(secret.to_vec()).to_base32()
}

/// The secret from its base32 form (what `base32` gives).
pub fn from_base32(text: &str) -> Option<Vec<u8>> {
    let secret = totp_rs::Secret::try_from_base32(text).ok()?;
    Some(secret.as_bytes().to_vec())
}

/// The shape of every short code here: TOTP and SMS codes alike.
pub fn is_six_digits(code: &str) -> bool {
    code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit())
}

/// The step `code` is valid for at `now` (within one step either way).
pub fn matching_step(secret: &[u8], code: &str, now: UnixSecs) -> Option<u64> {
    let code = code.trim();
    if !is_six_digits(code) {
        return None;
    }
    totp(secret, "-")?.check(code, u64::try_from(now.0).ok()?)
}

/// The code for `now` (tests and examples).
pub fn code_at(secret: &[u8], now: UnixSecs) -> Option<String> {
    let now = u64::try_from(now.0).ok()?;
    Some(totp(secret, "-")?.generate(now).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, SHA-1 seed, truncated to 6 digits.
    #[test]
    fn the_rfc_test_vector_matches() {
        let seed = b"12345678901234567890";
        assert_eq!(code_at(seed, UnixSecs(59)).as_deref(), Some("287082"));
        assert_eq!(
            code_at(seed, UnixSecs(1_111_111_109)).as_deref(),
            Some("081804")
        );
    }

    #[test]
    fn a_code_is_accepted_one_step_either_side_and_names_its_step() {
        let secret = new_secret();
        let now = UnixSecs(1_800_000_000);
        let code = code_at(&secret, now).unwrap();
        let step = 1_800_000_000 / 30;
        assert_eq!(matching_step(&secret, &code, now), Some(step));
        assert_eq!(matching_step(&secret, &code, now + 30), Some(step));
        assert_eq!(matching_step(&secret, &code, now + 90), None);
    }

    #[test]
    fn base32_round_trips() {
        let secret = new_secret();
        assert_eq!(from_base32(&base32(&secret)), Some(secret));
    }

    #[test]
    fn malformed_codes_never_match() {
        let secret = new_secret();
        for code in ["", "12345", "1234567", "abcdef", "12 345"] {
            assert_eq!(matching_step(&secret, code, UnixSecs(1_800_000_000)), None);
        }
    }

    #[test]
    fn the_uri_names_the_issuer_and_the_account() {
        let uri = otpauth_uri(&new_secret(), "ada@example.com").unwrap();
        assert!(
            uri.starts_with("otpauth://totp/Think-Tank:ada%40example.com?"),
            "{uri}"
        );
        assert!(uri.contains("issuer=Think-Tank"), "{uri}");
    }
}
