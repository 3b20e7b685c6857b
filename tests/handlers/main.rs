//! Handlers called in-process with real API Gateway v2 and SQS event fixtures
//! (`tests/events/`), on the memory adapters.

mod calls;
mod fixtures;
mod logs;
mod routes;
mod worker;
