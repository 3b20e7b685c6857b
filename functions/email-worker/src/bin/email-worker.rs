#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    shared::runtime::serve_sqs(email_worker::PORTS, email_worker::handle).await
}
