//! The three browser cookies of the web flow, and the one that binds an
//! identity-provider sign-in to the browser that started it.

use cookie::{Cookie, SameSite};
use http::HeaderMap;

pub const ACCESS: &str = "__Host-access_token";
pub const REFRESH: &str = "__Secure-refresh_token";
pub const CSRF: &str = "__Host-csrf_token";
pub const REFRESH_PATH: &str = "/v1/auth";
pub const OIDC_FLOW: &str = "__Host-oidc_flow";

fn build(
    name: &'static str,
    value: String,
    path: &'static str,
    http_only: bool,
    max_age: i64,
) -> String {
    Cookie::build((name, value))
        .secure(true)
        .http_only(http_only)
        .same_site(SameSite::Strict)
        .path(path)
        .max_age(cookie::time::Duration::seconds(max_age))
        .build()
        .to_string()
}

pub struct WebCookies<'a> {
    pub access_token: &'a str,
    pub access_max_age: i64,
    pub refresh_token: &'a str,
    pub refresh_max_age: i64,
    pub csrf_token: &'a str,
}

/// `Set-Cookie` values for a fresh login or refresh.
pub fn set(c: WebCookies<'_>) -> [String; 3] {
    [
        build(
            ACCESS,
            c.access_token.to_string(),
            "/",
            true,
            c.access_max_age,
        ),
        build(
            REFRESH,
            c.refresh_token.to_string(),
            REFRESH_PATH,
            true,
            c.refresh_max_age,
        ),
        build(
            CSRF,
            c.csrf_token.to_string(),
            "/",
            false,
            c.refresh_max_age,
        ),
    ]
}

/// `__Host-oidc_flow`: `SameSite=Lax`, because the provider's redirect back
/// to the callback is a cross-site top-level navigation that must carry it.
pub fn oidc_flow(value: &str, max_age: i64) -> String {
    Cookie::build((OIDC_FLOW, value.to_string()))
        .secure(true)
        .http_only(true)
        .same_site(SameSite::Lax)
        .path("/")
        .max_age(cookie::time::Duration::seconds(max_age))
        .build()
        .to_string()
}

/// Clears `__Host-oidc_flow` once its flow is over.
pub fn clear_oidc_flow() -> String {
    oidc_flow("", 0)
}

/// `Set-Cookie` values that clear all three (`Max-Age=0`).
pub fn clear() -> [String; 3] {
    [
        build(ACCESS, String::new(), "/", true, 0),
        build(REFRESH, String::new(), REFRESH_PATH, true, 0),
        build(CSRF, String::new(), "/", false, 0),
    ]
}

/// The value of one request cookie, from every `Cookie` header.
pub fn read(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| Cookie::split_parse(v.to_string()))
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn login_cookies_carry_the_documented_attributes() {
        let [access, refresh, csrf] = set(WebCookies {
            access_token: "a",
            access_max_age: 900,
            refresh_token: "r",
            refresh_max_age: 60,
            csrf_token: "c",
        });
        assert!(access.starts_with("__Host-access_token=a;"));
        for attr in [
            "HttpOnly",
            "Secure",
            "SameSite=Strict",
            "Path=/",
            "Max-Age=900",
        ] {
            assert!(access.contains(attr), "{access} lacks {attr}");
        }
        assert!(refresh.contains("Path=/v1/auth") && refresh.contains("HttpOnly"));
        assert!(!csrf.contains("HttpOnly") && csrf.contains("Secure"));
    }

    #[test]
    fn cleared_cookies_expire_at_once() {
        assert!(clear().iter().all(|c| c.contains("Max-Age=0")));
    }

    #[test]
    fn request_cookies_are_found_by_name() {
        let mut h = HeaderMap::new();
        h.insert(
            http::header::COOKIE,
            "a=1; __Host-csrf_token=xyz".parse().unwrap(),
        );
        assert_eq!(read(&h, CSRF).as_deref(), Some("xyz"));
        assert_eq!(read(&h, ACCESS), None);
    }
}
