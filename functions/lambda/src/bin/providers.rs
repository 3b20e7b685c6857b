//! `think-tank-providers`: the functions of [`think_tank_lambda::PROVIDERS`].

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    think_tank_lambda::PROVIDERS.serve().await
}
