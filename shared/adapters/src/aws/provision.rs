//! Creates the table and email queues as `template.yaml` declares them, for
//! emulators (tests and `cargo run -p local -- provision`). AWS deployments get
//! them from CloudFormation instead.

use aws_sdk_dynamodb::error::DisplayErrorContext;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType, Projection,
    ProjectionType, ScalarAttributeType, StreamSpecification, StreamViewType,
    TimeToLiveSpecification,
};
use aws_sdk_sqs::types::QueueAttributeName;

use super::AwsClients;

fn key(name: &str, kind: KeyType) -> anyhow::Result<KeySchemaElement> {
    Ok(KeySchemaElement::builder()
        .attribute_name(name)
        .key_type(kind)
        .build()?)
}

fn string_attr(name: &str) -> anyhow::Result<AttributeDefinition> {
    Ok(AttributeDefinition::builder()
        .attribute_name(name)
        .attribute_type(ScalarAttributeType::S)
        .build()?)
}

fn index(n: u8) -> anyhow::Result<GlobalSecondaryIndex> {
    Ok(GlobalSecondaryIndex::builder()
        .index_name(format!("gsi{n}"))
        .key_schema(key(&format!("gsi{n}pk"), KeyType::Hash)?)
        .key_schema(key(&format!("gsi{n}sk"), KeyType::Range)?)
        .projection(
            Projection::builder()
                .projection_type(ProjectionType::All)
                .build(),
        )
        .build()?)
}

/// Creates the table, retrying a few times: an emulator that has just started
/// (or is creating many tables at once) may refuse a call it takes a moment later.
/// The table as the template declares it, its change feed (stream) on.
pub async fn create_table(clients: &AwsClients, name: &str) -> anyhow::Result<()> {
    create_table_with(clients, name, true).await
}

/// The table without its stream, for tests that never read the feed (an
/// emulator keeps working for every stream it holds).
pub async fn create_table_without_stream(clients: &AwsClients, name: &str) -> anyhow::Result<()> {
    create_table_with(clients, name, false).await
}

async fn create_table_with(clients: &AwsClients, name: &str, stream: bool) -> anyhow::Result<()> {
    let mut attempt = 0;
    loop {
        attempt += 1;
        match try_create_table(clients, name, stream).await {
            Ok(()) => return Ok(()),
            Err(e) if attempt < 4 => {
                tracing::warn!(table = name, attempt, error = %format!("{e:#}"), "create table failed; retrying");
                tokio::time::sleep(std::time::Duration::from_millis(250 * attempt)).await;
            }
            Err(e) => return Err(e),
        }
    }
}

async fn try_create_table(clients: &AwsClients, name: &str, stream: bool) -> anyhow::Result<()> {
    let exists = clients
        .dynamodb()
        .describe_table()
        .table_name(name)
        .send()
        .await;
    if exists.is_err() {
        create_table_once(clients, name, stream).await?;
    }
    clients
        .dynamodb()
        .update_time_to_live()
        .table_name(name)
        .time_to_live_specification(
            TimeToLiveSpecification::builder()
                .attribute_name("ttl")
                .enabled(true)
                .build()?,
        )
        .send()
        .await
        .map_err(|e| anyhow::anyhow!("enable TTL: {}", DisplayErrorContext(e)))?;
    Ok(())
}

async fn create_table_once(clients: &AwsClients, name: &str, stream: bool) -> anyhow::Result<()> {
    clients
        .dynamodb()
        .create_table()
        .table_name(name)
        .billing_mode(BillingMode::PayPerRequest)
        .set_attribute_definitions(Some(vec![
            string_attr("pk")?,
            string_attr("sk")?,
            string_attr("gsi1pk")?,
            string_attr("gsi1sk")?,
            string_attr("gsi2pk")?,
            string_attr("gsi2sk")?,
            string_attr("gsi3pk")?,
            string_attr("gsi3sk")?,
        ]))
        .key_schema(key("pk", KeyType::Hash)?)
        .key_schema(key("sk", KeyType::Range)?)
        .set_global_secondary_indexes(Some(vec![index(1)?, index(2)?, index(3)?]))
        .stream_specification(
            StreamSpecification::builder()
                .stream_enabled(stream)
                .set_stream_view_type(stream.then_some(StreamViewType::NewAndOldImages))
                .build()?,
        )
        .send()
        .await
        .map_err(|e| anyhow::anyhow!("create table: {}", DisplayErrorContext(e)))?;
    Ok(())
}

pub struct EmailQueues {
    pub queue_url: String,
    pub dead_letter_url: String,
}

/// The email queue with a redrive policy to its DLQ after 5 receives.
pub async fn create_email_queues(clients: &AwsClients, name: &str) -> anyhow::Result<EmailQueues> {
    let dlq = clients
        .sqs()
        .create_queue()
        .queue_name(format!("{name}-dlq"))
        .send()
        .await?;
    let dead_letter_url = dlq.queue_url().unwrap_or_default().to_string();
    let attrs = clients
        .sqs()
        .get_queue_attributes()
        .queue_url(&dead_letter_url)
        .attribute_names(QueueAttributeName::QueueArn)
        .send()
        .await?;
    let dlq_arn = attrs
        .attributes()
        .and_then(|a| a.get(&QueueAttributeName::QueueArn))
        .cloned()
        .ok_or_else(|| anyhow::anyhow!("dead-letter queue has no ARN"))?;
    let redrive =
        serde_json::json!({ "deadLetterTargetArn": dlq_arn, "maxReceiveCount": 5 }).to_string();
    let queue = clients
        .sqs()
        .create_queue()
        .queue_name(name)
        .attributes(QueueAttributeName::RedrivePolicy, redrive)
        .attributes(QueueAttributeName::VisibilityTimeout, "60")
        .send()
        .await?;
    Ok(EmailQueues {
        queue_url: queue.queue_url().unwrap_or_default().to_string(),
        dead_letter_url,
    })
}

/// Creates a bucket with a fresh name. A `CreateBucket` whose first attempt
/// landed but answered too late is retried by the SDK and then meets its own
/// bucket (`BucketAlreadyExists`): a bucket that answers to us afterwards is
/// ours.
pub async fn create_bucket(clients: &AwsClients, name: &str) -> anyhow::Result<()> {
    let created = clients.s3().create_bucket().bucket(name).send().await;
    let Err(e) = created else {
        return Ok(());
    };
    let ours = clients.s3().head_bucket().bucket(name).send().await;
    match ours {
        Ok(_) => Ok(()),
        Err(_) => Err(anyhow::anyhow!(
            "create bucket {name}: {}",
            aws_sdk_s3::error::DisplayErrorContext(e)
        )),
    }
}
