//! The OpenAPI description of the health and reference routes.

use edge::openapi::Operation;
use think_tank_core::services::health::Health;

pub fn operations() -> Vec<Operation> {
    vec![
        Operation::new("health", "health", "Is every dependency reachable?")
            .describe("A real round trip to the table, the queue and the bucket, timed.")
            .reply::<Health>(200, "Every dependency answered.")
            .reply::<Health>(503, "At least one dependency is down; `checks` says which."),
        Operation::new("openapi", "health", "This document")
            .describe("The OpenAPI 3.1 description of the HTTP API.")
            .object(200, "The OpenAPI document."),
    ]
}
