//! The policy the use cases follow, parsed once by `shared::config` from the
//! environment (README, "Configuration", names each variable).

use crate::domain::Email;

/// One OpenID Connect provider users may sign in with (`OIDC_PROVIDERS`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OidcProvider {
    /// In URLs: `/v1/auth/oidc/{name}/…`.
    pub name: String,
    /// Discovery starts at `{issuer}/.well-known/openid-configuration`.
    pub issuer: String,
    pub client_id: String,
    pub scopes: Vec<String>,
    /// Whether a sign-in with an address this provider vouches for may link
    /// itself to the (verified, non-admin) account with that address.
    pub link_by_email: bool,
}

#[derive(Clone, Debug)]
pub struct Settings {
    /// Becomes admin once this address is verified.
    pub bootstrap_admin_email: Option<Email>,
    pub lockout_threshold: u32,
    pub lockout_seconds: i64,
    /// Requests per minute per client IP on the unauthenticated routes.
    pub ip_rate_limit: u32,
    pub refresh_token_ttl_seconds: i64,
    pub session_max_seconds: i64,
    /// How recent a sign-in sensitive routes accept (`REAUTH_SECONDS`).
    pub reauth_seconds: i64,
    /// ISO 3166 regions whose mobile numbers an SMS may go to (`SMS_ALLOWED_REGIONS`).
    pub sms_allowed_regions: Vec<String>,
    /// Texts a day for the whole deployment (`SMS_DAILY_LIMIT`).
    pub sms_daily_limit: u32,
    /// Where problem `type` URIs point (`PROBLEM_BASE_URL`: `<base>/<code>`);
    /// unset, every problem's `type` is `about:blank` (RFC 9457) and `code`
    /// tells them apart.
    pub problem_base_url: Option<String>,
    pub oidc_providers: Vec<OidcProvider>,
    /// The exact app URIs an identity-provider sign-in may return to (`OAUTH_REDIRECT_URIS`).
    pub oauth_redirect_uris: Vec<String>,
    /// Where this API is reached (`API_BASE_URL`; empty: the domain of the
    /// request): providers call back to `{base}/v1/auth/oidc/{name}/callback`.
    pub api_base_url: String,
    pub max_upload_bytes: u64,
    /// How many ready files one account may keep.
    pub max_files_per_user: u32,
    pub allowed_upload_types: Vec<String>,
    pub email_from: String,
    /// How emails look (`EMAIL_PRODUCT_NAME`, `EMAIL_ACCENT_COLOR`, …).
    pub brand: crate::email::Brand,
    /// Links in emails point here.
    pub app_base_url: String,
    /// Origins allowed by CORS and by the WebSocket handshake.
    pub allowed_origins: Vec<String>,
    /// The URL clients connect to (`wss://…/stage` in AWS, `ws://127.0.0.1:3001` locally).
    pub websocket_url: String,
    pub version: &'static str,
}
