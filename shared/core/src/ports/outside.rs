//! Ports to what lies outside the table: the email queue and senders, SMS,
//! object storage, WebSocket pushes and identity providers.

use async_trait::async_trait;

use crate::clock::{UnixMillis, UnixSecs};
use crate::email::EmailJob;
use crate::error::StoreResult;

/// The outcome of pushing to one connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Push {
    Sent,
    /// The connection is gone (API Gateway's `410 GoneException`).
    Gone,
}

/// Pushes to WebSocket connections: API Gateway's management API, or the local gateway's sockets.
#[async_trait]
pub trait Notifier: Send + Sync {
    async fn push(&self, connection_id: &str, payload: &str) -> StoreResult<Push>;
    async fn disconnect(&self, connection_id: &str) -> StoreResult<()>;
}

/// Where the bytes live. URLs are signed so that the storage endpoint itself
/// refuses a wrong size, type, key or a late upload.
#[async_trait]
pub trait BlobStore: Probe {
    async fn presign_upload(
        &self,
        key: &str,
        content_type: &str,
        size: u64,
        expires_at: UnixSecs,
    ) -> StoreResult<UploadTicket>;
    async fn presign_download(&self, key: &str, expires_at: UnixSecs) -> StoreResult<String>;
    /// The stored object's size, if it exists.
    async fn object_size(&self, key: &str) -> StoreResult<Option<u64>>;
    async fn delete_object(&self, key: &str) -> StoreResult<()>;
    /// Moves an object to its final key (copy, then delete the source).
    async fn promote(&self, from: &str, to: &str) -> StoreResult<()>;
}

/// How the client sends the bytes (README, "Files in short").
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UploadTicket {
    pub method: &'static str,
    pub url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fields: Option<std::collections::BTreeMap<String, String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub headers: Option<std::collections::BTreeMap<String, String>>,
    #[serde(with = "crate::clock::serde_rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub expires_at: UnixMillis,
}

#[async_trait]
pub trait Probe: Send + Sync {
    /// A cheap real round trip to the dependency.
    async fn ping(&self) -> StoreResult<()>;
}

#[async_trait]
pub trait EmailQueue: Probe {
    async fn enqueue(&self, job: &EmailJob) -> StoreResult<()>;
}

#[async_trait]
pub trait EmailSender: Send + Sync {
    /// Delivers one RFC 5322 message.
    async fn send(&self, to: &str, message: &[u8]) -> StoreResult<()>;
}

/// What the API asks a provider to do when a sign-in starts there.
pub struct AuthorizationRequest<'a> {
    pub state: &'a str,
    pub nonce: &'a str,
    /// The PKCE verifier the callback will present; the provider gets its S256.
    pub code_verifier: &'a str,
    /// Where the provider sends the browser back: this API's callback.
    pub redirect_uri: &'a str,
}

/// What the callback redeems at the provider.
pub struct Redemption<'a> {
    pub code: &'a str,
    pub code_verifier: &'a str,
    pub nonce: &'a str,
    pub redirect_uri: &'a str,
}

/// The person an ID token names, once its signature, `iss`, `aud`, `azp`,
/// `exp`, `iat` and `nonce` have been checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedIdentity {
    pub subject: String,
    pub email: Option<String>,
    pub email_verified: bool,
    pub name: Option<String>,
}

/// The configured OpenID Connect providers: discovery, authorization URLs,
/// code redemption with ID-token validation.
#[async_trait]
pub trait IdentityProviders: Send + Sync {
    /// Fetches every provider's discovery document and keys (once per cold
    /// start); a provider that cannot be reached is tried again on use.
    async fn warm(&self);
    /// The provider's authorization URL for this sign-in; `Ok(None)` for an
    /// unknown provider.
    async fn authorization_url(
        &self,
        provider: &str,
        request: &AuthorizationRequest<'_>,
    ) -> StoreResult<Option<String>>;
    /// Exchanges the code (with the PKCE verifier and the client secret) and
    /// validates the ID token; `Ok(None)` when the provider refuses the code
    /// or the token fails a check (logged with the reason).
    async fn redeem(
        &self,
        provider: &str,
        redemption: &Redemption<'_>,
    ) -> StoreResult<Option<VerifiedIdentity>>;
}

#[async_trait]
pub trait SmsSender: Send + Sync {
    /// Delivers one text message to an E.164 number; `id` names it (the job's id).
    async fn send_sms(&self, id: &str, to: &str, text: &str) -> StoreResult<()>;
}
