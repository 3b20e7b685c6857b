//! The end of a provider sign-in: where the callback sends the browser.

use edge::auth::signed_in::WebSession;
use edge::http::cookies;
use edge::http::Reply;
use http::header::LOCATION;
use http::StatusCode;
use think_tank_core::clock::UnixSecs;
use think_tank_core::services::oidc::FlowMode;
use think_tank_core::services::oidc_callback::{CallbackOutcome, ProviderSignIn};
use url::form_urlencoded::Serializer;

/// `303` to the app's redirect URI with the outcome in its query; web mode
/// gets its session cookies, and the flow cookie is cleared either way.
pub fn redirect_to_app(outcome: CallbackOutcome, csrf_key: &[u8], now: UnixSecs) -> Reply {
    let mut query = Serializer::new(String::new());
    let mut set_cookies = Vec::new();
    if outcome.mode == FlowMode::Web {
        set_cookies.push(cookies::clear_oidc_flow());
    }
    match outcome.result {
        Ok(ProviderSignIn::Web(issued)) => {
            set_cookies.extend(WebSession::new(&issued, csrf_key, now).cookies);
        }
        Ok(ProviderSignIn::Mobile { code }) => {
            query.append_pair("code", &code);
        }
        Ok(ProviderSignIn::MfaRequired { mfa_token, methods }) => {
            let methods: Vec<_> = methods.iter().map(|m| m.as_str()).collect();
            query.append_pair("mfa_token", &mfa_token);
            query.append_pair("mfa_methods", &methods.join(","));
        }
        Ok(ProviderSignIn::Linked { provider }) => {
            query.append_pair("linked", &provider);
        }
        Err(error) => {
            query.append_pair("error", error.as_str());
        }
    }
    if let Some(state) = &outcome.app_state {
        query.append_pair("state", state);
    }
    let location = with_query(&outcome.redirect_uri, &query.finish());
    Reply::empty(StatusCode::SEE_OTHER)
        .header(LOCATION, &location)
        .cookies(set_cookies)
}

/// `uri` with `query` appended to any query it already has.
fn with_query(uri: &str, query: &str) -> String {
    match (query.is_empty(), uri.contains('?')) {
        (true, _) => uri.to_string(),
        (false, true) => format!("{uri}&{query}"),
        (false, false) => format!("{uri}?{query}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_outcome_is_appended_to_the_redirect_uris_own_query() {
        assert_eq!(with_query("https://a/done", "x=1"), "https://a/done?x=1");
        assert_eq!(
            with_query("https://a/done?v=2", "x=1"),
            "https://a/done?v=2&x=1"
        );
        assert_eq!(
            with_query("com.example.app:/oauth", ""),
            "com.example.app:/oauth"
        );
    }
}
