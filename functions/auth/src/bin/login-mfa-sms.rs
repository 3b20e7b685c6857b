#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    shared::runtime::serve_http(auth::LOGIN_MFA_SMS).await
}
