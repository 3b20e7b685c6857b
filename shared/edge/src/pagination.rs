//! `limit` and tamper-proof `cursor` query parameters. The cursor is the store's
//! position plus an HMAC, so a forged one is a 422, never a read elsewhere.

use crate::http::Ctx;
use think_tank_core::crypto::{b64url_decode, b64url_encode, constant_time_eq, hmac_b64};
use think_tank_core::error::ApiError;

pub const DEFAULT_LIMIT: usize = 20;
pub const MAX_LIMIT: usize = 100;

pub struct PageRequest {
    pub limit: usize,
    pub after: Option<String>,
}

/// `scope` binds a cursor to one listing (and its filters).
pub fn page_request(ctx: &Ctx, key: &[u8], scope: &str) -> Result<PageRequest, ApiError> {
    let limit = match ctx.query("limit") {
        None => DEFAULT_LIMIT,
        Some(raw) => raw
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=MAX_LIMIT).contains(n))
            .ok_or_else(|| {
                ApiError::field(
                    "limit",
                    format!("must be a whole number from 1 to {MAX_LIMIT}"),
                )
            })?,
    };
    let after = match ctx.query("cursor") {
        None | Some("") => None,
        Some(raw) => Some(
            open(key, scope, raw)
                .ok_or_else(|| ApiError::field("cursor", "is not a valid cursor"))?,
        ),
    };
    Ok(PageRequest { limit, after })
}

pub fn seal(key: &[u8], scope: &str, position: &str) -> String {
    let body = b64url_encode(position.as_bytes());
    let tag = hmac_b64(key, &[scope.as_bytes(), body.as_bytes()]);
    format!("{body}.{tag}")
}

fn open(key: &[u8], scope: &str, cursor: &str) -> Option<String> {
    let (body, tag) = cursor.split_once('.')?;
    if !constant_time_eq(tag, &hmac_b64(key, &[scope.as_bytes(), body.as_bytes()])) {
        return None;
    }
    String::from_utf8(b64url_decode(body)?).ok()
}

#[derive(serde::Serialize)]
pub struct Listing<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

impl<T> Listing<T> {
    pub fn new(page: think_tank_core::domain::Page<T>, key: &[u8], scope: &str) -> Self {
        Self {
            next_cursor: page.next.map(|p| seal(key, scope, &p)),
            items: page.items,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &[u8] = b"cursor-key-cursor-key-cursor-key";

    #[test]
    fn a_sealed_cursor_opens_in_its_own_scope_only() {
        let c = seal(KEY, "users", "0190-abc");
        assert_eq!(open(KEY, "users", &c).as_deref(), Some("0190-abc"));
        assert_eq!(open(KEY, "audit", &c), None);
    }

    #[test]
    fn a_forged_cursor_does_not_open() {
        let c = seal(KEY, "users", "a");
        let forged = format!("{}.{}", b64url_encode(b"b"), c.split_once('.').unwrap().1);
        for raw in [forged.as_str(), "garbage", "x.y", ""] {
            assert_eq!(open(KEY, "users", raw), None, "{raw:?}");
        }
    }
}
