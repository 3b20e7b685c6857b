//! RSA key material for access tokens (RS256). The private key is a PKCS#8
//! DER document, the public keys DER (SubjectPublicKeyInfo or PKCS#1), each
//! written `kid:base64url`. Only the functions that mint tokens are given the
//! private key; every function gets the public keys, which `GET /v1/auth/jwks`
//! publishes.

use std::sync::OnceLock;

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rsa::{KeyPair, KeySize, PublicKey};
use aws_lc_rs::signature::KeyPair as _;
use jsonwebtoken::EncodingKey;
use secrecy::{ExposeSecret, SecretSlice};

use think_tank_core::crypto::{b64url_decode, b64url_encode};

/// Smaller moduli are refused.
pub const MIN_MODULUS_BITS: usize = 2048;

/// A public key that verifies tokens carrying its `kid`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifyingKey {
    pub kid: String,
    /// Big-endian modulus and exponent, no leading zeros (JWK `n` and `e`).
    pub n: Vec<u8>,
    pub e: Vec<u8>,
}

/// The private key of the functions that mint tokens, ready to sign.
pub struct SigningKey {
    pub kid: String,
    pub encoding: EncodingKey,
    /// Its public half.
    pub verifying: VerifyingKey,
}

impl SigningKey {
    /// `kid:base64url(PKCS#8 DER)` of an RSA key of at least 2048 bits.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let (kid, der) = split_entry(raw)?;
        let der = SecretSlice::from(der);
        let pair = KeyPair::from_pkcs8(der.expose_secret())
            .map_err(|_| "must be an RSA private key in PKCS#8 DER".to_string())?;
        let verifying = components(&kid, pair.public_key())?;
        let pem = pem::encode(&pem::Pem::new("PRIVATE KEY", der.expose_secret()));
        let encoding = EncodingKey::from_rsa_pem(pem.as_bytes())
            .map_err(|_| "must be an RSA private key in PKCS#8 DER".to_string())?;
        Ok(Self {
            kid,
            encoding,
            verifying,
        })
    }

    /// A fresh 2048-bit pair as `kid:base64url` (private PKCS#8, public SPKI).
    pub fn generate(kid: &str) -> Result<(String, String), String> {
        let pair = KeyPair::generate(KeySize::Rsa2048).map_err(|_| "RSA key generation failed")?;
        let pkcs8 = pair.as_der().map_err(|_| "PKCS#8 encoding failed")?;
        let public = pair
            .public_key()
            .as_der()
            .map_err(|_| "public key encoding failed")?;
        Ok((
            format!("{kid}:{}", b64url_encode(pkcs8.as_ref())),
            format!("{kid}:{}", b64url_encode(public.as_ref())),
        ))
    }
}

impl VerifyingKey {
    /// `kid:base64url(DER)`.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let (kid, der) = split_entry(raw)?;
        let public = PublicKey::from_der(&der)
            .map_err(|_| "must be an RSA public key in DER".to_string())?;
        components(&kid, &public)
    }
}

fn split_entry(raw: &str) -> Result<(String, Vec<u8>), String> {
    let (kid, encoded) = raw
        .trim()
        .split_once(':')
        .ok_or("each entry must be kid:base64url")?;
    let valid_kid = !kid.is_empty()
        && kid.len() <= 64
        && kid
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.');
    if !valid_kid {
        return Err("a kid is 1..64 of [A-Za-z0-9._-]".into());
    }
    let der = b64url_decode(encoded.trim_end_matches('=')).ok_or("must be base64url")?;
    Ok((kid.to_string(), der))
}

fn components(kid: &str, public: &PublicKey) -> Result<VerifyingKey, String> {
    let n = public.modulus().big_endian_without_leading_zero().to_vec();
    if n.len() * 8 < MIN_MODULUS_BITS {
        return Err(format!("RSA keys need at least {MIN_MODULUS_BITS} bits"));
    }
    Ok(VerifyingKey {
        kid: kid.to_string(),
        n,
        e: public.exponent().big_endian_without_leading_zero().to_vec(),
    })
}

/// One key pair per process for local runs and tests without configured keys
/// (generating RSA keys is slow; tokens die with the process either way).
pub fn ephemeral() -> Result<SigningKey, String> {
    static PAIR: OnceLock<Result<String, String>> = OnceLock::new();
    let raw = PAIR.get_or_init(|| {
        let kid = format!(
            "ephemeral-{}",
            &uuid::Uuid::new_v4().simple().to_string()[..8]
        );
        SigningKey::generate(&kid).map(|(private, _)| private)
    });
    SigningKey::parse(raw.as_ref()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_pair_parses_back_and_matches() {
        let (private, public) = SigningKey::generate("k9").unwrap();
        let signing = SigningKey::parse(&private).unwrap();
        let verifying = VerifyingKey::parse(&public).unwrap();
        assert_eq!(signing.verifying, verifying);
        assert_eq!(verifying.kid, "k9");
        assert_eq!(verifying.n.len(), 256);
    }

    #[test]
    fn malformed_entries_are_refused() {
        for raw in ["no-colon", "k1:!!!", "k1:AAAA", ":AAAA", "bad kid:AAAA"] {
            assert!(SigningKey::parse(raw).is_err(), "{raw}");
            assert!(VerifyingKey::parse(raw).is_err(), "{raw}");
        }
    }
}
