//! `think-tank-files`: the functions of [`think_tank_lambda::FILES`].

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    think_tank_lambda::FILES.serve().await
}
