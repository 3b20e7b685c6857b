//! Typed configuration, read once per cold start from one map of variables
//! (the process environment, plus secrets in a deployed function). A bad value
//! fails with a message naming the variable. What only a local run reads
//! (addresses, directories, the backend) is in [`local`], never parsed by a
//! deployed function.

mod brand;
pub mod keys;
pub mod local;
mod oidc;

pub use local::{Backend, LocalConfig};

use std::collections::HashMap;

use secrecy::{SecretSlice, SecretString};

use keys::{SigningKey, VerifyingKey};
use think_tank_core::crypto::{b64url_decode, random_bytes};
use think_tank_core::domain::{is_known_region, Email};
use think_tank_core::settings::Settings;

#[derive(Debug, thiserror::Error)]
#[error("invalid configuration: {var}: {message}")]
pub struct ConfigError {
    pub var: &'static str,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EmailDelivery {
    /// Amazon SES (deployed).
    Ses,
    /// `.eml` files in this directory (`LOCAL_OUTBOX_DIR`; local runs).
    Outbox(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SmsDelivery {
    /// Amazon SNS, transactional (deployed).
    Sns,
    /// `<id>.sms` files in this directory (`LOCAL_OUTBOX_DIR`; local runs).
    Outbox(String),
}

pub struct Config {
    /// What the use cases follow.
    pub settings: Settings,
    pub table_name: String,
    pub email_queue_url: String,
    pub email_delivery: EmailDelivery,
    pub sms_delivery: SmsDelivery,
    pub access_token_ttl_seconds: i64,
    pub jwt_issuer: String,
    pub jwt_audience: String,
    /// Mints access tokens: given only to the functions that issue them.
    pub jwt_signing_key: Option<SigningKey>,
    /// Verify access tokens (the current key and the next, during rotation);
    /// the signing key's public half is always among them.
    pub jwt_public_keys: Vec<VerifyingKey>,
    pub app_secret: SecretSlice<u8>,
    pub ip_hash_pepper: SecretSlice<u8>,
    /// Seals TOTP seeds: only the functions that read or write seeds get it.
    pub mfa_encryption_key: Option<SecretSlice<u8>>,
    /// Provider name -> OAuth client secret (`OIDC_CLIENT_SECRETS`, a JSON object).
    pub oidc_client_secrets: HashMap<String, SecretString>,
    pub bucket_name: String,
    /// The WebSocket API's management endpoint (`https://…/stage`), for pushes.
    pub websocket_management_url: String,
}

/// Where secrets come from when they are not configured.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum MissingSecrets {
    /// Deployed functions: a missing secret is a configuration error.
    Fail,
    /// Local runs and tests: generate ephemeral random secrets (tokens die with the process).
    GenerateEphemeral,
}

const DAY: i64 = 86_400;

impl Config {
    pub fn from_env(missing: MissingSecrets) -> Result<Self, ConfigError> {
        let vars: HashMap<String, String> = std::env::vars().collect();
        Self::from_map(&vars, missing)
    }

    pub fn from_map(
        vars: &HashMap<String, String>,
        missing: MissingSecrets,
    ) -> Result<Self, ConfigError> {
        let r = Reader { vars };
        let (jwt_signing_key, jwt_public_keys) = r.jwt_keys(missing)?;
        let settings = settings(&r)?;
        Ok(Self {
            settings,
            table_name: r.string("TABLE_NAME", "think-tank"),
            email_queue_url: r.string("EMAIL_QUEUE_URL", ""),
            email_delivery: r.email_delivery()?,
            sms_delivery: r.sms_delivery()?,
            access_token_ttl_seconds: r.number("ACCESS_TOKEN_TTL_SECONDS", 900, 30, DAY)?,
            jwt_issuer: r.string("JWT_ISSUER", "think-tank"),
            jwt_audience: r.string("JWT_AUDIENCE", "think-tank-api"),
            jwt_signing_key,
            jwt_public_keys,
            app_secret: r.secret("APP_SECRET", missing)?,
            ip_hash_pepper: r.secret("IP_HASH_PEPPER", missing)?,
            mfa_encryption_key: r.optional_secret("MFA_ENCRYPTION_KEY", missing)?,
            oidc_client_secrets: r.oidc_client_secrets()?,
            bucket_name: r.string("BUCKET_NAME", "think-tank-uploads"),
            websocket_management_url: r.string("WEBSOCKET_MANAGEMENT_URL", "http://127.0.0.1:3001"),
        })
    }
}

/// The policy part of the configuration, handed to the core.
fn settings(r: &Reader) -> Result<Settings, ConfigError> {
    Ok(Settings {
        email_from: r.string("EMAIL_FROM", "Think-Tank <no-reply@think-tank.localhost>"),
        brand: brand::brand(r)?,
        app_base_url: r.string("APP_BASE_URL", "http://localhost:5173"),
        allowed_origins: r.list(
            "ALLOWED_ORIGINS",
            "http://localhost:5173,http://127.0.0.1:5173",
        ),
        bootstrap_admin_email: r.optional("BOOTSTRAP_ADMIN_EMAIL", Email::parse)?,
        lockout_threshold: r.number("LOCKOUT_THRESHOLD", 5, 1, 1000)? as u32,
        lockout_seconds: r.number("LOCKOUT_SECONDS", 12 * 3600, 1, 365 * DAY)?,
        ip_rate_limit: r.number("IP_RATE_LIMIT", 20, 1, 1_000_000_000)? as u32,
        refresh_token_ttl_seconds: r.number("REFRESH_TOKEN_TTL_SECONDS", 7 * DAY, 60, 90 * DAY)?,
        session_max_seconds: r.number("SESSION_MAX_SECONDS", 30 * DAY, 60, 365 * DAY)?,
        reauth_seconds: r.number("REAUTH_SECONDS", 600, 30, DAY)?,
        sms_allowed_regions: r.regions("SMS_ALLOWED_REGIONS", "US,CA,GB")?,
        sms_daily_limit: r.number("SMS_DAILY_LIMIT", 1000, 1, 10_000_000)? as u32,
        problem_base_url: r.problem_base_url()?,
        oidc_providers: oidc::providers(r.get("OIDC_PROVIDERS"))
            .map_err(|m| invalid("OIDC_PROVIDERS", m))?,
        oauth_redirect_uris: oidc::redirect_uris(r.get("OAUTH_REDIRECT_URIS"))
            .map_err(|m| invalid("OAUTH_REDIRECT_URIS", m))?,
        api_base_url: r.string("API_BASE_URL", ""),
        max_upload_bytes: r.number(
            "MAX_UPLOAD_BYTES",
            10 * 1024 * 1024,
            1,
            5 * 1024 * 1024 * 1024,
        )? as u64,
        max_files_per_user: r.number(
            "MAX_FILES_PER_USER",
            think_tank_core::domain::MAX_FILES_PER_USER.into(),
            1,
            1_000_000,
        )? as u32,
        allowed_upload_types: r.list(
            "ALLOWED_UPLOAD_TYPES",
            "image/png,image/jpeg,image/gif,image/webp,application/pdf,text/plain,text/markdown",
        ),
        websocket_url: r.string("WEBSOCKET_URL", "ws://127.0.0.1:3001"),
        version: env!("CARGO_PKG_VERSION"),
    })
}

pub(crate) struct Reader<'a> {
    vars: &'a HashMap<String, String>,
}

fn invalid(var: &'static str, message: impl Into<String>) -> ConfigError {
    ConfigError {
        var,
        message: message.into(),
    }
}

impl Reader<'_> {
    fn get(&self, var: &str) -> Option<&str> {
        self.vars
            .get(var)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
    }

    fn string(&self, var: &'static str, default: &str) -> String {
        self.get(var).unwrap_or(default).to_string()
    }

    fn list(&self, var: &'static str, default: &str) -> Vec<String> {
        self.string(var, default)
            .split(',')
            .map(|s| s.trim().trim_end_matches('/').to_string())
            .filter(|s| !s.is_empty())
            .collect()
    }

    fn oidc_client_secrets(&self) -> Result<HashMap<String, SecretString>, ConfigError> {
        let Some(raw) = self.get("OIDC_CLIENT_SECRETS") else {
            return Ok(HashMap::new());
        };
        let secrets: HashMap<String, String> = serde_json::from_str(raw).map_err(|_| {
            invalid(
                "OIDC_CLIENT_SECRETS",
                "must be a JSON object of provider name to secret",
            )
        })?;
        Ok(secrets.into_iter().map(|(k, v)| (k, v.into())).collect())
    }

    fn sms_delivery(&self) -> Result<SmsDelivery, ConfigError> {
        match self.get("SMS_DELIVERY").unwrap_or("outbox") {
            "outbox" => Ok(SmsDelivery::Outbox(self.outbox_dir())),
            "sns" => Ok(SmsDelivery::Sns),
            other => Err(invalid(
                "SMS_DELIVERY",
                format!("expected outbox or sns, got {other:?}"),
            )),
        }
    }

    /// Where the outbox adapter writes emails and texts (`LOCAL_OUTBOX_DIR`).
    fn outbox_dir(&self) -> String {
        self.string("LOCAL_OUTBOX_DIR", ".local/outbox")
    }

    /// `PROBLEM_BASE_URL`: unset or `about:blank` (RFC 9457's default), or an http(s) URL.
    fn problem_base_url(&self) -> Result<Option<String>, ConfigError> {
        const VAR: &str = "PROBLEM_BASE_URL";
        let set = self.get(VAR).map(str::trim);
        match set.filter(|v| !v.is_empty() && *v != "about:blank") {
            None => Ok(None),
            Some(url) if url.starts_with("https://") || url.starts_with("http://") => {
                Ok(Some(url.trim_end_matches('/').to_string()))
            }
            Some(other) => Err(invalid(
                VAR,
                format!("expected an http(s) URL, got {other:?}"),
            )),
        }
    }

    fn regions(&self, var: &'static str, default: &str) -> Result<Vec<String>, ConfigError> {
        self.list(var, default)
            .into_iter()
            .map(|code| match is_known_region(&code) {
                true => Ok(code),
                false => Err(invalid(var, format!("not an ISO 3166 region: {code:?}"))),
            })
            .collect()
    }

    fn email_delivery(&self) -> Result<EmailDelivery, ConfigError> {
        match self.get("EMAIL_DELIVERY").unwrap_or("outbox") {
            "outbox" => Ok(EmailDelivery::Outbox(self.outbox_dir())),
            "ses" => Ok(EmailDelivery::Ses),
            other => Err(invalid(
                "EMAIL_DELIVERY",
                format!("expected outbox or ses, got {other:?}"),
            )),
        }
    }

    fn number(
        &self,
        var: &'static str,
        default: i64,
        min: i64,
        max: i64,
    ) -> Result<i64, ConfigError> {
        let Some(raw) = self.get(var) else {
            return Ok(default);
        };
        let value: i64 = raw
            .parse()
            .map_err(|_| invalid(var, format!("expected a whole number, got {raw:?}")))?;
        if !(min..=max).contains(&value) {
            return Err(invalid(var, format!("must be between {min} and {max}")));
        }
        Ok(value)
    }

    fn optional<T, E>(
        &self,
        var: &'static str,
        parse: fn(&str) -> Result<T, E>,
    ) -> Result<Option<T>, ConfigError> {
        match self.get(var) {
            None => Ok(None),
            Some(raw) => parse(raw)
                .map(Some)
                .map_err(|_| invalid(var, "malformed value")),
        }
    }

    fn secret(
        &self,
        var: &'static str,
        missing: MissingSecrets,
    ) -> Result<SecretSlice<u8>, ConfigError> {
        match self.get(var) {
            Some(raw) => decode_secret(var, raw),
            None if missing == MissingSecrets::GenerateEphemeral => Ok(random_bytes(32).into()),
            None => Err(invalid(var, "is required (base64url, at least 32 bytes)")),
        }
    }

    /// A secret only some functions are given: absent is not an error when deployed.
    fn optional_secret(
        &self,
        var: &'static str,
        missing: MissingSecrets,
    ) -> Result<Option<SecretSlice<u8>>, ConfigError> {
        match (self.get(var), missing) {
            (None, MissingSecrets::Fail) => Ok(None),
            _ => self.secret(var, missing).map(Some),
        }
    }

    /// `JWT_SIGNING_KEY=kid:base64url` (PKCS#8) where tokens are minted, and
    /// `JWT_PUBLIC_KEYS=kid:base64url,...` (DER) everywhere. Locally, with
    /// neither, one ephemeral pair per process.
    fn jwt_keys(
        &self,
        missing: MissingSecrets,
    ) -> Result<(Option<SigningKey>, Vec<VerifyingKey>), ConfigError> {
        const SIGNING: &str = "JWT_SIGNING_KEY";
        const PUBLIC: &str = "JWT_PUBLIC_KEYS";
        let mut signing = self
            .get(SIGNING)
            .map(SigningKey::parse)
            .transpose()
            .map_err(|m| invalid(SIGNING, &m))?;
        let public: Option<Vec<VerifyingKey>> = self
            .get(PUBLIC)
            .map(|raw| raw.split(',').map(VerifyingKey::parse).collect())
            .transpose()
            .map_err(|m| invalid(PUBLIC, &m))?;
        if signing.is_none() && public.is_none() {
            if missing == MissingSecrets::Fail {
                return Err(invalid(PUBLIC, "is required (kid:base64url DER,...)"));
            }
            signing = Some(keys::ephemeral().map_err(|m| invalid(SIGNING, &m))?);
        }
        let own = signing.as_ref().map(|s| s.verifying.clone());
        let public = match (public, own) {
            (Some(public), Some(own)) if !public.contains(&own) => {
                return Err(invalid(
                    PUBLIC,
                    "must include the public half of JWT_SIGNING_KEY",
                ))
            }
            (Some(public), _) => public,
            (None, own) => own.into_iter().collect(),
        };
        Ok((signing, public))
    }
}

fn decode_secret(var: &'static str, raw: &str) -> Result<SecretSlice<u8>, ConfigError> {
    let bytes = b64url_decode(raw.trim_end_matches('='))
        .ok_or_else(|| invalid(var, "must be base64url"))?;
    if bytes.len() < 32 {
        return Err(invalid(var, "must decode to at least 32 bytes"));
    }
    Ok(bytes.into())
}

#[cfg(test)]
mod tests;
