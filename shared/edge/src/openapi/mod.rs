//! The OpenAPI description of a route, written beside its handler (each
//! function crate's `docs` module) and assembled with the template's methods
//! and paths into `infra/openapi.json` by `think-tank-local openapi`.
//! Schemas come from the request and response types' `ToSchema` derives;
//! problem statuses and titles come from [`ApiError`] itself.

use crate::http::envelope::Enveloped;
use std::collections::BTreeMap;

use serde_json::{json, Value};
use utoipa::openapi::{RefOr, Schema};
use utoipa::ToSchema;

mod errors;

pub use errors::every_error;

/// Who may call a route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    Public,
    /// A bearer access token, or the web session's cookie (with
    /// `X-CSRF-Token` on writes).
    SignedIn,
    /// As [`Access::SignedIn`], with the `admin` role.
    Admin,
}

/// One documented response.
#[derive(Clone, Debug)]
pub struct Answer {
    pub status: u16,
    pub description: &'static str,
    pub schema: Option<Value>,
    pub headers: Vec<(&'static str, &'static str)>,
    pub content_type: &'static str,
}

/// A query, path or header parameter.
#[derive(Clone, Debug)]
pub struct Param {
    pub name: &'static str,
    pub location: &'static str,
    pub description: &'static str,
    pub schema: Value,
    pub required: bool,
}

/// What a route takes and answers; its method and path come from the template.
#[derive(Clone)]
pub struct Operation {
    /// The function's `Handler` in the template.
    pub name: &'static str,
    pub summary: &'static str,
    pub description: &'static str,
    pub tag: &'static str,
    pub access: Access,
    pub body: Option<Value>,
    pub body_example: Option<Value>,
    /// The body may be left out (a browser's refresh sends none).
    pub body_optional: bool,
    pub answers: Vec<Answer>,
    pub params: Vec<Param>,
    /// Problem codes this route can answer beyond those every route of its
    /// kind can (see [`Operation::problem_codes`]).
    pub errors: Vec<&'static str>,
    pub schemas: BTreeMap<String, RefOr<Schema>>,
}

/// A reference to the component schema `name` (OpenAPI and AsyncAPI alike).
pub fn component_ref(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

fn schema_ref<T: ToSchema>() -> Value {
    component_ref(&T::name())
}

/// `T`'s schema and every schema it refers to, by component name.
pub fn schemas_of<T: ToSchema>() -> Vec<(String, RefOr<Schema>)> {
    let mut all = Vec::new();
    T::schemas(&mut all);
    all.push((T::name().into_owned(), T::schema()));
    all
}

impl Operation {
    pub fn new(name: &'static str, tag: &'static str, summary: &'static str) -> Self {
        Self {
            name,
            summary,
            description: "",
            tag,
            access: Access::Public,
            body: None,
            body_example: None,
            body_optional: false,
            answers: Vec::new(),
            params: Vec::new(),
            errors: Vec::new(),
            schemas: BTreeMap::new(),
        }
    }

    pub fn describe(mut self, description: &'static str) -> Self {
        self.description = description;
        self
    }

    pub fn signed_in(mut self) -> Self {
        self.access = Access::SignedIn;
        self
    }

    pub fn admin(mut self) -> Self {
        self.access = Access::Admin;
        self
    }

    fn collect<T: ToSchema>(&mut self) {
        self.schemas.extend(schemas_of::<T>());
    }

    /// A JSON request body of type `T`, with an example for the reader.
    pub fn body<T: ToSchema>(mut self, example: Value) -> Self {
        self.collect::<T>();
        self.body = Some(schema_ref::<T>());
        self.body_example = Some(example);
        self
    }

    pub fn body_optional(mut self) -> Self {
        self.body_optional = true;
        self
    }

    /// A JSON response of type `T`.
    pub fn reply<T: ToSchema>(self, status: u16, description: &'static str) -> Self {
        let mut op = self;
        op.collect::<T>();
        op.answer(status, description, Some(schema_ref::<T>()))
    }

    /// A JSON response of type `A` or `B` (e.g. a mobile or a browser sign-in).
    pub fn reply_either<A: ToSchema, B: ToSchema>(
        self,
        status: u16,
        description: &'static str,
    ) -> Self {
        let mut op = self;
        op.collect::<A>();
        op.collect::<B>();
        let schema = json!({ "anyOf": [schema_ref::<A>(), schema_ref::<B>()] });
        op.answer(status, description, Some(schema))
    }

    /// A JSON response `{ "<field>": T }`.
    pub fn envelope<T: ToSchema + Enveloped>(
        mut self,
        status: u16,
        description: &'static str,
    ) -> Self {
        let field = T::FIELD;
        self.collect::<T>();
        let schema = json!({
            "type": "object",
            "required": [field],
            "properties": { field: schema_ref::<T>() },
        });
        self.answer(status, description, Some(schema))
    }

    /// One page of `T`: `items` and the `next_cursor` (null on the last page),
    /// with the `limit` and `cursor` query parameters.
    pub fn listing<T: ToSchema>(mut self, description: &'static str) -> Self {
        self.collect::<T>();
        let schema = json!({
            "type": "object",
            "required": ["items", "next_cursor"],
            "properties": {
                "items": { "type": "array", "items": schema_ref::<T>() },
                "next_cursor": {
                    "type": ["string", "null"],
                    "description": "Pass as `cursor` for the next page; null on the last page.",
                },
            },
        });
        self.query(
            "limit",
            "Items per page, 1 to 100 (default 20).",
            json!({ "type": "integer", "minimum": 1, "maximum": 100 }),
        )
        .query(
            "cursor",
            "The `next_cursor` of the previous page.",
            json!({ "type": "string" }),
        )
        .answer(200, description, Some(schema))
    }

    /// A JSON object response with no fixed shape.
    pub fn object(self, status: u16, description: &'static str) -> Self {
        self.answer(status, description, Some(json!({ "type": "object" })))
    }

    /// A response with no body.
    pub fn empty(self, status: u16, description: &'static str) -> Self {
        self.answer(status, description, None)
    }

    fn answer(mut self, status: u16, description: &'static str, schema: Option<Value>) -> Self {
        self.answers.push(Answer {
            status,
            description,
            schema,
            headers: Vec::new(),
            content_type: "application/json",
        });
        self
    }

    /// A header on the last response added.
    pub fn header(mut self, name: &'static str, description: &'static str) -> Self {
        if let Some(last) = self.answers.last_mut() {
            last.headers.push((name, description));
        }
        self
    }

    pub fn query(mut self, name: &'static str, description: &'static str, schema: Value) -> Self {
        self.params.push(Param {
            name,
            location: "query",
            description,
            schema,
            required: false,
        });
        self
    }

    pub fn request_header(mut self, name: &'static str, description: &'static str) -> Self {
        self.params.push(Param {
            name,
            location: "header",
            description,
            schema: json!({ "type": "string" }),
            required: false,
        });
        self
    }

    pub fn errors(mut self, codes: &[&'static str]) -> Self {
        self.errors.extend_from_slice(codes);
        self
    }

    /// Every problem code the route can answer: its own, then those of its
    /// kind (a body can be malformed or too large; a token can be missing,
    /// expired or revoked; a dependency can be down).
    pub fn problem_codes(&self) -> Vec<&'static str> {
        let mut codes = self.errors.clone();
        if self.body.is_some() || !self.params.is_empty() {
            codes.push("validation_failed");
        }
        if self.body.is_some() {
            codes.push("unsupported_media_type");
        }
        codes.push("payload_too_large");
        if self.access != Access::Public {
            codes.extend([
                "unauthorized",
                "token_expired",
                "token_revoked",
                "csrf_failed",
            ]);
        }
        if self.access == Access::Admin {
            codes.push("forbidden");
        }
        codes.extend(["unavailable", "internal_error"]);
        let mut seen = std::collections::BTreeSet::new();
        codes.retain(|c| seen.insert(*c));
        codes
    }
}

/// A description built from the code's own names (cookie names, limits):
/// the document is generated once per run, so the text may live as long.
pub fn text(built: String) -> &'static str {
    Box::leak(built.into_boxed_str())
}
