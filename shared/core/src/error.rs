//! Every failure a use case can answer, with its stable problem `code`; the
//! HTTP layer maps each to a status (`edge::http::status`).

use serde::Serialize;

/// Failures of a storage or queue adapter. Expected outcomes (a missing item,
/// a lost conditional write) are part of each port's return type instead.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("dependency unavailable")]
    Unavailable(#[source] anyhow::Error),
    #[error("unexpected storage failure")]
    Unexpected(#[from] anyhow::Error),
}

pub type StoreResult<T> = Result<T, StoreError>;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &str, message: impl Into<String>) -> Self {
        Self {
            field: field.to_string(),
            message: message.into(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    #[error("unauthorized")]
    Unauthorized,
    /// A presented access token that is not one of ours (malformed, forged).
    #[error("malformed token")]
    MalformedToken,
    #[error("invalid credentials")]
    InvalidCredentials,
    /// The password was right; a second factor must follow (`POST /v1/auth/login/mfa`).
    #[error("mfa required")]
    MfaRequired {
        mfa_token: String,
        methods: Vec<crate::domain::MfaMethod>,
    },
    /// A wrong TOTP, SMS or backup code (`422`).
    #[error("invalid code")]
    InvalidCode,
    /// A wrong code during a login (`401`).
    #[error("invalid login code")]
    InvalidLoginCode,
    #[error("token expired")]
    TokenExpired,
    #[error("token revoked")]
    TokenRevoked,
    #[error("refresh token reused")]
    RefreshReused,
    #[error("invalid token")]
    InvalidToken,
    #[error("csrf check failed")]
    CsrfFailed,
    #[error("forbidden")]
    Forbidden,
    #[error("reauthentication required")]
    ReauthenticationRequired,
    /// A right password (or factor) for an account whose address was never proven.
    #[error("email not verified")]
    EmailNotVerified,
    #[error("not found")]
    NotFound,
    #[error("email taken")]
    EmailTaken,
    #[error("conflict")]
    Conflict,
    #[error("precondition failed")]
    PreconditionFailed,
    #[error("payload too large")]
    PayloadTooLarge,
    #[error("file too large")]
    FileTooLarge,
    #[error("unsupported media type")]
    UnsupportedMediaType,
    #[error("rate limited")]
    RateLimited { retry_after: i64 },
    #[error("account locked")]
    AccountLocked { retry_after: i64 },
    #[error("unavailable")]
    Unavailable(#[source] anyhow::Error),
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl ApiError {
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        ApiError::Validation(vec![FieldError::new(field, message)])
    }

    pub fn code(&self) -> &'static str {
        use ApiError::*;
        match self {
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
    pub fn detail(&self) -> &'static str {
        use ApiError::*;
        match self {
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
            EmailNotVerified => "Confirm your email address first (POST /v1/auth/verify-email/resend sends a new link).",
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

    pub fn retry_after(&self) -> Option<i64> {
        match self {
            ApiError::RateLimited { retry_after } | ApiError::AccountLocked { retry_after } => {
                Some((*retry_after).max(1))
            }
            _ => None,
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Unavailable(e) => ApiError::Unavailable(e),
            StoreError::Unexpected(e) => ApiError::Internal(e),
        }
    }
}

impl From<anyhow::Error> for ApiError {
    fn from(e: anyhow::Error) -> Self {
        ApiError::Internal(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn storage_failures_never_surface_their_text() {
        let err: ApiError =
            StoreError::Unexpected(anyhow::anyhow!("Table think-tank missing")).into();
        assert_eq!(err.code(), "internal_error");
        assert!(!err.detail().contains("think-tank"));
    }
}
