//! The roots the SDK's HTTPS client trusts, read from one bundle file. Left
//! to itself, the client reads the system's bundle and then, where the
//! system also keeps one file per certificate beside it (Debian, Ubuntu),
//! every one of those files too: a cold start paid for each of them.

use std::path::PathBuf;

use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode, TlsContext, TrustStore};
use aws_smithy_runtime_api::client::http::SharedHttpClient;
use base64::Engine;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::CertificateDer;

/// Where systems keep their bundle of trusted roots: Amazon Linux (Lambda's
/// `provided.al2023`), Fedora and RHEL; Debian, Ubuntu and Alpine; macOS
/// and the BSDs.
const SYSTEM_BUNDLES: [&str; 3] = [
    "/etc/pki/tls/certs/ca-bundle.crt",
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/ssl/cert.pem",
];

/// The SDK's HTTPS client (rustls on aws-lc, as its default) trusting the
/// roots of [`root_bundle`]; the default search when there is no bundle.
pub fn https_client() -> SharedHttpClient {
    let trust = match root_bundle() {
        Some(pem) => TrustStore::empty().with_pem_certificate(usable_roots(&pem)),
        None => TrustStore::default(),
    };
    let context = TlsContext::builder().with_trust_store(trust).build();
    let builder = aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(CryptoMode::AwsLc));
    match context {
        Ok(context) => builder.tls_context(context).build_https(),
        Err(e) => {
            tracing::warn!(error = %e, "the root bundle was refused; searching the system");
            builder.build_https()
        }
    }
}

/// The PEM bundle named by `SSL_CERT_FILE`, else the first of
/// [`SYSTEM_BUNDLES`] that can be read.
pub fn root_bundle() -> Option<Vec<u8>> {
    let named = std::env::var_os("SSL_CERT_FILE").map(PathBuf::from);
    let usual = SYSTEM_BUNDLES.iter().map(PathBuf::from);
    named
        .into_iter()
        .chain(usual)
        .find_map(|path| std::fs::read(path).ok())
}

/// The bundle's certificates that are usable as trust anchors, as PEM: the
/// SDK refuses the whole store (it panics) on one it cannot parse, where
/// its own search skips it. A bundle whose every certificate is usable is
/// returned as it is.
pub fn usable_roots(pem: &[u8]) -> Vec<u8> {
    let all: Vec<CertificateDer> = CertificateDer::pem_slice_iter(pem).flatten().collect();
    let usable: Vec<&CertificateDer> = all
        .iter()
        .filter(|der| webpki::anchor_from_trusted_cert(der).is_ok())
        .collect();
    if usable.len() == all.len() {
        return pem.to_vec();
    }
    let mut kept = Vec::with_capacity(pem.len());
    for der in usable {
        let body = base64::engine::general_purpose::STANDARD.encode(der.as_ref());
        kept.extend_from_slice(b"-----BEGIN CERTIFICATE-----\n");
        for line in body.as_bytes().chunks(64) {
            kept.extend_from_slice(line);
            kept.push(b'\n');
        }
        kept.extend_from_slice(b"-----END CERTIFICATE-----\n");
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_roots_of_a_bundle_are_kept_and_what_is_not_a_certificate_is_dropped() {
        let Some(bundle) = root_bundle() else {
            return;
        };
        let count = |pem: &[u8]| CertificateDer::pem_slice_iter(pem).flatten().count();
        let mut mixed = bundle.clone();
        mixed.extend_from_slice(b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
        let usable = usable_roots(&mixed);
        assert!(count(&bundle) > 50, "a system bundle holds many roots");
        assert_eq!(count(&usable), count(&bundle));
    }
}
