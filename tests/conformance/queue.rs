//! The email queue: the in-process queue and SQS (moto) deliver, redeliver and
//! dead-letter alike.

use adapters::aws::provision::create_email_queues;
use adapters::aws::SqsQueue;
use local_adapters::memory::MemoryQueue;
use think_tank_core::email::{EmailJob, EmailKind};
use think_tank_core::ports::{EmailQueue, Probe};

fn job() -> EmailJob {
    EmailJob::new(
        "ada@example.com",
        EmailKind::VerifyEmail {
            name: "Ada".into(),
            token: "t".into(),
        },
    )
}

#[tokio::test]
async fn the_memory_queue_delivers_and_dead_letters_after_five_receives() {
    let queue = MemoryQueue::default();
    queue.enqueue(&job()).await.unwrap();
    queue.ping().await.unwrap();
    for receive in 1..=5 {
        let batch = queue.receive(10);
        assert_eq!(batch[0].receive_count, receive);
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&batch[0].body).unwrap()["kind"],
            "verify_email"
        );
        queue.release(&batch[0].message_id, 5);
    }
    assert!(queue.receive(10).is_empty());
    assert_eq!(queue.dead_letters().len(), 1);
}

#[tokio::test]
async fn sqs_delivers_and_its_redrive_policy_dead_letters_after_five_receives() {
    let Some(clients) = e2e::aws_clients_or_skip().await else {
        return;
    };
    let queues = create_email_queues(&clients, &e2e::unique_name("conformance"))
        .await
        .unwrap();
    let queue = SqsQueue::new(clients.sqs(), &queues.queue_url);
    queue.ping().await.unwrap();
    queue.enqueue(&job()).await.unwrap();
    for receive in 1..=5 {
        let batch = queue.receive(10, 1).await.unwrap();
        assert_eq!(batch.len(), 1, "receive #{receive}");
        assert_eq!(batch[0].receive_count, receive);
        queue.release(&batch[0].receipt_handle).await.unwrap();
    }
    assert!(queue.receive(10, 1).await.unwrap().is_empty());
    let dlq = SqsQueue::new(clients.sqs(), &queues.dead_letter_url);
    let dead = dlq.receive(10, 1).await.unwrap();
    assert_eq!(dead.len(), 1);
    let delivered = dlq.receive(10, 0).await.unwrap();
    assert!(delivered.is_empty());
    dlq.delete(&dead[0].receipt_handle).await.unwrap();
}
