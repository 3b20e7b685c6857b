//! The one mapping from failures to HTTP status.

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
            assert_eq!((status(&err).as_u16(), err.code()), (expected, code));
        }
    }

    #[test]
    fn storage_failures_never_surface_their_text() {
        let err: ApiError =
            StoreError::Unexpected(anyhow::anyhow!("Table think-tank missing")).into();
        assert_eq!(status(&err).as_u16(), 500);
        assert!(!err.detail().contains("think-tank"));
    }
}
