//! One warm invocation as Lambda runs it, for `GET /v1/auth/me`, a listing
//! of 50 tasks and a task `PATCH`: the API Gateway v2 event's JSON in,
//! `lambda_http`'s conversions (the same `Adapter` `lambda_http::run` wraps a
//! handler in), the handler on the memory adapters, the response's JSON out.
//! Beside each, a minimal `lambda_http` handler that answers the same bytes:
//! the floor any handler pays, once with `lambda_http`'s own response
//! conversion (a handler as `lambda_http` documents it) and once answering as
//! built, as `shared::runtime::serve_http` answers for the routes. The ratio
//! to the second is the route's own cost.
//! Run: `cargo bench -p local --bench invocation`.

use std::convert::Infallible;
use std::sync::Arc;

use criterion::{criterion_group, criterion_main, Criterion};
use lambda_http::request::LambdaRequest;
use lambda_http::{
    service_fn, Body, Context, IntoResponse, LambdaEvent, Request, Response, Service,
};
use serde_json::{json, Value};
use shared::runtime::AsBuilt;
use think_tank_core::App;

#[path = "support/mod.rs"]
mod support;

const OUTBOX: &str = "/tmp/think-tank-invocation";

/// A route's event, and the handler that answers it.
struct Case {
    name: &'static str,
    event: String,
    handler: edge::http::Handler,
}

/// One invocation: parse the event, run the service through the adapter,
/// serialize the answer.
async fn invoke<S>(service: S, event: &str) -> Vec<u8>
where
    S: Service<Request, Error = Infallible> + Send,
    S::Response: IntoResponse,
    S::Future: Send + 'static,
{
    let request: LambdaRequest = serde_json::from_str(event).expect("an API Gateway v2 event");
    let mut adapter = lambda_http::Adapter::from(service);
    let response = adapter
        .call(LambdaEvent::new(request, Context::default()))
        .await
        .expect("an answer");
    serde_json::to_vec(&response).expect("a response document")
}

async fn routed(app: &Arc<App>, case: &Case) -> Vec<u8> {
    let handler = case.handler;
    let service = service_fn(move |req: Request| {
        let app = app.clone();
        async move { Ok::<_, Infallible>(AsBuilt(handler(app, req).await)) }
    });
    invoke(service, &case.event).await
}

/// A route's answer, to replay: status, headers, body bytes.
type Answer = (u16, Vec<(String, String)>, Vec<u8>);

/// The same answer from a handler that does nothing but answer it, through
/// `lambda_http`'s response conversion (`as_built: false`) or as built.
async fn fixed(answer: &Arc<Answer>, event: &str, as_built: bool) -> Vec<u8> {
    let service = service_fn(move |_req: Request| {
        let answer = answer.clone();
        async move {
            let mut response = Response::builder().status(answer.0);
            for (name, value) in &answer.1 {
                response = response.header(name, value);
            }
            let text = String::from_utf8(answer.2.clone()).expect("a text body");
            let body = if text.is_empty() {
                Body::Empty
            } else {
                Body::Text(text)
            };
            Ok::<_, Infallible>(Either::new(response.body(body).unwrap(), as_built))
        }
    });
    invoke(service, event).await
}

/// A response handed over either way.
enum Either {
    Converted(Response<Body>),
    AsBuilt(AsBuilt),
}

impl Either {
    fn new(response: Response<Body>, as_built: bool) -> Self {
        match as_built {
            true => Either::AsBuilt(AsBuilt(response)),
            false => Either::Converted(response),
        }
    }
}

impl IntoResponse for Either {
    fn into_response(
        self,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Response<Body>> + Send>> {
        match self {
            Either::Converted(response) => response.into_response(),
            Either::AsBuilt(response) => response.into_response(),
        }
    }
}

/// What the route answered, from its response document.
fn answer_of(document: &[u8]) -> Answer {
    let doc: Value = serde_json::from_slice(document).unwrap();
    let headers = doc["headers"].as_object().cloned().unwrap_or_default();
    let headers = headers
        .into_iter()
        .map(|(k, v)| (k, v.as_str().unwrap_or_default().to_string()))
        .collect();
    let body = doc["body"].as_str().unwrap_or_default().as_bytes().to_vec();
    (doc["statusCode"].as_u64().unwrap() as u16, headers, body)
}

fn event(method: &str, path: &str, route_key: &str, token: &str, body: Option<Value>) -> String {
    let (parts, _) = http::Request::builder()
        .method(method)
        .uri(path)
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/json")
        .header("host", "api.example.com")
        .body(())
        .unwrap()
        .into_parts();
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let mut params = std::collections::HashMap::new();
    let segments: Vec<&str> = path.split('?').next().unwrap().split('/').collect();
    for (key, value) in route_key
        .split(' ')
        .nth(1)
        .unwrap()
        .split('/')
        .zip(segments)
    {
        if let Some(name) = key.strip_prefix('{').and_then(|k| k.strip_suffix('}')) {
            params.insert(name.to_string(), value.to_string());
        }
    }
    let event = local::event::api_gateway_v2_event(local::event::Incoming {
        parts: &parts,
        body: body.as_bytes(),
        source_ip: "203.0.113.7".parse().unwrap(),
        route_key: route_key.to_string(),
        path_parameters: params,
    });
    serde_json::to_string(&event).unwrap()
}

/// A signed-in user with a workspace of 50 tasks, set up through the
/// gateway; the cases, and the gateway's app to invoke them on.
async fn setup() -> anyhow::Result<(local::Running, Vec<Case>)> {
    let running = support::gateway(OUTBOX).await?;
    let base = format!("http://{}", running.http_addr);
    let login = support::signed_in(&base, OUTBOX, "invoke@example.com").await?;
    let token = support::access_token(&login);
    let http = reqwest::Client::new();
    let ws = support::workspace(&base, &token, "Bench").await?;
    let tasks = format!("/v1/workspaces/{ws}/tasks");
    let mut last = Value::Null;
    for i in 0..50 {
        let body =
            json!({ "title": format!("Task {i}"), "description": format!("Benchmark task {i}") });
        let post = http
            .post(format!("{base}{tasks}"))
            .bearer_auth(&token)
            .json(&body);
        last = post.send().await?.error_for_status()?.json().await?;
    }
    let task = last["task"]["id"].as_str().unwrap_or_default().to_string();
    let handlers = local::linked_handlers();
    let case = |name: &'static str, function: &str, event: String| Case {
        name,
        event,
        handler: handlers[function],
    };
    let cases = vec![
        case(
            "GET /v1/auth/me",
            "me",
            event("GET", "/v1/auth/me", "GET /v1/auth/me", &token, None),
        ),
        case(
            "GET tasks?limit=50",
            "tasks-list",
            event(
                "GET",
                &format!("{tasks}?limit=50"),
                "GET /v1/workspaces/{ws}/tasks",
                &token,
                None,
            ),
        ),
        case(
            "PATCH task",
            "task-update",
            event(
                "PATCH",
                &format!("{tasks}/{task}"),
                "PATCH /v1/workspaces/{ws}/tasks/{id}",
                &token,
                Some(json!({ "description": "edited" })),
            ),
        ),
    ];
    Ok((running, cases))
}

fn invocations(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (running, cases) = rt.block_on(setup()).expect("set-up");
    let app = running.app.clone();
    let mut group = c.benchmark_group("invocation");
    for case in &cases {
        let first = rt.block_on(routed(&app, case));
        let answer = Arc::new(answer_of(&first));
        assert!(answer.0 < 300, "{} answered {}", case.name, answer.0);
        group.bench_function(format!("{} (route)", case.name), |b| {
            b.to_async(&rt).iter(|| routed(&app, case))
        });
        group.bench_function(format!("{} (minimal handler)", case.name), |b| {
            b.to_async(&rt).iter(|| fixed(&answer, &case.event, false))
        });
        group.bench_function(format!("{} (minimal handler, as built)", case.name), |b| {
            b.to_async(&rt).iter(|| fixed(&answer, &case.event, true))
        });
    }
    group.finish();
    rt.block_on(running.stop());
}

criterion_group!(benches, invocations);
criterion_main!(benches);
