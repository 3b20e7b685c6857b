//! JSON bodies: `application/json` only, unknown fields refused, every
//! malformed body a 422 naming the failing field by its JSON path, and every
//! body checked into what its use case takes ([`RequestBody`]): a handler
//! reads a body only through [`Ctx::body`], so the check cannot be skipped.

use serde::de::DeserializeOwned;
use serde_path_to_error::Path;
use think_tank_core::error::{ApiError, FieldError, RequestError};

use super::Ctx;

/// A request body: parsed by serde, then checked (lengths, formats,
/// allowed values) into what the use case takes. A body whose types say
/// everything implements it with `type Valid = Self` and returns itself.
pub trait RequestBody: DeserializeOwned {
    type Valid;
    fn validate(self) -> Result<Self::Valid, ApiError>;
}

/// `RequestBody` for bodies whose field types are the whole check.
#[macro_export]
macro_rules! typed_bodies {
    ($($body:ty),* $(,)?) => {
        $(
            impl $crate::http::body::RequestBody for $body {
                type Valid = Self;
                fn validate(self) -> Result<Self, ::think_tank_core::ApiError> {
                    Ok(self)
                }
            }
        )*
    };
}

impl Ctx {
    /// The body, parsed and checked.
    pub fn body<T: RequestBody>(&self) -> Result<T::Valid, ApiError> {
        self.json::<T>()?.validate()
    }

    fn is_json(&self) -> bool {
        self.header("content-type").is_some_and(|ct| {
            let essence = ct.split(';').next().unwrap_or("").trim();
            essence.eq_ignore_ascii_case("application/json")
        })
    }

    /// The body as `T`; `T` should `deny_unknown_fields`.
    fn json<T: DeserializeOwned>(&self) -> Result<T, ApiError> {
        if !self.is_json() {
            return Err(RequestError::NotJson.into());
        }
        // serde reads a struct from an array too (`[null, null]` would be a
        // body with every field left out); every body here is an object.
        let first = self.body.iter().find(|b| !b.is_ascii_whitespace());
        if first.is_some_and(|b| *b != b'{') {
            let must = "must be a JSON object".to_string();
            return Err(ApiError::invalid(vec![FieldError {
                field: "body".into(),
                message: must,
            }]));
        }
        let mut de = serde_json::Deserializer::from_slice(&self.body);
        let value = serde_path_to_error::deserialize(&mut de)
            .map_err(|e| ApiError::invalid(vec![describe(json_path(e.path()), e.inner())]))?;
        de.end()
            .map_err(|e| ApiError::invalid(vec![describe(None, &e)]))?;
        Ok(value)
    }

    /// Routes that take no body accept an empty one, or a JSON one they ignore.
    pub fn no_body(&self) -> Result<(), ApiError> {
        if self.body.is_empty() || self.is_json() {
            Ok(())
        } else {
            Err(ApiError::Request(RequestError::NotJson))
        }
    }
}

/// `title`, `items[2].title`; `None` for the document itself.
fn json_path(path: &Path) -> Option<String> {
    let text = path.to_string();
    (text != ".").then_some(text)
}

fn describe(at: Option<String>, e: &serde_json::Error) -> FieldError {
    let msg = e.to_string();
    let named = msg.split('`').nth(1).unwrap_or("body").to_string();
    let (field, message) = if msg.starts_with("unknown field") {
        (at.unwrap_or(named), "is not a known field".to_string())
    } else if msg.starts_with("missing field") {
        let field = at.map_or_else(|| named.clone(), |p| format!("{p}.{named}"));
        (field, "is required".to_string())
    } else if e.is_eof() && e.line() == 1 && e.column() == 0 {
        ("body".to_string(), "a JSON body is required".to_string())
    } else {
        // serde's message without the position suffix: names the expected type only.
        let text = msg.split(" at line").next().unwrap_or("invalid JSON");
        (at.unwrap_or_else(|| "body".to_string()), text.to_string())
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
            crate::http::status::code(&failure(ctx(Some("text/plain"), "{}"))),
            "unsupported_media_type"
        );
        assert_eq!(
            crate::http::status::code(&failure(ctx(None, r#"{"name":"a"}"#))),
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
        let ApiError::Request(RequestError::Invalid(errors)) = failure(ctx(
            Some("application/json"),
            r#"{"name":"a","role":"admin"}"#,
        )) else {
            panic!("expected a validation error");
        };
        assert_eq!(errors[0].field, "role");
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Nested {
        items: Vec<Body>,
    }

    fn field_of(body: &str) -> String {
        let ctx = ctx(Some("application/json"), body);
        let Err(ApiError::Request(RequestError::Invalid(errors))) = ctx.json::<Nested>() else {
            panic!("expected a validation error for {body}");
        };
        errors[0].field.clone()
    }

    #[test]
    fn a_field_of_the_wrong_type_is_named_by_its_json_path() {
        assert_eq!(
            field_of(r#"{"items":[{"name":"a"},{"name":1}]}"#),
            "items[1].name"
        );
        assert_eq!(field_of(r#"{"items":7}"#), "items");
        assert_eq!(field_of(r#"{"items":[{}]}"#), "items[0].name");
        assert_eq!(field_of(r#"{"items":[{"name":"a","x":1}]}"#), "items[0].x");
        assert_eq!(field_of(r#"{"items":[]} trailing"#), "body");
    }

    #[test]
    fn malformed_or_missing_bodies_are_422() {
        for body in ["", "{", "[]", r#"{"name":1}"#, "{}"] {
            assert_eq!(
                crate::http::status::code(&failure(ctx(Some("application/json"), body))),
                "validation_failed",
                "{body:?}"
            );
        }
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct AllOptional {
        role: Option<String>,
        locked: Option<bool>,
    }

    #[test]
    fn a_body_that_is_not_an_object_is_422_even_when_every_field_is_optional() {
        for body in ["[null, null]", " [\"admin\", true]", "null", "7", "\"x\""] {
            let parsed = ctx(Some("application/json"), body).json::<AllOptional>();
            let Err(ApiError::Request(RequestError::Invalid(errors))) = parsed else {
                panic!("{body} was accepted");
            };
            assert_eq!(errors[0].field, "body", "{body}");
        }
        let empty_object = ctx(Some("application/json"), " {}").json::<AllOptional>();
        assert!(empty_object.is_ok());
    }

    #[test]
    fn bodyless_routes_accept_an_empty_body_without_content_type() {
        assert!(ctx(None, "").no_body().is_ok());
        assert!(ctx(Some("text/plain"), "hello").no_body().is_err());
    }
}
