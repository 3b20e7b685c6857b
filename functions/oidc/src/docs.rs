//! The OpenAPI description of the OpenID Connect routes.

use edge::auth::signed_in::TokenResponse;
use edge::openapi::{text, Operation};
use serde_json::json;

use crate::{IdentityList, LinkBody, LinkStarted, ProviderList, TokenBody};

pub fn operations() -> Vec<Operation> {
    let string = || json!({ "type": "string" });
    vec![
        Operation::new("oidc-providers", "oidc", "The identity providers one can sign in with")
            .reply::<ProviderList>(200, "The configured providers' names."),
        Operation::new("oidc-authorize", "oidc", "Start a sign-in at a provider")
            .describe("Redirects the browser to the provider. `mode=web` ends with session cookies; `mode=mobile` ends with a one-time `code` for `POST /v1/auth/oidc/token` (`code_challenge` required, S256).")
            .query("redirect_uri", "Where the flow ends; one of the deployment's allowed redirect URIs.", string())
            .query("mode", "`web` or `mobile`.", json!({ "type": "string", "enum": ["web", "mobile"] }))
            .query("state", "Returned as is to `redirect_uri`.", string())
            .query("code_challenge", "Mobile: the S256 PKCE challenge of the app's verifier.", string())
            .empty(302, "To the provider's authorization endpoint.")
            .header("Location", "The provider's authorization URL.")
            .header("Set-Cookie", text(format!("Web mode: `{}`, binding the flow to this browser.", edge::http::cookies::OIDC_FLOW)))
            .errors(&["not_found", "rate_limited"]),
        Operation::new("oidc-callback", "oidc", "Where the provider sends the browser back")
            .describe("Redirects to the app's `redirect_uri` with `code` (mobile), `mfa_token` and `mfa_methods` (web, with a second factor on), or `error`, and `state`; web mode also sets the session cookies. Limited per client IP.")
            .query("state", "The provider's echo of the flow's state.", string())
            .query("code", "The provider's authorization code.", string())
            .query("error", "The provider's error, if it refused.", string())
            .empty(303, "To the app.")
            .header("Location", "The app's redirect URI with the outcome in its query.")
            .header("Set-Cookie", "Web mode: the session cookies; the flow cookie is cleared.")
            .errors(&["invalid_token", "not_found", "rate_limited"]),
        Operation::new("oidc-token", "oidc", "Redeem a mobile sign-in's code")
            .describe("With a second factor on, answers `401 mfa_required` with an `mfa_token`; finish with `POST /v1/auth/login/mfa`.")
            .body::<TokenBody>(json!({ "code": "…", "code_verifier": "…", "device_name": "Pixel 9" }))
            .reply::<TokenResponse>(200, "Tokens, as `POST /v1/auth/login`.")
            .errors(&["invalid_token", "mfa_required", "rate_limited"]),
        Operation::new("identities-list", "oidc", "My linked identities")
            .signed_in()
            .reply::<IdentityList>(200, "The providers this account can sign in with."),
        Operation::new("identity-link", "oidc", "Link a provider to my account (sensitive)")
            .describe("Starts a provider flow that links the identity to the caller's account: open `authorize_url`. The callback then redirects to `redirect_uri?linked=<provider>`, or `?error=<code>` (`identity_taken` when the identity belongs to another account). A browser caller also gets the `__Host-oidc_flow` cookie binding the flow to it.")
            .signed_in()
            .body::<LinkBody>(json!({ "redirect_uri": "https://app.example.com/auth/done" }))
            .reply::<LinkStarted>(200, "Where to send the user.")
            .header("Set-Cookie", "A browser caller: `__Host-oidc_flow`, binding the flow to this browser.")
            .errors(&["reauthentication_required", "not_found", "rate_limited"]),
        Operation::new("identity-unlink", "oidc", "Unlink a provider (sensitive)")
            .describe("Refused (`409`) when it is the account's only way to sign in.")
            .signed_in()
            .empty(204, "Unlinked.")
            .errors(&["reauthentication_required", "not_found", "conflict"]),
    ]
}
