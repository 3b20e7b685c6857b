//! Local object storage behind the gateway: the URLs it hands out are signed
//! (HMAC over method, key, size, type and expiry) and the gateway checks them
//! before accepting bytes, exactly the rules S3 enforces for the AWS adapter.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use async_trait::async_trait;
use secrecy::ExposeSecret;

use shared::config::{Config, LocalConfig};
use think_tank_core::clock::Clock;
use think_tank_core::clock::UnixSecs;
use think_tank_core::crypto::{constant_time_eq, derive_key, hmac_b64};
use think_tank_core::error::StoreResult;
use think_tank_core::ports::{BlobStore, Probe, UploadTicket};

pub const PATH_PREFIX: &str = "/_local/blobs/";

pub struct LocalBlobs {
    dir: PathBuf,
    base_url: String,
    key: Vec<u8>,
    clock: Arc<dyn Clock>,
}

/// Why the local storage endpoint refused a request.
#[derive(Debug, PartialEq, Eq)]
pub enum BlobRefusal {
    BadSignature,
    Expired,
    WrongSize,
    WrongType,
}

/// What an upload request carries that the signature must cover.
pub struct UploadAttempt<'a> {
    pub key: &'a str,
    pub query: &'a BTreeMap<String, String>,
    pub content_type: Option<&'a str>,
    pub body_len: usize,
}

fn valid_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 200
        && !key.contains("..")
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/-_".contains(c))
}

fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

impl LocalBlobs {
    pub fn new(config: &Config, local: &LocalConfig, clock: Arc<dyn Clock>) -> Self {
        Self {
            dir: PathBuf::from(&local.blob_dir),
            base_url: local.base_url(),
            key: derive_key(config.app_secret.expose_secret(), "local-blobs"),
            clock,
        }
    }

    fn sign(&self, parts: &[&str]) -> String {
        let bytes: Vec<&[u8]> = parts.iter().map(|p| p.as_bytes()).collect();
        hmac_b64(&self.key, &bytes)
    }

    fn path(&self, key: &str) -> PathBuf {
        self.dir.join(key)
    }

    fn check_signature(
        &self,
        query: &BTreeMap<String, String>,
        parts: &[&str],
    ) -> Result<UnixSecs, BlobRefusal> {
        let expires = query
            .get("expires")
            .and_then(|e| e.parse().ok())
            .map(UnixSecs)
            .ok_or(BlobRefusal::BadSignature)?;
        let sig = query.get("sig").ok_or(BlobRefusal::BadSignature)?;
        let mut signed: Vec<&str> = parts.to_vec();
        let expires_text = expires.to_string();
        signed.push(&expires_text);
        if !constant_time_eq(sig, &self.sign(&signed)) {
            return Err(BlobRefusal::BadSignature);
        }
        if self.clock.now_secs() >= expires {
            return Err(BlobRefusal::Expired);
        }
        Ok(expires)
    }

    /// The signature covers the key, the exact size and type, and the expiry.
    pub fn check_upload(&self, attempt: &UploadAttempt<'_>) -> Result<(), BlobRefusal> {
        let q = attempt.query;
        let size = q.get("size").map(String::as_str).unwrap_or_default();
        let content_type = q.get("type").map(String::as_str).unwrap_or_default();
        if !valid_key(attempt.key) {
            return Err(BlobRefusal::BadSignature);
        }
        self.check_signature(q, &["PUT", attempt.key, size, content_type])?;
        if attempt.content_type.map(str::trim) != Some(content_type) {
            return Err(BlobRefusal::WrongType);
        }
        if size.parse::<usize>().ok() != Some(attempt.body_len) {
            return Err(BlobRefusal::WrongSize);
        }
        Ok(())
    }

    pub fn check_download(
        &self,
        key: &str,
        query: &BTreeMap<String, String>,
    ) -> Result<(), BlobRefusal> {
        if !valid_key(key) {
            return Err(BlobRefusal::BadSignature);
        }
        self.check_signature(query, &["GET", key]).map(|_| ())
    }

    pub async fn write(&self, key: &str, content_type: &str, bytes: &[u8]) -> anyhow::Result<()> {
        let path = self.path(key);
        if let Some(parent) = path.parent() {
            tokio::fs::create_dir_all(parent)
                .await
                .context("create blob dir")?;
        }
        tokio::fs::write(&path, bytes).await.context("write blob")?;
        tokio::fs::write(path.with_extension("type"), content_type)
            .await
            .context("write blob type")?;
        Ok(())
    }

    /// The object's bytes and content type.
    pub async fn read(&self, key: &str) -> Option<(Vec<u8>, String)> {
        let path = self.path(key);
        let bytes = tokio::fs::read(&path).await.ok()?;
        let content_type = tokio::fs::read_to_string(path.with_extension("type"))
            .await
            .unwrap_or_default();
        Some((bytes, content_type))
    }
}

#[async_trait]
impl Probe for LocalBlobs {
    async fn ping(&self) -> StoreResult<()> {
        tokio::fs::create_dir_all(&self.dir)
            .await
            .context("blob dir")?;
        Ok(())
    }
}

#[async_trait]
impl BlobStore for LocalBlobs {
    async fn presign_upload(
        &self,
        key: &str,
        content_type: &str,
        size: u64,
        expires_at: UnixSecs,
    ) -> StoreResult<UploadTicket> {
        let size = size.to_string();
        let sig = self.sign(&["PUT", key, &size, content_type, &expires_at.to_string()]);
        let url = format!(
            "{}{PATH_PREFIX}{key}?expires={expires_at}&size={size}&type={}&sig={sig}",
            self.base_url,
            encode(content_type)
        );
        Ok(UploadTicket {
            method: "PUT",
            url,
            fields: None,
            headers: Some(BTreeMap::from([(
                "Content-Type".to_string(),
                content_type.to_string(),
            )])),
            expires_at: expires_at.to_millis(),
        })
    }

    async fn presign_download(&self, key: &str, expires_at: UnixSecs) -> StoreResult<String> {
        let sig = self.sign(&["GET", key, &expires_at.to_string()]);
        Ok(format!(
            "{}{PATH_PREFIX}{key}?expires={expires_at}&sig={sig}",
            self.base_url
        ))
    }

    async fn object_size(&self, key: &str) -> StoreResult<Option<u64>> {
        Ok(tokio::fs::metadata(self.path(key))
            .await
            .ok()
            .map(|m| m.len()))
    }

    async fn promote(&self, from: &str, to: &str) -> StoreResult<()> {
        let (source, target) = (self.path(from), self.path(to));
        if let Some(parent) = target.parent() {
            tokio::fs::create_dir_all(parent)
                .await
                .context("create blob dir")?;
        }
        tokio::fs::rename(&source, &target)
            .await
            .context("promote blob")?;
        tokio::fs::rename(source.with_extension("type"), target.with_extension("type"))
            .await
            .context("promote blob type")?;
        Ok(())
    }

    async fn delete_object(&self, key: &str) -> StoreResult<()> {
        let path = self.path(key);
        for p in [path.clone(), path.with_extension("type")] {
            match tokio::fs::remove_file(&p).await {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(anyhow::Error::new(e).context("delete blob").into()),
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::config::MissingSecrets;
    use think_tank_core::clock::ManualClock;

    fn blobs() -> (LocalBlobs, Arc<ManualClock>) {
        let clock = Arc::new(ManualClock::starting_now());
        let config =
            Config::from_map(&Default::default(), MissingSecrets::GenerateEphemeral).unwrap();
        let local = LocalConfig::from_map(&Default::default()).unwrap();
        (LocalBlobs::new(&config, &local, clock.clone()), clock)
    }

    fn query_of(url: &str) -> BTreeMap<String, String> {
        let q = url.split_once('?').unwrap().1;
        q.split('&')
            .map(|kv| kv.split_once('=').unwrap())
            .map(|(k, v)| (k.to_string(), v.replace("%2F", "/")))
            .collect()
    }

    #[tokio::test]
    async fn only_the_signed_key_size_type_and_time_are_accepted() {
        let (b, clock) = blobs();
        let exp = clock.now_secs() + 300;
        let ticket = b
            .presign_upload("uploads/f1", "image/png", 4, exp)
            .await
            .unwrap();
        let q = query_of(&ticket.url);
        let attempt = |key, ct, len| UploadAttempt {
            key,
            query: &q,
            content_type: ct,
            body_len: len,
        };
        assert_eq!(
            b.check_upload(&attempt("uploads/f1", Some("image/png"), 4)),
            Ok(())
        );
        assert_eq!(
            b.check_upload(&attempt("uploads/f1", Some("image/png"), 5)),
            Err(BlobRefusal::WrongSize)
        );
        assert_eq!(
            b.check_upload(&attempt("uploads/f1", Some("text/plain"), 4)),
            Err(BlobRefusal::WrongType)
        );
        assert_eq!(
            b.check_upload(&attempt("uploads/f2", Some("image/png"), 4)),
            Err(BlobRefusal::BadSignature)
        );
        let mut tampered = q.clone();
        tampered.insert("size".into(), "5".into());
        let forged = UploadAttempt {
            key: "uploads/f1",
            query: &tampered,
            content_type: Some("image/png"),
            body_len: 5,
        };
        assert_eq!(b.check_upload(&forged), Err(BlobRefusal::BadSignature));
        clock.advance_secs(300);
        assert_eq!(
            b.check_upload(&attempt("uploads/f1", Some("image/png"), 4)),
            Err(BlobRefusal::Expired)
        );
    }

    #[test]
    fn keys_outside_the_store_are_refused() {
        for key in ["", "../etc/passwd", "uploads/../../x", "a b"] {
            assert!(!valid_key(key), "{key:?}");
        }
    }
}
