#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    shared::runtime::serve_http(mfa::MFA_BACKUP_CODES).await
}
