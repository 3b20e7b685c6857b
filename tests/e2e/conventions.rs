use e2e::{on_both_backends, Api};
use serde_json::json;
use think_tank_core::services::health::HealthCheck;

const ORIGIN: &str = "http://localhost:5173";

on_both_backends!(health_reports_each_dependency_with_its_latency, |api| {
    let res = api.call("GET", "/v1/health", None, &[]).await;
    assert_eq!(res.status, 200);
    assert_eq!(res.body["status"], "ok");
    for check in ["table", "queue", "bucket"] {
        assert_eq!(res.body["checks"][check]["status"], "ok");
        assert!(res.body["checks"][check]["latency_ms"].is_number());
    }
});

#[tokio::test]
async fn every_response_carries_a_request_id_and_the_security_headers() {
    let api = Api::start_memory(&[]).await;
    let res = api.call("GET", "/v1/health", None, &[]).await;
    assert!(!res.header("x-request-id").unwrap_or_default().is_empty());
    let expected = [
        (
            "content-security-policy",
            "default-src 'none'; frame-ancestors 'none'; base-uri 'none'",
        ),
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", "no-referrer"),
        (
            "strict-transport-security",
            "max-age=63072000; includeSubDomains",
        ),
    ];
    for (name, value) in expected {
        assert_eq!(res.header(name), Some(value), "{name}");
    }
    assert_eq!(
        res.header("cache-control"),
        None,
        "only /v1/auth/ is no-store"
    );
}

#[tokio::test]
async fn problems_are_rfc9457_documents_whose_request_id_matches_the_header() {
    let api = Api::start_memory(&[]).await;
    let res = api
        .post(
            "/v1/auth/register",
            json!({ "email": "nope", "password": "x", "name": "" }),
        )
        .await;
    assert_eq!(res.status, 422);
    assert_eq!(res.header("content-type"), Some("application/problem+json"));
    assert_eq!(res.header("cache-control"), Some("no-store"));
    assert_eq!(res.body["request_id"].as_str(), res.header("x-request-id"));
    assert_eq!(
        (res.body["status"].as_u64(), res.code()),
        (Some(422), "validation_failed")
    );
    assert!(
        res.body["type"].is_string()
            && res.body["title"].is_string()
            && res.body["detail"].is_string()
    );
    let fields: Vec<&str> = res.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["email", "password", "name"]);
}

#[tokio::test]
async fn a_body_of_another_type_gets_415_and_an_oversized_body_413() {
    let api = Api::start_memory(&[]).await;
    let res = api
        .call(
            "POST",
            "/v1/auth/login",
            None,
            &[("content-type", "text/plain")],
        )
        .await;
    assert_eq!((res.status, res.code()), (415, "unsupported_media_type"));
    let big = json!({ "email": "a@example.com", "password": "x".repeat(70 * 1024) });
    let res = api.post("/v1/auth/login", big).await;
    assert_eq!((res.status, res.code()), (413, "payload_too_large"));
}

#[tokio::test]
async fn unknown_fields_and_malformed_json_get_422() {
    let api = Api::start_memory(&[]).await;
    let res = api
        .post("/v1/auth/register", json!({ "email": "a@example.com", "password": "long enough", "name": "A", "role": "admin" }))
        .await;
    assert_eq!(
        (res.status, res.body["errors"][0]["field"].as_str()),
        (422, Some("role"))
    );
    let res = api
        .call(
            "POST",
            "/v1/auth/login",
            None,
            &[("content-type", "application/json")],
        )
        .await;
    assert_eq!(res.code(), "validation_failed");
}

#[tokio::test]
async fn an_unknown_route_is_a_404_problem() {
    let api = Api::start_memory(&[]).await;
    let res = api.call("GET", "/v1/nowhere", None, &[]).await;
    assert_eq!((res.status, res.code()), (404, "not_found"));
}

#[tokio::test]
async fn cors_answers_allowed_origins_only() {
    let api = Api::start_memory(&[]).await;
    let preflight = [
        ("origin", ORIGIN),
        ("access-control-request-method", "POST"),
    ];
    let res = api
        .call("OPTIONS", "/v1/auth/login", None, &preflight)
        .await;
    assert_eq!(res.status, 204);
    assert_eq!(res.header("access-control-allow-origin"), Some(ORIGIN));
    assert_eq!(res.header("access-control-allow-credentials"), Some("true"));
    assert_eq!(
        res.header("access-control-allow-headers"),
        Some("Authorization, Content-Type, X-CSRF-Token, If-Match, If-None-Match")
    );
    let res = api
        .call("GET", "/v1/health", None, &[("origin", ORIGIN)])
        .await;
    assert_eq!(
        res.header("access-control-expose-headers"),
        Some("ETag, Location, Retry-After, X-Request-Id")
    );
    let res = api
        .call(
            "OPTIONS",
            "/v1/auth/login",
            None,
            &[("origin", "http://evil.test")],
        )
        .await;
    assert_eq!(res.header("access-control-allow-origin"), None);
    let res = api
        .call("GET", "/v1/health", None, &[("origin", "http://evil.test")])
        .await;
    assert_eq!(res.header("access-control-allow-origin"), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_is_503_degraded_naming_the_failing_dependency() {
    let Some(api) = Api::start_aws(&[]).await else {
        return;
    };
    let broken = e2e::unique_name("missing-table");
    let config = shared::Config::from_map(
        &[
            ("TABLE_NAME".to_string(), broken),
            ("EMAIL_QUEUE_URL".to_string(), api.queue_url.clone()),
        ]
        .into_iter()
        .collect(),
        shared::config::MissingSecrets::GenerateEphemeral,
    )
    .unwrap();
    let clients = adapters::aws::AwsClients::from_env().await;
    let app = shared::wiring::on_aws_with(config, &clients, api.clock.clone());
    let report = app.service::<HealthCheck>().health().await;
    assert_eq!(report.status, "degraded");
    assert_eq!(report.checks["table"].status, "down");
    assert_eq!(report.checks["queue"].status, "ok");
    let body = serde_json::to_string(&report).unwrap();
    assert!(
        !body.contains("missing-table") && !body.contains("127.0.0.1"),
        "no names, no hosts: {body}"
    );
}

#[tokio::test]
async fn a_poison_email_job_is_dead_lettered_after_five_receives() {
    let api = Api::start_memory(&[]).await;
    let queue = api.running.memory_queue.clone().unwrap();
    queue.push_raw("not a job".to_string());
    for _ in 0..200 {
        if !queue.dead_letters().is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    let dead = queue.dead_letters();
    assert_eq!((dead.len(), dead[0].receive_count), (1, 5));
}

on_both_backends!(
    path_ids_longer_than_any_real_id_are_404,
    e2e::ADMIN,
    |api| {
        let boss = api.admin().await;
        let long = "x".repeat(2048);
        let ws = "01936f3e-0000-7000-8000-0000000000a1";
        let routes = [
            ("GET", format!("/v1/workspaces/{ws}/tasks/{long}")),
            ("PATCH", format!("/v1/workspaces/{ws}/tasks/{long}")),
            ("DELETE", format!("/v1/workspaces/{ws}/tasks/{long}")),
            ("GET", format!("/v1/workspaces/{long}/tasks")),
            ("GET", format!("/v1/workspaces/{long}")),
            ("GET", format!("/v1/files/{long}")),
            ("POST", format!("/v1/files/{long}/complete")),
            ("DELETE", format!("/v1/files/{long}")),
            ("DELETE", format!("/v1/auth/sessions/{long}")),
            ("PATCH", format!("/v1/admin/users/{long}")),
        ];
        for (method, path) in routes {
            let body = (method == "PATCH").then(|| json!({ "title": "t" }));
            let body = if path.starts_with("/v1/admin") {
                Some(json!({ "locked": true }))
            } else {
                body
            };
            let res = api.send_as(method, &path, &boss.access_token, body).await;
            assert_eq!(
                (res.status, res.code()),
                (404, "not_found"),
                "{method} {}",
                &path[..20]
            );
        }
        for path in [
            format!("/v1/workspaces/{ws}/tasks?owner_id={long}"),
            format!("/v1/workspaces/{ws}/tasks?assignee_id={long}"),
            format!("/v1/admin/audit?user_id={long}"),
        ] {
            let res = api.get_as(&path, &boss.access_token).await;
            assert_eq!(
                (res.status, res.code()),
                (422, "validation_failed"),
                "{}",
                &path[..20]
            );
        }
    }
);

on_both_backends!(
    a_401_says_bearer_and_names_an_invalid_token_when_one_was_presented,
    |api| {
        let bare = api.call("GET", "/v1/auth/me", None, &[]).await;
        assert_eq!(bare.status, 401);
        assert_eq!(bare.header("www-authenticate"), Some("Bearer"));
        let forged = api.get_as("/v1/auth/me", "not.a.token").await;
        assert_eq!(
            (forged.status, forged.header("www-authenticate")),
            (401, Some(r#"Bearer error="invalid_token""#))
        );
        let user = api.user().await;
        api.send_as("POST", "/v1/auth/logout", &user.access_token, None)
            .await;
        let revoked = api.get_as("/v1/auth/me", &user.access_token).await;
        assert_eq!(
            (revoked.code(), revoked.header("www-authenticate")),
            ("token_revoked", Some(r#"Bearer error="invalid_token""#))
        );
    }
);

#[tokio::test]
async fn the_public_keys_may_be_cached_for_five_minutes() {
    let api = e2e::Api::start_memory(&[]).await;
    let res = api.call("GET", "/v1/auth/jwks", None, &[]).await;
    assert_eq!(res.status, 200);
    assert_eq!(res.header("cache-control"), Some("public, max-age=300"));
}

#[tokio::test]
async fn a_problem_type_is_about_blank_unless_a_base_url_is_configured() {
    let plain = Api::start_memory(&[]).await;
    let res = plain.call("GET", "/v1/auth/me", None, &[]).await;
    assert_eq!(res.body["type"], "about:blank");
    let based =
        Api::start_memory(&[("PROBLEM_BASE_URL", "https://docs.example.org/problems/")]).await;
    let res = based.call("GET", "/v1/auth/me", None, &[]).await;
    assert_eq!(
        res.body["type"],
        "https://docs.example.org/problems/unauthorized"
    );
}
