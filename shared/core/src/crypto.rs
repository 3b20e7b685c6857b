//! Small, well-known primitives: random tokens, SHA-256 digests, HMAC tags and
//! constant-time comparison. Nothing here is hand-rolled cryptography.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use rand::Rng;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

type HmacSha256 = Hmac<Sha256>;

/// `bytes` of OS randomness, base64url without padding.
pub fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buf);
    URL_SAFE_NO_PAD.encode(buf)
}

pub fn random_bytes(bytes: usize) -> Vec<u8> {
    let mut buf = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buf);
    buf
}

/// Digest used to store single-use tokens and refresh tokens: they carry 256 bits
/// of entropy, so an unsalted SHA-256 is enough and allows lookup by hash.
pub fn sha256_b64(input: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(input.as_bytes()))
}

pub fn hmac_b64(key: &[u8], parts: &[&[u8]]) -> String {
    URL_SAFE_NO_PAD.encode(hmac_raw(key, parts))
}

fn hmac_raw(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = <HmacSha256 as Mac>::new_from_slice(key).expect("HMAC takes any key length");
    for part in parts {
        mac.update(&(part.len() as u64).to_be_bytes());
        mac.update(part);
    }
    mac.finalize().into_bytes().to_vec()
}

/// Derives an independent key for one purpose from a master secret.
pub fn derive_key(master: &[u8], purpose: &str) -> Vec<u8> {
    hmac_raw(master, &[b"think-tank/v1", purpose.as_bytes()])
}

pub fn constant_time_eq(a: &str, b: &str) -> bool {
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

pub fn b64url_encode(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

pub fn b64url_decode(text: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(text).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_tokens_are_unique_and_long_enough() {
        let a = random_token(32);
        assert_ne!(a, random_token(32));
        assert_eq!(b64url_decode(&a).map(|b| b.len()), Some(32));
    }

    #[test]
    fn hmac_of_split_parts_differs_from_concatenation() {
        let key = b"k";
        assert_ne!(hmac_b64(key, &[b"ab", b"c"]), hmac_b64(key, &[b"a", b"bc"]));
    }

    #[test]
    fn derived_keys_differ_per_purpose() {
        assert_ne!(derive_key(b"m", "csrf"), derive_key(b"m", "cursor"));
    }
}
