//! `think-tank-email`: the functions of [`think_tank_lambda::EMAIL`].

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    think_tank_lambda::EMAIL.serve().await
}
