//! The OpenAPI description of the authentication routes.

use edge::auth::signed_in::{TokenResponse, WebRefresh, WebSignIn};
use edge::openapi::{text, Operation};
use serde_json::json;
use think_tank_core::domain::{Profile, User};

use crate::bodies::*;
use crate::replies::SessionList;

fn cookies_set() -> &'static str {
    use edge::http::cookies::{ACCESS, CSRF, REFRESH};
    text(format!(
        "Sets `{ACCESS}`, `{REFRESH}` (HttpOnly) and `{CSRF}`."
    ))
}

pub fn operations() -> Vec<Operation> {
    vec![
        Operation::new("register", "auth", "Create an account")
            .describe("Emails a verification link; the account can sign in once the address is confirmed.")
            .body::<RegisterBody>(json!({ "email": "ada@example.com", "password": "correct horse battery", "name": "Ada" }))
            .envelope::<User>(201, "The new account.")
            .errors(&["email_taken", "rate_limited"]),
        Operation::new("login", "auth", "Sign in (mobile): tokens in the body")
            .describe("Answers `401 mfa_required` with an `mfa_token` when the account has a second factor, and `403 email_not_verified` for a right password on an account whose address is not confirmed yet.")
            .body::<LoginBody>(json!({ "email": "ada@example.com", "password": "correct horse battery", "device_name": "Pixel 9" }))
            .reply::<TokenResponse>(200, "An access token and a refresh token.")
            .errors(&["invalid_credentials", "mfa_required", "email_not_verified", "account_locked", "rate_limited"]),
        Operation::new("login-web", "auth", "Sign in (browser): tokens in cookies")
            .body::<LoginBody>(json!({ "email": "ada@example.com", "password": "correct horse battery" }))
            .reply::<WebSignIn>(200, "The user and the CSRF token.")
            .header("Set-Cookie", cookies_set())
            .errors(&["invalid_credentials", "mfa_required", "email_not_verified", "account_locked", "rate_limited"]),
        Operation::new("login-mfa", "auth", "Finish a sign-in with a second factor")
            .describe("Answers as the sign-in that issued the `mfa_token`: tokens, or cookies for a browser sign-in.")
            .body::<MfaLoginBody>(json!({ "mfa_token": "…", "code": "123456" }))
            .reply_either::<TokenResponse, WebSignIn>(200, "Tokens, or for a browser sign-in the user, the CSRF token and cookies.")
            .header("Set-Cookie", cookies_set())
            .errors(&["invalid_token", "invalid_code", "account_locked", "rate_limited"]),
        Operation::new("login-mfa-sms", "auth", "Text the code for a pending sign-in")
            .body::<MfaTokenBody>(json!({ "mfa_token": "…" }))
            .empty(202, "A code is on its way, if the account has SMS as a factor.")
            .errors(&["invalid_token", "conflict", "rate_limited"]),
        Operation::new("refresh", "sessions", "Rotate the refresh token")
            .describe(text(format!("Mobile: `{{\"refresh_token\"}}` in the body. Browser: an empty body, the `{}` cookie and `X-CSRF-Token`.", edge::http::cookies::REFRESH)))
            .body::<RefreshBody>(json!({ "refresh_token": "…" }))
            .body_optional()
            .request_header("X-CSRF-Token", "The web flow's CSRF token (browser refresh).")
            .reply_either::<TokenResponse, WebRefresh>(200, "New tokens, or for a browser the new CSRF token and cookies.")
            .header("Set-Cookie", cookies_set())
            .errors(&["unauthorized", "token_expired", "token_revoked", "refresh_reused", "invalid_token", "csrf_failed"]),
        Operation::new("logout", "sessions", "Sign out this session")
            .signed_in()
            .empty(204, "Signed out; a browser's cookies are cleared."),
        Operation::new("logout-all", "sessions", "Sign out every session")
            .signed_in()
            .empty(204, "Every session of the user is revoked."),
        Operation::new("sessions-list", "sessions", "List my sessions")
            .signed_in()
            .reply::<SessionList>(200, "The user's live sessions; `current` marks this one."),
        Operation::new("session-revoke", "sessions", "Revoke one of my sessions")
            .signed_in()
            .empty(204, "Revoked.")
            .errors(&["not_found"]),
        Operation::new("me", "auth", "My profile")
            .signed_in()
            .envelope::<Profile>(200, "The user, with what only its owner sees."),
        Operation::new("me-update", "auth", "Rename me")
            .signed_in()
            .body::<MeBody>(json!({ "name": "Ada Lovelace" }))
            .envelope::<User>(200, "The renamed user."),
        Operation::new("password-change", "auth", "Change my password")
            .describe("Revokes every other session.")
            .signed_in()
            .body::<PasswordChangeBody>(json!({ "current_password": "correct horse battery", "new_password": "a new long passphrase" }))
            .empty(204, "Changed.")
            .errors(&["invalid_credentials", "account_locked", "rate_limited"]),
        Operation::new("reauthenticate", "auth", "Prove it is me again (sudo mode)")
            .describe("Opens the sensitive routes to this session for a few minutes. With MFA on, `code` is required.")
            .signed_in()
            .body::<ReauthBody>(json!({ "password": "correct horse battery", "code": "123456" }))
            .empty(204, "This session may call sensitive routes for a while.")
            .errors(&["invalid_credentials", "invalid_code", "account_locked", "rate_limited"]),
        Operation::new("verify-email", "auth", "Confirm the email address")
            .body::<TokenBody>(json!({ "token": "…" }))
            .envelope::<User>(200, "The user, `email_verified` true.")
            .errors(&["invalid_token"]),
        Operation::new("verify-email-resend", "auth", "Send the verification email again")
            .describe("No session needed. Answers 202 for every well-formed address; a link goes out only to an account that exists and is not verified yet.")
            .body::<EmailBody>(json!({ "email": "ada@example.com" }))
            .empty(202, "If the account exists and is unverified, an email is on its way.")
            .errors(&["rate_limited"]),
        Operation::new("password-forgot", "auth", "Email a password reset link")
            .describe("Answers 202 whether or not the address has an account.")
            .body::<EmailBody>(json!({ "email": "ada@example.com" }))
            .empty(202, "If the account exists, an email is on its way."),
        Operation::new("password-reset", "auth", "Set a new password with the emailed token")
            .body::<ResetBody>(json!({ "token": "…", "new_password": "a new long passphrase" }))
            .describe("Also confirms the address. On an account whose address was never confirmed, the factors, phone and provider identities set up before are removed.")
            .empty(204, "Changed; every session is revoked.")
            .errors(&["invalid_token"]),
        Operation::new("jwks", "auth", "The public keys that verify access tokens")
            .reply::<think_tank_core::tokens::Jwks>(200, "A JSON Web Key Set (RS256).")
            .header("Cache-Control", "`public, max-age=300`: the next key is published before it signs."),
    ]
}
