//! Text messages on both senders: SNS (moto, which lists what it was asked
//! to deliver) and the local outbox's `<id>.sms` files.

use adapters::aws::SnsSender;
use adapters::outbox::OutboxSender;
use serde_json::Value;
use think_tank_core::ports::SmsSender;

/// Every SMS moto's SNS accepted: (number, text).
async fn sent_through_moto() -> Vec<(String, String)> {
    let endpoint = std::env::var("AWS_ENDPOINT_URL_SNS").unwrap();
    let data: Value = reqwest::get(format!("{endpoint}/moto-api/data.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    data["sns"]["SMS"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|m| {
            let field = |name: &str| m[name].as_str().unwrap_or_default().to_string();
            (field("phone_number"), field("message"))
        })
        .collect()
}

#[tokio::test]
async fn sns_delivers_a_text_to_the_number() {
    let Some(clients) = e2e::aws_clients_or_skip().await else {
        return;
    };
    let sender = SnsSender::new(clients.sns());
    let text = format!("Your code is 123456 ({})", e2e::unique_name("sms"));
    sender
        .send_sms("job-1", "+14155552671", &text)
        .await
        .unwrap();
    let sent = sent_through_moto().await;
    assert!(
        sent.contains(&("+14155552671".to_string(), text)),
        "{sent:?}"
    );
}

#[tokio::test]
async fn sns_refuses_a_number_that_is_not_e164() {
    let Some(clients) = e2e::aws_clients_or_skip().await else {
        return;
    };
    let sender = SnsSender::new(clients.sns());
    assert!(sender.send_sms("job-2", "0123", "hello").await.is_err());
}

#[tokio::test]
async fn the_outbox_writes_one_file_per_text_named_by_its_id() {
    let dir = std::env::temp_dir().join(e2e::unique_name("sms-outbox"));
    let outbox = OutboxSender::new(&dir.display().to_string());
    outbox
        .send_sms("0199-abc", "+447400123456", "Your code is 654321.")
        .await
        .unwrap();
    let text = std::fs::read_to_string(dir.join("0199-abc.sms")).unwrap();
    assert_eq!(text, "To: +447400123456\n\nYour code is 654321.\n");
}
