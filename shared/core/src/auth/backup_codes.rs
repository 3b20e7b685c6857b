//! Backup codes: 10 per set, 80 bits each, written `xxxx-xxxx-xxxx-xxxx` in
//! an alphabet without look-alikes, stored only as keyed hashes bound to
//! their user.

use crate::crypto::{hmac_b64, random_bytes};
use crate::domain::UserId;

pub const CODES_PER_SET: usize = 10;
const CHARS: usize = 16;
/// Crockford's base32: no I, L, O or U.
const ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";

/// A fresh set, as shown to the user once.
pub fn generate() -> Vec<String> {
    (0..CODES_PER_SET).map(|_| one()).collect()
}

fn one() -> String {
    // 256 is a multiple of 32, so `% 32` picks every character equally often.
    let chars: String = random_bytes(CHARS)
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect();
    let groups: Vec<&str> = (0..CHARS).step_by(4).map(|at| &chars[at..at + 4]).collect();
    groups.join("-")
}

/// The code as typed (any case, with or without dashes and spaces, `o`/`i`/`l`
/// for `0`/`1`), if it can be a backup code at all.
pub fn normalize(typed: &str) -> Option<String> {
    let code: String = typed
        .chars()
        .filter(|c| !matches!(c, '-' | ' '))
        .map(|c| match c.to_ascii_lowercase() {
            'o' => '0',
            'i' | 'l' => '1',
            c => c,
        })
        .collect();
    let valid = code.len() == CHARS && code.bytes().all(|b| ALPHABET.contains(&b));
    valid.then_some(code)
}

/// The stored form of a normalized code.
pub fn hash(key: &[u8], user_id: &UserId, normalized: &str) -> String {
    hmac_b64(
        key,
        &[b"backup-code", user_id.as_bytes(), normalized.as_bytes()],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_set_has_ten_distinct_codes_that_normalize_to_themselves() {
        let set = generate();
        assert_eq!(set.len(), 10);
        let distinct: std::collections::HashSet<_> = set.iter().collect();
        assert_eq!(distinct.len(), 10);
        for code in &set {
            assert_eq!(code.len(), 19, "{code}");
            assert_eq!(normalize(code), Some(code.replace('-', "")));
        }
    }

    #[test]
    fn typing_variants_normalize_to_the_same_code() {
        let expected = Some("0123456789abcdef".to_string());
        assert_eq!(normalize("0123-4567-89ab-cdef"), expected);
        assert_eq!(normalize("O123 4567 89AB CDEF"), expected);
        assert_eq!(normalize("o1234567-89abcdef"), expected);
    }

    #[test]
    fn other_input_is_not_a_backup_code() {
        for typed in ["", "123456", "0123-4567-89ab-cde", "0123-4567-89ab-cdeu"] {
            assert_eq!(normalize(typed), None, "{typed}");
        }
    }

    #[test]
    fn hashes_are_bound_to_the_user() {
        assert_ne!(hash(b"k", &"u1".into(), "c"), hash(b"k", &"u2".into(), "c"));
    }
}
