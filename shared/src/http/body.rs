//! JSON bodies: `application/json` only, unknown fields refused, every
//! malformed body a 422 with a field-level explanation.

use serde::de::DeserializeOwned;

use super::Ctx;
use crate::error::{ApiError, FieldError};

impl Ctx {
    fn is_json(&self) -> bool {
        self.header("content-type").is_some_and(|ct| {
            let essence = ct.split(';').next().unwrap_or("").trim();
            essence.eq_ignore_ascii_case("application/json")
        })
    }

    /// The body as `T`; `T` should `deny_unknown_fields`.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, ApiError> {
        if !self.is_json() {
            return Err(ApiError::UnsupportedMediaType);
        }
        serde_json::from_slice(&self.body).map_err(|e| ApiError::Validation(vec![describe(&e)]))
    }

    /// Routes that take no body accept an empty one, or a JSON one they ignore.
    pub fn no_body(&self) -> Result<(), ApiError> {
        if self.body.is_empty() || self.is_json() {
            Ok(())
        } else {
            Err(ApiError::UnsupportedMediaType)
        }
    }
}

fn describe(e: &serde_json::Error) -> FieldError {
    let msg = e.to_string();
    let quoted = || msg.split('`').nth(1).map(str::to_string);
    let field = if msg.starts_with("unknown field") || msg.starts_with("missing field") {
        quoted().unwrap_or_else(|| "body".to_string())
    } else {
        "body".to_string()
    };
    let message = if msg.starts_with("unknown field") {
        "is not a known field".to_string()
    } else if msg.starts_with("missing field") {
        "is required".to_string()
    } else if e.is_eof() && e.line() == 1 && e.column() == 0 {
        "a JSON body is required".to_string()
    } else {
        // serde's message without the position suffix: names the expected type only.
        msg.split(" at line")
            .next()
            .unwrap_or("invalid JSON")
            .to_string()
    };
    FieldError { field, message }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Body {
        name: String,
    }

    fn ctx(content_type: Option<&str>, body: &str) -> Ctx {
        let mut req = http::Request::builder().uri("/x");
        if let Some(ct) = content_type {
            req = req.header("content-type", ct);
        }
        Ctx::from_request(req.body(lambda_http::Body::from(body)).unwrap())
    }

    fn failure(ctx: Ctx) -> ApiError {
        ctx.json::<Body>().unwrap_err()
    }

    #[test]
    fn another_content_type_is_415() {
        assert_eq!(
            failure(ctx(Some("text/plain"), "{}")).code(),
            "unsupported_media_type"
        );
        assert_eq!(
            failure(ctx(None, r#"{"name":"a"}"#)).code(),
            "unsupported_media_type"
        );
    }

    #[test]
    fn json_with_a_charset_is_accepted() {
        assert!(
            ctx(Some("application/json; charset=utf-8"), r#"{"name":"a"}"#)
                .json::<Body>()
                .is_ok()
        );
    }

    #[test]
    fn unknown_fields_are_named_in_the_422() {
        let ApiError::Validation(errors) = failure(ctx(
            Some("application/json"),
            r#"{"name":"a","role":"admin"}"#,
        )) else {
            panic!("expected a validation error");
        };
        assert_eq!(errors[0].field, "role");
    }

    #[test]
    fn malformed_or_missing_bodies_are_422() {
        for body in ["", "{", "[]", r#"{"name":1}"#, "{}"] {
            assert_eq!(
                failure(ctx(Some("application/json"), body)).code(),
                "validation_failed",
                "{body:?}"
            );
        }
    }

    #[test]
    fn bodyless_routes_accept_an_empty_body_without_content_type() {
        assert!(ctx(None, "").no_body().is_ok());
        assert!(ctx(Some("text/plain"), "hello").no_body().is_err());
    }
}
