//! The one mapping from failures to HTTP: the status, the problem's stable
//! `code` and its human `detail`. The core names failures; only the edge
//! words them.

use http::StatusCode;

use think_tank_core::error::ApiError;

pub fn status(err: &ApiError) -> StatusCode {
    use ApiError::*;
    match err {
        Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
        Unauthorized
        | MalformedToken
        | InvalidCredentials
        | TokenExpired
        | TokenRevoked
        | RefreshReused
        | MfaRequired { .. }
        | InvalidLoginCode => StatusCode::UNAUTHORIZED,
        InvalidCode => StatusCode::UNPROCESSABLE_ENTITY,
        InvalidToken => StatusCode::BAD_REQUEST,
        CsrfFailed | Forbidden | ReauthenticationRequired | EmailNotVerified => {
            StatusCode::FORBIDDEN
        }
        NotFound => StatusCode::NOT_FOUND,
        EmailTaken | Conflict => StatusCode::CONFLICT,
        PreconditionFailed => StatusCode::PRECONDITION_FAILED,
        PayloadTooLarge | FileTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        RateLimited { .. } | AccountLocked { .. } => StatusCode::TOO_MANY_REQUESTS,
        Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// The problem's stable `code`.
pub fn code(err: &ApiError) -> &'static str {
    use ApiError::*;
    match err {
        Validation(_) => "validation_failed",
        Unauthorized | MalformedToken => "unauthorized",
        InvalidCredentials => "invalid_credentials",
        MfaRequired { .. } => "mfa_required",
        InvalidCode | InvalidLoginCode => "invalid_code",
        TokenExpired => "token_expired",
        TokenRevoked => "token_revoked",
        RefreshReused => "refresh_reused",
        InvalidToken => "invalid_token",
        CsrfFailed => "csrf_failed",
        ReauthenticationRequired => "reauthentication_required",
        EmailNotVerified => "email_not_verified",
        Forbidden => "forbidden",
        NotFound => "not_found",
        EmailTaken => "email_taken",
        Conflict => "conflict",
        PreconditionFailed => "precondition_failed",
        PayloadTooLarge => "payload_too_large",
        FileTooLarge => "file_too_large",
        UnsupportedMediaType => "unsupported_media_type",
        RateLimited { .. } => "rate_limited",
        AccountLocked { .. } => "account_locked",
        Unavailable(_) => "unavailable",
        Internal(_) => "internal_error",
    }
}

/// A human sentence for the problem's `detail`; never internal text.
pub fn detail(err: &ApiError) -> &'static str {
    use ApiError::*;
    match err {
        Validation(_) => "The request is not valid; see errors.",
        Unauthorized => "Authentication is required.",
        MalformedToken => "The access token is not valid.",
        InvalidCredentials => "The email or password is wrong.",
        MfaRequired { .. } => {
            "Send a code from a second factor to POST /v1/auth/login/mfa with mfa_token."
        }
        InvalidCode | InvalidLoginCode => "The code is wrong, expired or already used.",
        TokenExpired => "The access token has expired.",
        TokenRevoked => "The access token has been revoked.",
        RefreshReused => "The refresh token was already used; the session is revoked.",
        InvalidToken => "The token is invalid, expired or already used.",
        CsrfFailed => "The CSRF token is missing or does not match this session.",
        ReauthenticationRequired => "Sign in again (POST /v1/auth/reauthenticate) to do this.",
        EmailNotVerified => {
            "Confirm your email address first (POST /v1/auth/verify-email/resend sends a new link)."
        }
        Forbidden => "You do not have permission for this action.",
        NotFound => "The resource does not exist.",
        EmailTaken => "An account with this email already exists.",
        Conflict => "The request conflicts with the current state.",
        PreconditionFailed => "The resource has changed since the given ETag.",
        PayloadTooLarge => "The request body is larger than 64 KiB.",
        FileTooLarge => "The file is larger than uploads may be.",
        UnsupportedMediaType => "The request body must be application/json.",
        RateLimited { .. } => "Too many requests; retry later.",
        AccountLocked { .. } => "Too many failed logins; the account is locked for now.",
        Unavailable(_) => "A dependency is unavailable; retry later.",
        Internal(_) => "An unexpected error occurred.",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use think_tank_core::error::StoreError;

    #[test]
    fn every_code_maps_to_its_documented_status() {
        let cases: Vec<(ApiError, u16, &str)> = vec![
            (ApiError::field("email", "bad"), 422, "validation_failed"),
            (ApiError::InvalidCredentials, 401, "invalid_credentials"),
            (ApiError::InvalidCode, 422, "invalid_code"),
            (ApiError::InvalidLoginCode, 401, "invalid_code"),
            (ApiError::TokenRevoked, 401, "token_revoked"),
            (ApiError::RefreshReused, 401, "refresh_reused"),
            (ApiError::InvalidToken, 400, "invalid_token"),
            (ApiError::CsrfFailed, 403, "csrf_failed"),
            (ApiError::EmailNotVerified, 403, "email_not_verified"),
            (ApiError::EmailTaken, 409, "email_taken"),
            (ApiError::PayloadTooLarge, 413, "payload_too_large"),
            (
                ApiError::UnsupportedMediaType,
                415,
                "unsupported_media_type",
            ),
            (
                ApiError::AccountLocked { retry_after: 10 },
                429,
                "account_locked",
            ),
            (
                ApiError::Unavailable(anyhow::anyhow!("x")),
                503,
                "unavailable",
            ),
        ];
        for (err, expected, code) in cases {
            assert_eq!((status(&err).as_u16(), super::code(&err)), (expected, code));
        }
    }

    #[test]
    fn storage_failures_never_surface_their_text() {
        let err: ApiError =
            StoreError::Unexpected(anyhow::anyhow!("Table think-tank missing")).into();
        assert_eq!(status(&err).as_u16(), 500);
        assert!(!detail(&err).contains("think-tank"));
    }
}
