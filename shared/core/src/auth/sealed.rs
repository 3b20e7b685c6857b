//! Secrets at rest (TOTP seeds): AES-256-GCM under a key derived from the
//! app secret, bound to whose secret it is, so a sealed value copied to
//! another account does not open there.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};

use crate::crypto::{b64url_decode, b64url_encode};

const NONCE_BYTES: usize = 12;

pub struct SealingKey(Aes256Gcm);

impl SealingKey {
    /// `key` is one of the app secret's derived keys (HMAC-SHA256: 32 bytes).
    pub fn new(key: &[u8; 32]) -> Self {
        Self(Aes256Gcm::new(&(*key).into()))
    }

    /// The key for one `purpose`, derived from a master secret.
    pub fn derived(master: &[u8], purpose: &str) -> Self {
        let key = crate::crypto::derive_key(master, purpose);
        let key: [u8; 32] = key.try_into().expect("HMAC-SHA256 gives 32 bytes");
        Self::new(&key)
    }

    /// `nonce.ciphertext`, base64url; `owner` is authenticated, not stored.
    pub fn seal(&self, plain: &[u8], owner: &str) -> String {
        let nonce: [u8; NONCE_BYTES] = rand::random();
        let payload = Payload {
            msg: plain,
            aad: owner.as_bytes(),
        };
        let sealed = self
            .0
            .encrypt(&Nonce::from(nonce), payload)
            .unwrap_or_default();
        format!("{}.{}", b64url_encode(&nonce), b64url_encode(&sealed))
    }

    /// The plain bytes, if `sealed` was sealed with this key for `owner`.
    pub fn open(&self, sealed: &str, owner: &str) -> Option<Vec<u8>> {
        let (nonce, body) = sealed.split_once('.')?;
        let nonce: [u8; NONCE_BYTES] = b64url_decode(nonce)?.try_into().ok()?;
        let payload = Payload {
            msg: &b64url_decode(body)?,
            aad: owner.as_bytes(),
        };
        self.0.decrypt(&Nonce::from(nonce), payload).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> SealingKey {
        SealingKey::new(&[7u8; 32])
    }

    #[test]
    fn a_sealed_secret_opens_for_its_owner_only() {
        let sealed = key().seal(b"seed", "user-1");
        assert_eq!(key().open(&sealed, "user-1").as_deref(), Some(&b"seed"[..]));
        assert_eq!(key().open(&sealed, "user-2"), None);
        assert!(!sealed.contains("seed"));
    }

    #[test]
    fn another_key_or_a_changed_byte_does_not_open() {
        let sealed = key().seal(b"seed", "u");
        assert_eq!(SealingKey::new(&[8u8; 32]).open(&sealed, "u"), None);
        let mut tampered = sealed.into_bytes();
        let last = tampered.len() - 1;
        tampered[last] = if tampered[last] == b'A' { b'B' } else { b'A' };
        assert_eq!(key().open(&String::from_utf8(tampered).unwrap(), "u"), None);
    }
}
