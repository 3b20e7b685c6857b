//! The one Lambda binary: serves the function its `Handler` names.

use lambda_http::Error;
use think_tank_lambda::{function, Function};

#[tokio::main]
async fn main() -> Result<(), Error> {
    // Lambda passes a custom runtime its `Handler` setting as `_HANDLER`.
    let name = std::env::var("_HANDLER").unwrap_or_default();
    match function(&name) {
        Some(Function::Route(route)) => shared::runtime::serve_http(route).await,
        Some(Function::EmailWorker) => {
            shared::runtime::serve_events(&name, email_worker::PORTS, email_worker::handle).await
        }
        Some(Function::FanOut) => {
            shared::runtime::serve_events(&name, fan_out::PORTS, fan_out::handle).await
        }
        None => Err(format!("_HANDLER={name:?} names no function of this binary").into()),
    }
}
