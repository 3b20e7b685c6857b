//! Every failure a use case can answer, grouped by area; the HTTP layer
//! words each as a status, a problem `code` and a `detail`
//! (`edge::http::status`).

mod areas;

use serde::Serialize;

pub use areas::{
    AccessError, AccountError, FactorError, FileError, RequestError, SignInError, TaskError,
    WorkspaceError,
};

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

/// Every failure a use case can answer: one area's failure, or a dependency
/// that failed.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error(transparent)]
    Request(#[from] RequestError),
    #[error(transparent)]
    Access(#[from] AccessError),
    #[error(transparent)]
    SignIn(#[from] SignInError),
    #[error(transparent)]
    Account(#[from] AccountError),
    #[error(transparent)]
    Factor(#[from] FactorError),
    #[error(transparent)]
    Task(#[from] TaskError),
    #[error(transparent)]
    File(#[from] FileError),
    #[error(transparent)]
    Workspace(#[from] WorkspaceError),
    #[error("unavailable")]
    Unavailable(#[source] anyhow::Error),
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl ApiError {
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        Self::invalid(vec![FieldError::new(field, message)])
    }

    pub fn invalid(errors: Vec<FieldError>) -> Self {
        RequestError::Invalid(errors).into()
    }

    pub fn retry_after(&self) -> Option<i64> {
        match self {
            ApiError::Request(RequestError::RateLimited { retry_after })
            | ApiError::SignIn(SignInError::AccountLocked { retry_after }) => {
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
