//! The redirect dance step by step, as a browser without JavaScript does it.

use std::collections::HashMap;

use super::*;

/// The app's PKCE verifier; [`CHALLENGE`] is its S256.
pub const VERIFIER: &str = "dBjftJeZ4CVP-mJ92ZhsYrTO7MktlWoYT6rxpNVs8Qw";
pub const FLOW_COOKIE: &str = "__Host-oidc_flow";

/// A sign-in started at the API: the provider's URL and (web) the cookie
/// that binds it to this browser.
pub struct Started {
    pub location: String,
    pub flow_cookie: Option<String>,
}

pub async fn start_web(api: &Api) -> Started {
    let query = format!("redirect_uri={}&mode=web&state=app-state", encoded(APP));
    started(authorize(api, &query).await)
}

pub async fn start_mobile(api: &Api) -> Started {
    let query = format!(
        "redirect_uri={}&mode=mobile&state=app-state&code_challenge={CHALLENGE}",
        encoded(MOBILE_APP)
    );
    started(authorize(api, &query).await)
}

fn started(res: Resp) -> Started {
    assert_eq!(res.status, 302, "{}", res.body);
    Started {
        location: res.header("location").unwrap().to_string(),
        flow_cookie: res.cookie(FLOW_COOKIE),
    }
}

/// Someone new to this API, with an address the provider vouches for.
pub fn someone_new() -> Value {
    json!({ "email": format!("{}@example.com", e2e::unique_name("oidc")) })
}

pub fn person(email: &str) -> Value {
    json!({ "email": email })
}

/// Calls the callback URL the provider sent the browser to, carrying `cookie`.
pub async fn call_back(url: &str, cookie: Option<&str>) -> Resp {
    get_without_redirects(url, cookie).await
}

/// `GET url` (with `cookie`) as a browser would, but answering the redirect itself.
pub async fn get_without_redirects(url: &str, cookie: Option<&str>) -> Resp {
    let client = reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .unwrap();
    let mut req = client.get(url);
    if let Some(cookie) = cookie {
        req = req.header("cookie", cookie);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    let text = res.text().await.unwrap_or_default();
    let content_type = headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let path = url::Url::parse(url).unwrap().path().to_string();
    e2e::openapi::check_response("GET", &path, status, content_type, &text);
    let body = serde_json::from_str(&text).unwrap_or_default();
    Resp {
        status,
        headers,
        body,
    }
}

/// A whole web sign-in as `who`, up to the callback's answer.
pub async fn web_sign_in_as(api: &Api, who: Value) -> Resp {
    let started = start_web(api).await;
    let back = through_the_provider_as(&started.location, &api.base, who).await;
    call_back(&back, started.flow_cookie.as_deref()).await
}

/// The query the callback sent the browser back to `app` with.
pub fn landed(res: &Resp, app: &str) -> HashMap<String, String> {
    assert_eq!(res.status, 303, "{}", res.body);
    let location = res.header("location").unwrap();
    assert!(location.starts_with(&format!("{app}?")), "{location}");
    query_of(location)
}

/// The error the app was sent back with; no session came with it.
pub fn refused_with(res: &Resp) -> String {
    let query = landed(res, APP);
    assert!(res.cookie("__Host-access_token").is_none());
    assert_eq!(query["state"], "app-state");
    query.get("error").cloned().unwrap_or_default()
}

/// The access token of a web sign-in that succeeded.
pub fn signed_in(res: &Resp) -> String {
    let query = landed(res, APP);
    assert_eq!(query.get("error"), None);
    let cookie = res.cookie("__Host-access_token").expect("session cookies");
    cookie.split_once('=').unwrap().1.to_string()
}
