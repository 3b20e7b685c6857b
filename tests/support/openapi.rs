//! Every response the end-to-end tests receive is checked against the API's
//! OpenAPI document (`infra/openapi.json`): its status must be documented
//! for the route, and a JSON body must match the schema given for it. Every
//! WebSocket message the realtime tests receive is checked against the
//! AsyncAPI document (`infra/asyncapi.json`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use jsonschema::{Resource, Validator};
use serde_json::{json, Value};

const DOCUMENT: &str = include_str!("../../infra/openapi.json");
const DOCUMENT_URI: &str = "urn:think-tank:openapi";
const ASYNC_DOCUMENT: &str = include_str!("../../infra/asyncapi.json");
const ASYNC_DOCUMENT_URI: &str = "urn:think-tank:asyncapi";

fn document() -> &'static Value {
    static DOC: OnceLock<Value> = OnceLock::new();
    DOC.get_or_init(|| serde_json::from_str(DOCUMENT).expect("infra/openapi.json is JSON"))
}

fn async_document() -> &'static Value {
    static DOC: OnceLock<Value> = OnceLock::new();
    DOC.get_or_init(|| serde_json::from_str(ASYNC_DOCUMENT).expect("infra/asyncapi.json is JSON"))
}

/// The documented path template `path` falls under, literal segments
/// preferred over parameters (`/v1/auth/phone/verify`, not a `{id}`).
pub fn path_template(path: &str) -> Option<&'static str> {
    let path = path.split('?').next().unwrap_or(path);
    let segments: Vec<&str> = path.split('/').collect();
    document()["paths"]
        .as_object()?
        .keys()
        .filter(|template| {
            let parts: Vec<&str> = template.split('/').collect();
            parts.len() == segments.len()
                && parts
                    .iter()
                    .zip(&segments)
                    .all(|(t, s)| t == s || (t.starts_with('{') && !s.is_empty()))
        })
        .min_by_key(|template| template.matches('{').count())
        .map(String::as_str)
}

/// A JSON pointer segment, as a URI fragment may carry it.
fn escape(segment: &str) -> String {
    segment
        .replace('~', "~0")
        .replace('/', "~1")
        .replace('{', "%7B")
        .replace('}', "%7D")
}

/// A validator for the schema at `pointer` inside the document at `uri`.
fn validator(uri: &str, doc: &Value, pointer: &str) -> Arc<Validator> {
    static CACHE: OnceLock<Mutex<HashMap<String, Arc<Validator>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let key = format!("{uri}#{pointer}");
    if let Some(v) = cache.lock().unwrap().get(&key) {
        return v.clone();
    }
    let schema = json!({ "$ref": key });
    let built = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .with_resource(uri, Resource::from_contents(doc.clone()))
        .build(&schema)
        .unwrap_or_else(|e| panic!("the schema at {key} does not compile: {e}"));
    let built = Arc::new(built);
    cache.lock().unwrap().insert(key, built.clone());
    built
}

fn mismatches(validator: &Validator, instance: &Value) -> Vec<String> {
    validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

/// Panics unless `message` is one the AsyncAPI document says the server sends.
pub fn check_server_message(message: &Value) {
    let pointer = "/components/schemas/ServerMessage";
    let v = validator(ASYNC_DOCUMENT_URI, async_document(), pointer);
    let errors = mismatches(&v, message);
    assert!(
        errors.is_empty(),
        "the server sent a message infra/asyncapi.json does not describe:\n{}\nmessage: {message}",
        errors.join("\n")
    );
}

/// Panics unless the response is one the document describes for the route.
/// Paths the API does not have (a test of the gateway's 404) are not checked.
pub fn check_response(method: &str, path: &str, status: u16, content_type: &str, body: &str) {
    let Some(template) = path_template(path) else {
        return;
    };
    let method = method.to_lowercase();
    let operation = &document()["paths"][template][&method];
    if operation.is_null() {
        return;
    }
    let response = &operation["responses"][status.to_string()];
    assert!(
        !response.is_null(),
        "{} {template} answered {status}, which infra/openapi.json does not document: {body}",
        method.to_uppercase()
    );
    let media = content_type.split(';').next().unwrap_or("").trim();
    if body.is_empty() || !media.ends_with("json") {
        return;
    }
    assert!(
        !response["content"][media].is_null(),
        "{} {template} {status}: a {media} body is not documented: {body}",
        method.to_uppercase()
    );
    let pointer = format!(
        "/paths/{}/{method}/responses/{status}/content/{}/schema",
        escape(template),
        escape(media)
    );
    let instance: Value = serde_json::from_str(body).expect("a JSON body");
    let errors = mismatches(&validator(DOCUMENT_URI, document(), &pointer), &instance);
    assert!(
        errors.is_empty(),
        "{} {template} {status}: the body does not match infra/openapi.json:\n{}\nbody: {body}",
        method.to_uppercase(),
        errors.join("\n")
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_segments_win_over_parameters() {
        assert_eq!(
            path_template("/v1/auth/phone/verify"),
            Some("/v1/auth/phone/verify")
        );
        assert_eq!(
            path_template("/v1/workspaces/w1/tasks/abc?x=1"),
            Some("/v1/workspaces/{ws}/tasks/{id}")
        );
        assert_eq!(path_template("/v1/nowhere"), None);
    }

    #[test]
    #[should_panic(expected = "does not document")]
    fn an_undocumented_status_fails() {
        check_response("GET", "/v1/health", 418, "application/json", "{}");
    }

    #[test]
    #[should_panic(expected = "does not match")]
    fn a_body_that_breaks_the_schema_fails() {
        let body = r#"{"task":{"id":1}}"#;
        check_response(
            "GET",
            "/v1/workspaces/w1/tasks/t1",
            200,
            "application/json",
            body,
        );
    }

    /// `GET /v1/workspaces/w1/tasks/t1` answering a 404 problem with this `code`.
    fn task_not_found_with(code: &str) {
        let body = json!({
            "type": format!("https://think-tank.dev/problems/{code}"), "title": "Not Found",
            "status": 404, "detail": "x", "code": code, "request_id": "r1",
        });
        let problem = "application/problem+json";
        check_response(
            "GET",
            "/v1/workspaces/w1/tasks/t1",
            404,
            problem,
            &body.to_string(),
        );
    }

    #[test]
    fn a_problem_with_a_documented_code_passes() {
        task_not_found_with("not_found");
    }

    #[test]
    fn a_task_push_matches_the_asyncapi_document() {
        let task = json!({
            "id": "t1", "workspace_id": "w1", "title": "T", "description": "", "status": "todo", "assignee_id": null,
            "owner_id": "u1", "version": 1, "created_at": "2026-11-30T10:00:00Z",
            "updated_at": "2026-11-30T10:00:00Z",
        });
        let push =
            json!({ "type": "task.created", "event_id": "e1", "workspace_id": "w1", "task": task });
        check_server_message(&push);
    }

    #[test]
    #[should_panic(expected = "does not describe")]
    fn an_unknown_push_fails() {
        check_server_message(&json!({ "type": "task.renamed" }));
    }

    #[test]
    #[should_panic(expected = "does not match")]
    fn a_problem_with_a_code_the_route_does_not_document_fails() {
        task_not_found_with("email_taken");
    }
}
