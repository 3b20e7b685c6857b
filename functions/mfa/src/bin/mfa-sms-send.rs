#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    shared::runtime::serve_http(mfa::MFA_SMS_SEND).await
}
