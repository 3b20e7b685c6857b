//! The OpenAPI document cannot drift: it is generated from the routes'
//! descriptions and the template, and the committed copy (which the API
//! serves at `GET /v1/openapi.json`) must equal the generated one.

use std::collections::BTreeSet;

use serde_json::Value;

const TEMPLATE: &str = include_str!("../../../template.yaml");
const COMMITTED: &str = "../../infra/openapi.json";

fn committed_path() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(COMMITTED)
}

#[test]
fn the_committed_document_is_the_generated_one() {
    let generated = local::openapi::render(TEMPLATE).unwrap();
    if std::env::var("UPDATE_OPENAPI").is_ok() {
        std::fs::write(committed_path(), format!("{generated}\n")).unwrap();
    }
    let committed = std::fs::read_to_string(committed_path()).unwrap();
    assert!(
        committed.trim_end() == generated,
        "infra/openapi.json is stale: run `UPDATE_OPENAPI=1 cargo test -p local --test openapi` \
         (or `cargo run -p local -- openapi > infra/openapi.json`) and commit it"
    );
}

#[test]
fn the_committed_asyncapi_document_is_the_generated_one() {
    let generated = local::asyncapi::render().unwrap();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../infra/asyncapi.json");
    if std::env::var("UPDATE_OPENAPI").is_ok() {
        std::fs::write(&path, format!("{generated}\n")).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap();
    assert!(
        committed.trim_end() == generated,
        "infra/asyncapi.json is stale: run `UPDATE_OPENAPI=1 cargo test -p local --test openapi` and commit it"
    );
}

#[test]
fn every_http_route_of_the_template_has_an_operation() {
    let doc = local::openapi::document(TEMPLATE).unwrap();
    let documented: BTreeSet<String> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, item)| {
            let methods = item.as_object().unwrap().keys();
            methods.map(move |m| format!("{} {path}", m.to_uppercase()))
        })
        .collect();
    let routes: BTreeSet<String> = local::template::functions(TEMPLATE)
        .unwrap()
        .into_iter()
        .flat_map(|f| f.http_routes)
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert_eq!(documented, routes);
    assert!(routes.contains("GET /v1/openapi.json"));
}

#[test]
fn a_route_without_a_description_fails_the_generation() {
    let ghost = TEMPLATE.replace("Handler: jwks", "Handler: ghost");
    let err = local::openapi::document(&ghost).unwrap_err().to_string();
    assert!(err.contains("ghost"), "{err}");
}

#[test]
fn a_description_without_a_route_fails_the_generation() {
    let routes: Vec<_> = local::template::functions(TEMPLATE)
        .unwrap()
        .into_iter()
        .flat_map(|f| f.http_routes)
        .filter(|r| r.handler != "jwks")
        .collect();
    let err = local::openapi::assemble(&routes, think_tank_lambda::operations())
        .unwrap_err()
        .to_string();
    assert!(err.contains("jwks"), "{err}");
}

fn refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get("$ref") {
                out.push(r.clone());
            }
            map.values().for_each(|v| refs(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

#[test]
fn every_schema_reference_resolves() {
    let doc = local::openapi::document(TEMPLATE).unwrap();
    let mut found = Vec::new();
    refs(&doc, &mut found);
    assert!(!found.is_empty());
    for r in found {
        let pointer = r.strip_prefix('#').expect("a local reference");
        assert!(doc.pointer(pointer).is_some(), "{r} does not resolve");
    }
}

#[test]
fn every_problem_response_names_its_codes_and_status() {
    let doc = local::openapi::document(TEMPLATE).unwrap();
    let register = &doc["paths"]["/v1/auth/register"]["post"]["responses"];
    let conflict = &register["409"]["content"]["application/problem+json"]["schema"]["allOf"][1];
    assert_eq!(
        conflict["properties"]["code"]["enum"],
        serde_json::json!(["email_taken"])
    );
    assert_eq!(conflict["properties"]["status"]["const"], 409);
    let invalid = &register["422"]["content"]["application/problem+json"]["schema"]["allOf"][1];
    assert_eq!(
        invalid["properties"]["code"]["enum"],
        serde_json::json!(["validation_failed"])
    );
}

#[test]
fn signed_in_routes_take_a_bearer_token_or_the_cookie_with_csrf_on_writes() {
    let doc = local::openapi::document(TEMPLATE).unwrap();
    let create = &doc["paths"]["/v1/workspaces/{ws}/tasks"]["post"]["security"];
    assert_eq!(
        *create,
        serde_json::json!([{ "bearer": [] }, { "cookie": [], "csrf": [] }])
    );
    let list = &doc["paths"]["/v1/workspaces/{ws}/tasks"]["get"]["security"];
    assert_eq!(
        *list,
        serde_json::json!([{ "bearer": [] }, { "cookie": [] }])
    );
    let login = &doc["paths"]["/v1/auth/login"]["post"]["security"];
    assert_eq!(*login, serde_json::json!([]));
}

#[test]
fn the_client_guide_lists_every_problem_code_with_its_status() {
    let guide = include_str!("../../../infra/clients.md");
    for error in edge::openapi::every_error() {
        let code = edge::http::status::code(&error);
        let status = edge::http::status::status(&error).as_u16().to_string();
        let row = guide
            .lines()
            .find(|l| l.starts_with(&format!("| `{code}` |")))
            .unwrap_or_else(|| panic!("infra/clients.md has no row for {code}"));
        let statuses = row.split('|').nth(2).unwrap_or_default();
        assert!(
            statuses.contains(&status),
            "{code}: {status} missing in {row}"
        );
    }
}

#[test]
fn every_problem_code_has_a_meaning_for_the_docs() {
    for error in edge::openapi::every_error() {
        let code = edge::http::status::code(&error);
        assert!(edge::http::status::meaning(code).is_some(), "{code}");
    }
}
