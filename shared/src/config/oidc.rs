//! `OIDC_PROVIDERS` and `OAUTH_REDIRECT_URIS`, checked at start: names fit in
//! a URL path, issuers are HTTPS (plain HTTP only on loopback, for local
//! development), redirect URIs are absolute and compared exactly.

use serde::Deserialize;

use think_tank_core::settings::OidcProvider;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    name: String,
    issuer: String,
    client_id: String,
    #[serde(default)]
    scopes: Option<String>,
    #[serde(default)]
    link_by_email: bool,
}

const DEFAULT_SCOPES: &str = "openid email profile";

pub fn providers(raw: Option<&str>) -> Result<Vec<OidcProvider>, String> {
    let Some(raw) = raw else {
        return Ok(Vec::new());
    };
    let entries: Vec<Entry> = serde_json::from_str(raw).map_err(|e| {
        format!("must be a JSON array of {{name, issuer, client_id, scopes?, link_by_email?}}: {e}")
    })?;
    let mut providers: Vec<OidcProvider> = Vec::new();
    for entry in entries {
        let valid_name = (1..=32).contains(&entry.name.len())
            && entry
                .name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !valid_name {
            return Err(format!("{:?}: a name is 1..32 of [a-z0-9-]", entry.name));
        }
        if providers.iter().any(|p| p.name == entry.name) {
            return Err(format!("{:?} is named twice", entry.name));
        }
        check_issuer(&entry.issuer)?;
        if entry.client_id.is_empty() {
            return Err(format!("{:?}: client_id is empty", entry.name));
        }
        let scopes = entry.scopes.as_deref().unwrap_or(DEFAULT_SCOPES);
        providers.push(OidcProvider {
            name: entry.name,
            issuer: entry.issuer.trim_end_matches('/').to_string(),
            client_id: entry.client_id,
            scopes: scopes.split_whitespace().map(str::to_string).collect(),
            link_by_email: entry.link_by_email,
        });
    }
    Ok(providers)
}

fn check_issuer(issuer: &str) -> Result<(), String> {
    let loopback = ["http://127.0.0.1", "http://localhost", "http://[::1]"];
    let on_loopback = |prefix: &&str| {
        issuer
            .strip_prefix(*prefix)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with([':', '/']))
    };
    if issuer.starts_with("https://") || loopback.iter().any(on_loopback) {
        Ok(())
    } else {
        Err(format!(
            "{issuer:?}: issuers are https:// (http:// only on loopback)"
        ))
    }
}

pub fn redirect_uris(raw: Option<&str>) -> Result<Vec<String>, String> {
    let Some(raw) = raw else {
        return Ok(Vec::new());
    };
    raw.split(',')
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .map(|uri| match uri.split_once(':') {
            Some((scheme, rest))
                if !scheme.is_empty() && !rest.is_empty() && !uri.contains('#') =>
            {
                Ok(uri.to_string())
            }
            _ => Err(format!("{uri:?} is not an absolute URI without a fragment")),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn providers_default_their_scopes_and_trim_the_issuer() {
        let raw =
            r#"[{"name":"google","issuer":"https://accounts.google.com/","client_id":"abc"}]"#;
        let parsed = providers(Some(raw)).unwrap();
        assert_eq!(parsed[0].issuer, "https://accounts.google.com");
        assert_eq!(parsed[0].scopes, ["openid", "email", "profile"]);
        assert!(!parsed[0].link_by_email, "linking by email is opt-in");
    }

    #[test]
    fn plain_http_issuers_are_refused_off_loopback() {
        for issuer in [
            "http://idp.example.com",
            "http://127.0.0.1.evil.com",
            "ftp://x",
        ] {
            let raw = format!(r#"[{{"name":"x","issuer":"{issuer}","client_id":"c"}}]"#);
            assert!(providers(Some(&raw)).is_err(), "{issuer}");
        }
        let local = r#"[{"name":"local","issuer":"http://127.0.0.1:9090","client_id":"c"}]"#;
        assert!(providers(Some(local)).is_ok());
    }

    #[test]
    fn bad_names_and_duplicates_are_refused() {
        let upper = r#"[{"name":"Google","issuer":"https://a","client_id":"c"}]"#;
        assert!(providers(Some(upper)).is_err());
        let twice = r#"[{"name":"a","issuer":"https://a","client_id":"c"},{"name":"a","issuer":"https://b","client_id":"c"}]"#;
        assert!(providers(Some(twice)).is_err());
    }

    #[test]
    fn redirect_uris_are_kept_exactly_and_must_be_absolute() {
        let uris = redirect_uris(Some(
            "https://app.example.com/auth/done/, com.example.app:/oauth",
        ))
        .unwrap();
        assert_eq!(
            uris,
            [
                "https://app.example.com/auth/done/",
                "com.example.app:/oauth"
            ]
        );
        assert!(redirect_uris(Some("/relative")).is_err());
        assert!(redirect_uris(Some("https://a.example/#frag")).is_err());
    }
}
