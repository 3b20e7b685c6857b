#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    shared::runtime::serve_http(files::FILES_CREATE).await
}
