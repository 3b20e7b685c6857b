//! What verifying one access token costs with each asymmetric algorithm that
//! jsonwebtoken offers on aws-lc: the measurement behind signing with RS256.
//! Run: `cargo bench -p shared --bench jwt_algorithms`.

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::{KeyPair as RsaKeyPair, KeySize};
use aws_lc_rs::signature::{
    EcdsaKeyPair, Ed25519KeyPair, KeyPair, ECDSA_P256_SHA256_FIXED_SIGNING,
};
use criterion::{criterion_group, criterion_main, Criterion};
use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde_json::{json, Value};

fn rs256() -> (EncodingKey, DecodingKey) {
    let pair = RsaKeyPair::generate(KeySize::Rsa2048).unwrap();
    let pkcs8 = pair.as_der().unwrap();
    let pem = pem::encode(&pem::Pem::new("PRIVATE KEY", pkcs8.as_ref()));
    let public = pair.public_key();
    let decoding = DecodingKey::from_rsa_der(public.as_ref());
    (EncodingKey::from_rsa_pem(pem.as_bytes()).unwrap(), decoding)
}

fn es256() -> (EncodingKey, DecodingKey) {
    let alg = &ECDSA_P256_SHA256_FIXED_SIGNING;
    let pkcs8 = EcdsaKeyPair::generate_pkcs8(alg, &SystemRandom::new()).unwrap();
    let pair = EcdsaKeyPair::from_pkcs8(alg, pkcs8.as_ref()).unwrap();
    let decoding = DecodingKey::from_ec_der(pair.public_key().as_ref());
    (EncodingKey::from_ec_der(pkcs8.as_ref()), decoding)
}

fn eddsa() -> (EncodingKey, DecodingKey) {
    let pkcs8 = Ed25519KeyPair::generate_pkcs8(&SystemRandom::new()).unwrap();
    let pair = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).unwrap();
    let decoding = DecodingKey::from_ed_der(pair.public_key().as_ref());
    (EncodingKey::from_ed_der(pkcs8.as_ref()), decoding)
}

fn verify_cost(c: &mut Criterion) {
    let claims = json!({
        "iss": "think-tank", "aud": "think-tank-api", "sub": "0193a0c4-user",
        "exp": 4_000_000_000_i64, "iat": 1_800_000_000_i64, "jti": "0193a0c4-jti",
        "sid": "0193a0c4-session", "role": "editor",
    });
    let mut group = c.benchmark_group("jwt_verify_by_algorithm");
    for (alg, (encoding, decoding)) in [
        (Algorithm::RS256, rs256()),
        (Algorithm::ES256, es256()),
        (Algorithm::EdDSA, eddsa()),
    ] {
        let token = encode(&Header::new(alg), &claims, &encoding).unwrap();
        let mut validation = Validation::new(alg);
        validation.set_audience(&["think-tank-api"]);
        group.bench_function(format!("{alg:?}_verify"), |b| {
            b.iter(|| decode::<Value>(&token, &decoding, &validation).unwrap())
        });
        group.bench_function(format!("{alg:?}_sign"), |b| {
            b.iter(|| encode(&Header::new(alg), &claims, &encoding).unwrap())
        });
    }
    group.finish();
}

criterion_group!(benches, verify_cost);
criterion_main!(benches);
