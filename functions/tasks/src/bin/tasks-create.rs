#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    shared::runtime::serve_http(tasks::TASKS_CREATE).await
}
