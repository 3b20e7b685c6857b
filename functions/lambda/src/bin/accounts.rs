//! `think-tank-accounts`: the functions of [`think_tank_lambda::ACCOUNTS`].

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    think_tank_lambda::ACCOUNTS.serve().await
}
