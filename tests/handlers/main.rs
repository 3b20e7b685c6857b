//! Handlers called in-process with real API Gateway v2 and SQS event fixtures
//! (`tests/events/`), on the memory adapters.

mod calls;
mod concurrency;
mod factors;
mod fanout;
mod faults;
mod fixtures;
mod gate;
mod iam;
mod identities;
mod logs;
mod metrics;
mod passwordless;
mod realtime;
mod reauth;
mod revocation;
mod routes;
mod services;
mod side_effects;
mod sms;
mod tasks;
mod worker;
mod workspaces;
