//! Client metadata (keyed IP hash), per-IP rate limits and security events.

use crate::error::{ApiError, RequestError};
use serde_json::Value;

use crate::app::Core;
use crate::clock::UnixSecs;
use crate::crypto::hmac_b64;
use crate::domain::{new_id, AuditEvent, AuditType, UserId};
use crate::Caller;

/// Security events and rate-limit state are kept 30 days at most.
pub const RETENTION_SECONDS: i64 = 30 * 86_400;
const WINDOW_SECONDS: i64 = 60;

/// What we keep about a caller: never the raw IP.
#[derive(Clone, Debug, Default)]
pub struct ClientMeta {
    pub ip_hash: Option<String>,
    pub user_agent: Option<String>,
}

impl Core {
    pub fn ip_hash(&self, ip: &str) -> String {
        hmac_b64(&self.keys.ip_pepper, &[ip.as_bytes()])
    }

    /// `IP_RATE_LIMIT` requests per minute per client IP for one route.
    pub async fn limit_ip(&self, route: &str, meta: &ClientMeta) -> Result<(), ApiError> {
        let key = format!("{route}#{}", meta.ip_hash.as_deref().unwrap_or("unknown"));
        let now = self.clock.now_secs();
        self.limit(&key, self.settings.ip_rate_limit, WINDOW_SECONDS, now)
            .await
    }

    /// At most `max` hits on `key` per fixed window of `window` seconds; then
    /// `RateLimited` until the window ends.
    pub async fn limit(
        &self,
        key: &str,
        max: u32,
        window: i64,
        now: UnixSecs,
    ) -> Result<(), ApiError> {
        let window_start = now - now.0.rem_euclid(window);
        let hits = self.store.hit(key, window_start, window).await?;
        if hits > max {
            return Err(ApiError::Request(RequestError::RateLimited {
                retry_after: window_start + window - now,
            }));
        }
        Ok(())
    }

    /// A security event about the authenticated caller of this request.
    pub async fn audit_caller(
        &self,
        kind: AuditType,
        meta: &ClientMeta,
        caller: &Caller,
        detail: Value,
    ) -> Result<(), ApiError> {
        self.audit(kind, Some(caller.user_id()), meta, detail).await
    }

    pub async fn audit(
        &self,
        kind: AuditType,
        user_id: Option<&UserId>,
        meta: &ClientMeta,
        detail: Value,
    ) -> Result<(), ApiError> {
        let at = self.clock.now_ms();
        let event = AuditEvent {
            id: new_id(),
            kind,
            user_id: user_id.cloned(),
            ip_hash: meta.ip_hash.clone(),
            user_agent: meta.user_agent.clone(),
            at,
            detail,
        };
        let expires_at = at.to_secs() + RETENTION_SECONDS;
        self.store.record_event(&event, expires_at).await?;
        // Logins, failures, lockouts and the rest, for the operators' graphs.
        metrics::counter!("security_events", "event" => kind.as_str()).increment(1);
        Ok(())
    }
}
