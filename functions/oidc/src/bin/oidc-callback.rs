#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    shared::runtime::serve_http(oidc::OIDC_CALLBACK).await
}
