//! CORS for origins in `ALLOWED_ORIGINS`; every other origin gets no CORS header.

use http::{HeaderMap, HeaderValue};

pub const ALLOW_HEADERS: &str =
    "Authorization, Content-Type, X-CSRF-Token, If-Match, If-None-Match";
pub const EXPOSE_HEADERS: &str = "ETag, Location, Retry-After, X-Request-Id";
pub const ALLOW_METHODS: &str = "GET, POST, PUT, PATCH, DELETE, OPTIONS";
/// How long a browser may keep a preflight's answer, in seconds.
pub const MAX_AGE: &str = "600";

fn allowed<'a>(origin: Option<&'a str>, allowed: &[String]) -> Option<&'a str> {
    origin.filter(|o| allowed.iter().any(|a| a == o))
}

/// Headers for an actual (non-preflight) response.
pub fn apply(headers: &mut HeaderMap, origin: Option<&str>, allowed_origins: &[String]) {
    let Some(origin) = allowed(origin, allowed_origins) else {
        return;
    };
    if let Ok(v) = HeaderValue::from_str(origin) {
        headers.insert("access-control-allow-origin", v);
        headers.insert(
            "access-control-allow-credentials",
            HeaderValue::from_static("true"),
        );
        headers.insert(
            "access-control-expose-headers",
            HeaderValue::from_static(EXPOSE_HEADERS),
        );
        headers.append(http::header::VARY, HeaderValue::from_static("Origin"));
    }
}

/// Headers for a preflight (`OPTIONS`) answer; empty for an unknown origin.
pub fn preflight(origin: Option<&str>, allowed_origins: &[String]) -> HeaderMap {
    let mut headers = HeaderMap::new();
    apply(&mut headers, origin, allowed_origins);
    if headers.contains_key("access-control-allow-origin") {
        headers.insert(
            "access-control-allow-methods",
            HeaderValue::from_static(ALLOW_METHODS),
        );
        headers.insert(
            "access-control-allow-headers",
            HeaderValue::from_static(ALLOW_HEADERS),
        );
        headers.insert("access-control-max-age", HeaderValue::from_static(MAX_AGE));
    }
    headers
}

#[cfg(test)]
mod tests {
    use super::*;

    fn origins() -> Vec<String> {
        vec!["http://localhost:5173".into()]
    }

    #[test]
    fn an_allowed_origin_is_echoed_with_credentials() {
        let mut h = HeaderMap::new();
        apply(&mut h, Some("http://localhost:5173"), &origins());
        assert_eq!(h["access-control-allow-origin"], "http://localhost:5173");
        assert_eq!(h["access-control-allow-credentials"], "true");
        assert_eq!(h["access-control-expose-headers"], EXPOSE_HEADERS);
    }

    #[test]
    fn other_origins_get_no_cors_headers() {
        let h = preflight(Some("http://evil.test"), &origins());
        assert!(h.is_empty());
    }

    #[test]
    fn preflights_allow_the_documented_headers() {
        let h = preflight(Some("http://localhost:5173"), &origins());
        assert_eq!(h["access-control-allow-headers"], ALLOW_HEADERS);
    }
}
