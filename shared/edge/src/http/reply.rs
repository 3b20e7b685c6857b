use http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use serde::Serialize;

use crate::pagination::Listing;
use think_tank_core::error::{AccessError, ApiError, RequestError, SignInError};

/// A listing's buffer per item: a task with a long description fits.
const BYTES_PER_ITEM: usize = 512;

/// A handler's answer before the shared headers are added.
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Option<String>,
}

impl Reply {
    pub fn json(status: StatusCode, value: &impl Serialize) -> Result<Self, ApiError> {
        Self::json_sized(status, value, 128)
    }

    /// `json` into a buffer of `capacity` bytes to start with: a body that
    /// outgrows its buffer is copied into a twice larger one each time.
    fn json_sized(
        status: StatusCode,
        value: &impl Serialize,
        capacity: usize,
    ) -> Result<Self, ApiError> {
        let mut body = Vec::with_capacity(capacity);
        serde_json::to_writer(&mut body, value).map_err(|e| ApiError::Internal(e.into()))?;
        // serde_json writes UTF-8 only.
        let body = String::from_utf8(body).map_err(|e| ApiError::Internal(e.into()))?;
        Ok(Self::json_body(status, body))
    }

    /// `200` with a page of items, its buffer sized for the page.
    pub fn listing<T: Serialize>(listing: &Listing<T>) -> Result<Self, ApiError> {
        let capacity = 64 + listing.items.len() * BYTES_PER_ITEM;
        Self::json_sized(StatusCode::OK, listing, capacity)
    }

    /// A body that is JSON already (e.g. a document compiled into the binary).
    pub fn raw_json(status: StatusCode, body: &str) -> Self {
        Self::json_body(status, body.to_string())
    }

    fn json_body(status: StatusCode, body: String) -> Self {
        let mut headers = HeaderMap::new();
        headers.insert(
            http::header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        Self {
            status,
            headers,
            body: Some(body),
        }
    }

    pub fn ok(value: &impl Serialize) -> Result<Self, ApiError> {
        Self::json(StatusCode::OK, value)
    }

    pub fn empty(status: StatusCode) -> Self {
        Self {
            status,
            headers: HeaderMap::new(),
            body: None,
        }
    }

    pub fn header(mut self, name: HeaderName, value: &str) -> Self {
        if let Ok(v) = HeaderValue::from_str(value) {
            self.headers.append(name, v);
        }
        self
    }

    pub fn cookies(self, cookies: impl IntoIterator<Item = String>) -> Self {
        cookies
            .into_iter()
            .fold(self, |reply, c| reply.header(http::header::SET_COOKIE, &c))
    }
}

#[derive(Serialize)]
struct Problem<'a> {
    #[serde(rename = "type")]
    kind: String,
    title: &'a str,
    status: u16,
    detail: &'a str,
    code: &'a str,
    request_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    errors: Option<&'a [think_tank_core::error::FieldError]>,
    #[serde(flatten)]
    extra: serde_json::Map<String, serde_json::Value>,
}

/// An RFC 9457 problem document for `err`; `extra` adds members such as `mfa_token`.
/// RFC 6750: `Bearer`, with `error="invalid_token"` when the presented token
/// is expired, revoked or not one of ours.
fn www_authenticate(err: &ApiError) -> HeaderValue {
    match err {
        ApiError::Access(AccessError::TokenExpired)
        | ApiError::Access(AccessError::TokenRevoked)
        | ApiError::Access(AccessError::MalformedToken)
        | ApiError::SignIn(SignInError::RefreshReused) => {
            HeaderValue::from_static(r#"Bearer error="invalid_token""#)
        }
        _ => HeaderValue::from_static("Bearer"),
    }
}

/// The problem's `type`: `<base>/<code>`, or `about:blank` without a base.
fn problem_type(base: Option<&str>, err: &ApiError) -> String {
    match base {
        Some(base) => format!("{base}/{}", super::status::code(err)),
        None => "about:blank".to_string(),
    }
}

pub fn problem(
    err: &ApiError,
    request_id: &str,
    extra: serde_json::Map<String, serde_json::Value>,
    base: Option<&str>,
) -> Reply {
    let status = super::status::status(err);
    let errors = match err {
        ApiError::Request(RequestError::Invalid(errors)) => Some(errors.as_slice()),
        _ => None,
    };
    let body = Problem {
        kind: problem_type(base, err),
        title: status.canonical_reason().unwrap_or("Error"),
        status: status.as_u16(),
        detail: super::status::detail(err),
        code: super::status::code(err),
        request_id,
        errors,
        extra,
    };
    let mut headers = HeaderMap::new();
    headers.insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    if let Some(secs) = err.retry_after() {
        headers.insert(http::header::RETRY_AFTER, HeaderValue::from(secs));
    }
    if status == http::StatusCode::UNAUTHORIZED {
        headers.insert(http::header::WWW_AUTHENTICATE, www_authenticate(err));
    }
    Reply {
        status,
        headers,
        body: serde_json::to_string(&body).ok(),
    }
}
