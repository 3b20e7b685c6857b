//! S3 blobs. Uploads land under `pending/` (a lifecycle rule expires what is
//! never completed) and are promoted to `files/` on completion. Uploads are presigned POSTs whose policy pins the exact key,
//! `Content-Type` and size (`content-length-range`) and expires in minutes, so
//! S3 itself refuses anything else. aws-sdk-rust cannot presign a POST
//! (awslabs/aws-sdk-rust#863); the policy is signed with `aws-sigv4`'s own key
//! derivation. Downloads are the SDK's presigned GETs.

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::Context;
use async_trait::async_trait;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use aws_sdk_s3::presigning::PresigningConfig;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use time::OffsetDateTime;

use super::sdk_error;
use think_tank_core::clock::UnixSecs;
use think_tank_core::error::StoreResult;
use think_tank_core::ports::{BlobStore, Probe, UploadTicket};

pub struct S3Blobs {
    client: aws_sdk_s3::Client,
    credentials: Option<SharedCredentialsProvider>,
    bucket: String,
    region: String,
    /// `https://bucket.s3.region.amazonaws.com`, or `endpoint/bucket` for an emulator.
    upload_url: String,
}

fn amz_date(t: OffsetDateTime) -> String {
    let f = time::macros::format_description!("[year][month][day]T[hour][minute][second]Z");
    t.format(&f).unwrap_or_default()
}

fn iso_expiration(t: OffsetDateTime) -> String {
    let f = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].000Z");
    t.format(&f).unwrap_or_default()
}

impl S3Blobs {
    pub fn new(
        client: aws_sdk_s3::Client,
        credentials: Option<SharedCredentialsProvider>,
        bucket: &str,
        region: &str,
        endpoint: Option<&str>,
    ) -> Self {
        let upload_url = match endpoint {
            Some(e) => format!("{}/{bucket}", e.trim_end_matches('/')),
            None => format!("https://{bucket}.s3.{region}.amazonaws.com"),
        };
        Self {
            client,
            credentials,
            bucket: bucket.to_string(),
            region: region.to_string(),
            upload_url,
        }
    }

    async fn policy_fields(
        &self,
        key: &str,
        content_type: &str,
        size: u64,
        expires_at: UnixSecs,
    ) -> anyhow::Result<BTreeMap<String, String>> {
        let provider = self
            .credentials
            .as_ref()
            .context("no AWS credentials provider")?;
        let creds = provider
            .provide_credentials()
            .await
            .context("AWS credentials")?;
        let now = SystemTime::now();
        let now_utc = OffsetDateTime::from(now);
        let date = amz_date(now_utc);
        let credential = format!(
            "{}/{}/{}/s3/aws4_request",
            creds.access_key_id(),
            &date[..8],
            self.region
        );
        let expiration =
            OffsetDateTime::from(UNIX_EPOCH + Duration::from_secs(expires_at.0.max(0) as u64));
        let mut fields = BTreeMap::from([
            ("key".to_string(), key.to_string()),
            ("Content-Type".to_string(), content_type.to_string()),
            (
                "x-amz-algorithm".to_string(),
                "AWS4-HMAC-SHA256".to_string(),
            ),
            ("x-amz-credential".to_string(), credential),
            ("x-amz-date".to_string(), date),
        ]);
        if let Some(token) = creds.session_token() {
            fields.insert("x-amz-security-token".to_string(), token.to_string());
        }
        let mut conditions = vec![
            serde_json::json!({ "bucket": self.bucket }),
            serde_json::json!(["content-length-range", size, size]),
        ];
        conditions.extend(fields.iter().map(|(k, v)| serde_json::json!({ k: v })));
        let policy = serde_json::json!({ "expiration": iso_expiration(expiration), "conditions": conditions });
        let encoded = STANDARD.encode(policy.to_string());
        let signing_key = aws_sigv4::sign::v4::generate_signing_key(
            creds.secret_access_key(),
            now,
            &self.region,
            "s3",
        );
        let signature = aws_sigv4::sign::v4::calculate_signature(signing_key, encoded.as_bytes());
        fields.insert("policy".to_string(), encoded);
        fields.insert("x-amz-signature".to_string(), signature);
        Ok(fields)
    }
}

#[async_trait]
impl Probe for S3Blobs {
    async fn ping(&self) -> StoreResult<()> {
        self.client
            .head_bucket()
            .bucket(&self.bucket)
            .send()
            .await
            .map_err(|e| sdk_error("s3 head bucket", e))?;
        Ok(())
    }
}

#[async_trait]
impl BlobStore for S3Blobs {
    async fn presign_upload(
        &self,
        key: &str,
        content_type: &str,
        size: u64,
        expires_at: UnixSecs,
    ) -> StoreResult<UploadTicket> {
        let fields = self
            .policy_fields(key, content_type, size, expires_at)
            .await?;
        Ok(UploadTicket {
            method: "POST",
            url: self.upload_url.clone(),
            fields: Some(fields),
            headers: None,
            expires_at: expires_at.to_millis(),
        })
    }

    async fn presign_download(&self, key: &str, expires_at: UnixSecs) -> StoreResult<String> {
        let now = UnixSecs(OffsetDateTime::now_utc().unix_timestamp());
        let ttl = Duration::from_secs((expires_at - now).clamp(1, 7 * 86_400) as u64);
        let config = PresigningConfig::expires_in(ttl).context("presigning config")?;
        let request = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(key)
            .presigned(config)
            .await
            .map_err(|e| sdk_error("s3 presign get", e))?;
        Ok(request.uri().to_string())
    }

    async fn object_size(&self, key: &str) -> StoreResult<Option<u64>> {
        match self
            .client
            .head_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
        {
            Ok(out) => Ok(out.content_length().map(|l| l.max(0) as u64)),
            Err(e) if e.as_service_error().is_some_and(|s| s.is_not_found()) => Ok(None),
            Err(e) => Err(sdk_error("s3 head object", e)),
        }
    }

    async fn promote(&self, from: &str, to: &str) -> StoreResult<()> {
        self.client
            .copy_object()
            .bucket(&self.bucket)
            .copy_source(format!("{}/{from}", self.bucket))
            .key(to)
            .send()
            .await
            .map_err(|e| sdk_error("s3 copy object", e))?;
        self.delete_object(from).await
    }

    async fn delete_object(&self, key: &str) -> StoreResult<()> {
        self.client
            .delete_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
            .map_err(|e| sdk_error("s3 delete object", e))?;
        Ok(())
    }
}
