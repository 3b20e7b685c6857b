//! `local openapi`: the HTTP API's OpenAPI 3.1 document, from the template's
//! methods and paths and each route's description beside its handler
//! (`functions/*/src/docs.rs`). Committed as `infra/openapi.json`; a test
//! keeps the two equal.

use std::collections::BTreeMap;

use anyhow::{anyhow, bail};
use edge::http::cookies;
use edge::openapi::{every_error, Access, Operation};
use serde_json::{json, Map, Value};

use crate::template::{functions, HttpRoute};

/// Where a client developer starts; the error catalogue follows it.
const INTRO: &str = "Think-Tank's HTTP API: accounts and sessions (mobile tokens or browser \
cookies), second factors, sign-in with OpenID Connect providers, tasks, file uploads and \
realtime tickets. Errors are RFC 9457 problem documents (`application/problem+json`) whose \
`code` is stable; each operation lists the codes it can answer. See `infra/clients.md` for a \
walkthrough with curl.";

/// The document as committed: pretty JSON.
pub fn render(template: &str) -> anyhow::Result<String> {
    Ok(serde_json::to_string_pretty(&document(template)?)?)
}

pub fn document(template: &str) -> anyhow::Result<Value> {
    let routes: Vec<HttpRoute> = functions(template)?
        .into_iter()
        .flat_map(|f| f.http_routes)
        .collect();
    assemble(&routes, think_tank_lambda::operations())
}

/// The document for these routes; each must have exactly one operation.
pub fn assemble(routes: &[HttpRoute], operations: Vec<Operation>) -> anyhow::Result<Value> {
    let mut operations: BTreeMap<&str, Operation> =
        operations.into_iter().map(|op| (op.name, op)).collect();
    let mut paths = Map::new();
    let mut schemas = Map::new();
    for route in routes {
        let op = operations.remove(route.handler.as_str()).ok_or_else(|| {
            anyhow!(
                "{} ({} {}) has no OpenAPI description",
                route.handler,
                route.method,
                route.path
            )
        })?;
        for (name, schema) in &op.schemas {
            schemas.insert(name.clone(), serde_json::to_value(schema)?);
        }
        let item = paths.entry(route.path.clone()).or_insert_with(|| json!({}));
        item[route.method.to_lowercase()] = operation(&op, route);
    }
    if let Some(name) = operations.keys().next() {
        bail!("{name} is described but the template has no route for it");
    }
    schemas.insert("Problem".into(), problem_schema());
    Ok(json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Think-Tank API",
            "version": env!("CARGO_PKG_VERSION"),
            "license": { "name": "Apache-2.0", "identifier": "Apache-2.0" },
            "description": format!("{INTRO}\n\n{}", catalogue()),
        },
        "servers": [
            { "url": "http://127.0.0.1:3000", "description": "The local gateway (`cargo run -p local`)." },
            { "url": "https://{api}", "description": "A deployed stack: its `HttpApiUrl` output or custom domain.",
              "variables": { "api": { "default": "api.example.org" } } },
        ],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": security_schemes(),
        },
    }))
}

fn operation(op: &Operation, route: &HttpRoute) -> Value {
    let mut out = json!({
        "operationId": op.name,
        "summary": op.summary,
        "tags": [op.tag],
        "security": security(op.access, &route.method),
        "responses": responses(op),
    });
    if !op.description.is_empty() {
        out["description"] = op.description.into();
    }
    let params = parameters(op, &route.path);
    if !params.is_empty() {
        out["parameters"] = params.into();
    }
    if let Some(schema) = &op.body {
        let mut media = json!({ "schema": schema });
        if let Some(example) = &op.body_example {
            media["example"] = example.clone();
        }
        out["requestBody"] = json!({
            "required": !op.body_optional,
            "content": { "application/json": media },
        });
    }
    out
}

fn parameters(op: &Operation, path: &str) -> Vec<Value> {
    let in_path = path
        .split('/')
        .filter_map(|seg| seg.strip_prefix('{')?.strip_suffix('}'))
        .map(|name| json!({ "name": name, "in": "path", "required": true, "schema": { "type": "string" } }));
    let others = op.params.iter().map(|p| {
        json!({ "name": p.name, "in": p.location, "required": p.required,
                "description": p.description, "schema": p.schema })
    });
    in_path.chain(others).collect()
}

/// Public routes need nothing; others take a bearer token or the web
/// session's cookie, with the CSRF header on writes.
fn security(access: Access, method: &str) -> Value {
    if access == Access::Public {
        return json!([]);
    }
    let cookie = match method {
        "GET" | "HEAD" => json!({ "cookie": [] }),
        _ => json!({ "cookie": [], "csrf": [] }),
    };
    json!([{ "bearer": [] }, cookie])
}

fn security_schemes() -> Value {
    json!({
        "bearer": { "type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                    "description": "The `access_token` of a mobile sign-in (RS256; keys at `/v1/auth/jwks`)." },
        "cookie": { "type": "apiKey", "in": "cookie", "name": cookies::ACCESS,
                    "description": "The browser session's access cookie, set by `/v1/auth/login/web`." },
        "csrf": { "type": "apiKey", "in": "header", "name": "X-CSRF-Token",
                  "description": format!("With the cookie, on every write: the `csrf_token` of the sign-in or refresh (also in the `{}` cookie).", cookies::CSRF) },
    })
}

fn responses(op: &Operation) -> Value {
    let mut out = Map::new();
    for answer in &op.answers {
        let mut response = json!({ "description": answer.description });
        if let Some(schema) = &answer.schema {
            response["content"] = json!({ answer.content_type: { "schema": schema } });
        }
        if !answer.headers.is_empty() {
            let headers: Map<String, Value> = answer
                .headers
                .iter()
                .map(|(name, description)| {
                    (
                        name.to_string(),
                        json!({ "description": description, "schema": { "type": "string" } }),
                    )
                })
                .collect();
            response["headers"] = headers.into();
        }
        out.insert(answer.status.to_string(), response);
    }
    for (status, codes) in problems_by_status(op) {
        out.insert(status.to_string(), problem_response(status, &codes));
    }
    out.into()
}

/// What `code` means on any route; every code the edge answers has a meaning.
fn meaning(code: &'static str) -> &'static str {
    edge::http::status::meaning(code).unwrap_or_else(|| panic!("no meaning for {code}"))
}

/// The route's problem codes grouped by the status each answers with.
fn problems_by_status(op: &Operation) -> BTreeMap<u16, Vec<(&'static str, &'static str)>> {
    let errors = every_error();
    let mut by_status: BTreeMap<u16, Vec<(&'static str, &'static str)>> = BTreeMap::new();
    for code in op.problem_codes() {
        let mut found = false;
        for e in errors
            .iter()
            .filter(|e| edge::http::status::code(e) == code)
        {
            found = true;
            let status = edge::http::status::status(e).as_u16();
            let entry = by_status.entry(status).or_default();
            if !entry.iter().any(|(c, _)| *c == code) {
                entry.push((code, meaning(code)));
            }
        }
        assert!(found, "{}: unknown problem code {code}", op.name);
    }
    by_status
}

fn problem_response(status: u16, codes: &[(&str, &str)]) -> Value {
    let lines: Vec<String> = codes.iter().map(|(c, d)| format!("- `{c}`: {d}")).collect();
    let names: Vec<&str> = codes.iter().map(|(c, _)| *c).collect();
    let title = http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("Error");
    let examples: Map<String, Value> = codes
        .iter()
        .map(|(code, detail)| {
            let value = json!({
                "type": format!("https://think-tank.dev/problems/{code}"), "title": title,
                "status": status, "detail": detail, "code": code,
                "request_id": "0b7e7c4e-5f0a-4c53-9d1e-2f4f1c8a9b10",
            });
            (code.to_string(), json!({ "value": value }))
        })
        .collect();
    let mut response = json!({
        "description": lines.join("\n"),
        "content": { "application/problem+json": {
            "schema": { "allOf": [
                { "$ref": "#/components/schemas/Problem" },
                { "properties": { "status": { "const": status }, "code": { "enum": names } } },
            ] },
            "examples": examples,
        } },
    });
    if status == 429 {
        response["headers"] = json!({ "Retry-After": {
            "description": "Seconds to wait.", "schema": { "type": "integer" } } });
    }
    response
}

fn problem_schema() -> Value {
    json!({
        "type": "object",
        "description": "An RFC 9457 problem document.",
        "required": ["type", "title", "status", "detail", "code", "request_id"],
        "properties": {
            "type": { "type": "string", "format": "uri" },
            "title": { "type": "string" },
            "status": { "type": "integer" },
            "detail": { "type": "string" },
            "code": { "type": "string", "description": "Stable; clients branch on it." },
            "request_id": { "type": "string", "description": "Quote it when reporting a problem." },
            "errors": {
                "type": "array",
                "description": "`validation_failed`: what is wrong with which field.",
                "items": {
                    "type": "object",
                    "required": ["field", "message"],
                    "properties": { "field": { "type": "string" }, "message": { "type": "string" } },
                },
            },
            "mfa_token": { "type": "string", "description": "`mfa_required`: pass to `/v1/auth/login/mfa`." },
            "mfa_methods": {
                "type": "array",
                "description": "`mfa_required`: the factors the account has.",
                "items": { "type": "string", "enum": ["totp", "sms", "backup_code"] },
            },
        },
    })
}

/// Every problem code, its status and what it means.
fn catalogue() -> String {
    let mut rows = vec![
        "## Problem codes".to_string(),
        String::new(),
        "| code | status | meaning |".into(),
        "| --- | --- | --- |".into(),
    ];
    let mut seen = std::collections::BTreeSet::new();
    for e in every_error() {
        let (code, status) = (edge::http::status::code(&e), edge::http::status::status(&e));
        if seen.insert((code, status)) {
            rows.push(format!(
                "| `{code}` | {} | {} |",
                status.as_u16(),
                meaning(code)
            ));
        }
    }
    rows.join("\n")
}
