//! Operators' metrics are counted where the events happen: a failed login in
//! the login handler and an email the worker delivers reach the flushed EMF
//! documents CloudWatch reads (README, "Metrics").

use serde_json::{json, Value};

use crate::fixtures::{body_json, register_event, request, with_body, Harness};

#[tokio::test]
async fn a_failed_login_and_a_delivered_email_are_counted_for_cloudwatch() {
    let collector = shared::metrics::init("login").expect("the only collector of this binary");
    let h = Harness::new();
    assert_eq!(register_event(&h.app, "counted@example.com").await, 201);
    let wrong = json!({ "email": "counted@example.com", "password": "not the password" });
    let login = (auth::LOGIN.handler)(h.app.clone(), request(&with_body("login", wrong))).await;
    assert_eq!(body_json(login).await.0, 401);
    assert!(
        h.run_worker().await.is_empty(),
        "the verification email is delivered"
    );

    let mut out = Vec::new();
    collector.flush(&mut out).unwrap();
    let documents: Vec<Value> = String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let counted = |metric: &str, event: Option<&str>| {
        documents.iter().any(|d| {
            d[metric].as_u64().is_some_and(|n| n >= 1)
                && event.is_none_or(|e| d["event"] == e)
                && d["function"] == "login"
        })
    };
    assert!(
        counted("security_events", Some("login_failure")),
        "{documents:?}"
    );
    assert!(counted("emails_sent", None), "{documents:?}");
}
