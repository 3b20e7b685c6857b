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
    fn an_unexpected_storage_failure_is_an_internal_error() {
        let err: ApiError =
            StoreError::Unexpected(anyhow::anyhow!("Table think-tank missing")).into();
        assert!(matches!(err, ApiError::Internal(_)), "{err:?}");
    }
}
