#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    shared::runtime::serve_http(admin::AUDIT_LIST).await
}
