//! SMS codes on the queue: the job carries the code sealed, never in plain
//! text, so neither the queue nor its dead-letter queue holds a usable code.

use serde_json::json;

use crate::calls::event;
use crate::fixtures::{
    body_json, login_event, register_verified_event, request, sqs_event, Harness,
};

#[tokio::test]
async fn an_sms_code_never_rests_in_plain_text_on_the_queue() {
    let h = Harness::new();
    let email = "texted@example.com";
    register_verified_event(&h.app, email).await;
    h.run_worker().await;
    let (_, login) = login_event(&h.app, email).await;
    let token = login["access_token"].as_str().unwrap();
    let path = "/v1/auth/phone";
    let body = json!({ "phone": "+14155552671" });
    let e = event("POST", path, path, token, Some(body));
    let (status, _, _) =
        body_json((mfa::PHONE_ADD.handler)(h.app.clone(), request(&e)).await).await;
    assert_eq!(status, 202);

    let queued = h.queue.receive(10);
    assert_eq!(queued.len(), 1, "the text is the one job");
    let job = queued[0].body.clone();
    let batch = sqs_event(queued.iter().map(|m| (&m.message_id, &m.body)));
    let failures = email_worker::handle(h.app.clone(), batch).await;
    assert!(failures.batch_item_failures.is_empty());
    let text = h
        .outbox_files()
        .into_iter()
        .find(|f| f.starts_with("To: +14155552671"))
        .expect("the worker sent the text");
    let at = text.find("is ").unwrap() + 3;
    let code = &text[at..at + 6];
    assert!(code.chars().all(|c| c.is_ascii_digit()), "{text}");
    assert!(!job.contains(code), "the queued job holds the code: {job}");
}
