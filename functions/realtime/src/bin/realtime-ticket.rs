#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    shared::runtime::serve_http(realtime::REALTIME_TICKET).await
}
