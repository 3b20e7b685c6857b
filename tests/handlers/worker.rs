use aws_lambda_events::event::sqs::SqsEvent;

use crate::fixtures::{fixture, Harness};

#[tokio::test]
async fn a_batch_reports_only_the_poison_message_as_failed() {
    let h = Harness::new();
    let event: SqsEvent = serde_json::from_value(fixture("email-worker")).unwrap();
    let response = email_worker::handle(h.app.clone(), event).await;
    let failed: Vec<&str> = response
        .batch_item_failures
        .iter()
        .map(|f| f.item_identifier.as_str())
        .collect();
    assert_eq!(failed, ["7d3c2b1a-0000-4000-8000-00000000dead"]);
    let mails = h.outbox_files();
    assert_eq!(mails.len(), 1);
    assert!(mails[0].contains("verify-email?token=fixture-token-abc123"));
}

#[tokio::test]
async fn a_redelivered_message_is_not_sent_twice() {
    let h = Harness::new();
    let event: SqsEvent = serde_json::from_value(fixture("email-worker")).unwrap();
    email_worker::handle(h.app.clone(), event.clone()).await;
    let again = email_worker::handle(h.app.clone(), event).await;
    assert_eq!(
        again.batch_item_failures.len(),
        1,
        "the poison message still fails"
    );
    assert_eq!(h.outbox_files().len(), 1, "the good message was sent once");
}

#[tokio::test]
async fn every_email_kind_is_delivered_with_text_and_html() {
    let h = Harness::new();
    let kinds = [
        think_tank_core::email::EmailKind::VerifyEmail {
            name: "A".into(),
            token: "t1".into(),
        },
        think_tank_core::email::EmailKind::PasswordReset {
            name: "A".into(),
            token: "t2".into(),
        },
        think_tank_core::email::EmailKind::AccountLocked {
            name: "A".into(),
            locked_until: "2026-11-22T20:00:00Z".into(),
        },
        think_tank_core::email::EmailKind::TaskAssigned {
            name: "A".into(),
            workspace_id: "ws1".into(),
            task_id: "x".into(),
            task_title: "Ship it".into(),
            assigned_by: "B".into(),
        },
    ];
    for kind in kinds {
        let job = think_tank_core::email::EmailJob::new("a@example.com", kind);
        think_tank_core::ports::EmailQueue::enqueue(h.queue.as_ref(), &job)
            .await
            .unwrap();
    }
    assert!(h.run_worker().await.is_empty());
    let mails = h.outbox_files();
    assert_eq!(mails.len(), 4);
    assert!(mails
        .iter()
        .all(|m| m.contains("text/plain") && m.contains("text/html")));
}

fn queued(to: &str, kind: think_tank_core::email::EmailKind) -> think_tank_core::email::EmailJob {
    think_tank_core::email::EmailJob::new(to, kind)
}

#[tokio::test]
async fn a_job_the_mailer_can_never_send_is_dropped_not_retried() {
    let h = Harness::new();
    let kind = think_tank_core::email::EmailKind::VerifyEmail {
        name: "Comma".into(),
        token: "t".into(),
    };
    let job = queued("a,b@example.com", kind);
    think_tank_core::ports::EmailQueue::enqueue(h.queue.as_ref(), &job)
        .await
        .unwrap();
    assert!(
        h.run_worker().await.is_empty(),
        "not sent back to the queue"
    );
    assert!(h.outbox_files().is_empty());
}

#[tokio::test]
async fn hostile_names_and_huge_titles_are_sent_flattened_and_bounded() {
    let h = Harness::new();
    let kind = think_tank_core::email::EmailKind::TaskAssigned {
        name: "Ada\r\nBcc: victim@example.com".into(),
        workspace_id: "ws1".into(),
        task_id: "t1".into(),
        task_title: format!("&\r\nBcc: victim@example.com {}", "&".repeat(5000)),
        assigned_by: "Bob".into(),
    };
    let job = queued("ada@example.com", kind);
    think_tank_core::ports::EmailQueue::enqueue(h.queue.as_ref(), &job)
        .await
        .unwrap();
    assert!(h.run_worker().await.is_empty());
    let mails = h.outbox_files();
    assert_eq!(mails.len(), 1);
    assert!(!mails[0].lines().any(|l| l.starts_with("Bcc:")));
}
