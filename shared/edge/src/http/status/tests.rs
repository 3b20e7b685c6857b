use super::*;
use think_tank_core::error::StoreError;

#[test]
fn every_code_maps_to_its_documented_status() {
    let cases: Vec<(ApiError, u16, &str)> = vec![
        (ApiError::field("email", "bad"), 422, "validation_failed"),
        (
            ApiError::SignIn(SignInError::InvalidCredentials),
            401,
            "invalid_credentials",
        ),
        (
            ApiError::Factor(FactorError::WrongCode),
            422,
            "invalid_code",
        ),
        (
            ApiError::SignIn(SignInError::WrongCode),
            401,
            "invalid_code",
        ),
        (
            ApiError::Access(AccessError::TokenRevoked),
            401,
            "token_revoked",
        ),
        (
            ApiError::SignIn(SignInError::RefreshReused),
            401,
            "refresh_reused",
        ),
        (
            ApiError::Access(AccessError::InvalidSingleUseToken),
            400,
            "invalid_token",
        ),
        (
            ApiError::Access(AccessError::CsrfFailed),
            403,
            "csrf_failed",
        ),
        (
            ApiError::SignIn(SignInError::EmailNotVerified),
            403,
            "email_not_verified",
        ),
        (
            ApiError::Account(AccountError::EmailTaken),
            409,
            "email_taken",
        ),
        (
            ApiError::Request(RequestError::TooLarge),
            413,
            "payload_too_large",
        ),
        (
            ApiError::Request(RequestError::NotJson),
            415,
            "unsupported_media_type",
        ),
        (
            ApiError::SignIn(SignInError::AccountLocked { retry_after: 10 }),
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
    let err: ApiError = StoreError::Unexpected(anyhow::anyhow!("Table think-tank missing")).into();
    assert_eq!(status(&err).as_u16(), 500);
    assert!(!detail(&err).contains("think-tank"));
}
