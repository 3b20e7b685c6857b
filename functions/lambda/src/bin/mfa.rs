//! `think-tank-mfa`: the functions of [`think_tank_lambda::MFA`].

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    think_tank_lambda::MFA.serve().await
}
