#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    shared::runtime::serve_http(realtime::WS_DEFAULT).await
}
