//! `think-tank-board`: the functions of [`think_tank_lambda::BOARD`].

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    think_tank_lambda::BOARD.serve().await
}
