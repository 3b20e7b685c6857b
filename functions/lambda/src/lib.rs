//! Every function of the template in one binary, so that `sam build` builds
//! it once (each function stays its own Lambda, role and alarms). A Lambda
//! learns which function it is from its `Handler` (the template sets it to
//! the function's name; the custom runtime receives it as `_HANDLER`).

use shared::wiring::Route;

/// The SQS-triggered worker's name.
pub const EMAIL_WORKER: &str = "email-worker";
/// The function of the table's stream; every other function is an HTTP or
/// WebSocket route.
pub const FAN_OUT: &str = "fan-out";

/// Every HTTP and WebSocket route, by its function name.
pub fn routes() -> Vec<Route> {
    [
        auth::routes(),
        mfa::routes(),
        oidc::routes(),
        admin::routes(),
        health::routes(),
        tasks::routes(),
        workspaces::routes(),
        files::routes(),
        realtime::routes(),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// Every HTTP route's OpenAPI description (`local openapi` assembles them).
#[cfg(feature = "openapi")]
pub fn operations() -> Vec<edge::openapi::Operation> {
    [
        auth::docs::operations(),
        mfa::docs::operations(),
        oidc::docs::operations(),
        admin::docs::operations(),
        health::docs::operations(),
        tasks::docs::operations(),
        workspaces::docs::operations(),
        files::docs::operations(),
        realtime::docs::operations(),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// What one Lambda runs.
pub enum Function {
    Route(Route),
    EmailWorker,
    FanOut,
}

/// The function named `name`, if there is one.
pub fn function(name: &str) -> Option<Function> {
    if name == EMAIL_WORKER {
        return Some(Function::EmailWorker);
    }
    if name == FAN_OUT {
        return Some(Function::FanOut);
    }
    routes()
        .into_iter()
        .find(|r| r.name == name)
        .map(Function::Route)
}

/// Every function name: the routes' and the worker's.
pub fn names() -> Vec<&'static str> {
    let mut names: Vec<_> = routes().iter().map(|r| r.name).collect();
    names.extend([EMAIL_WORKER, FAN_OUT]);
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_is_one_function() {
        let names = names();
        let unique: std::collections::BTreeSet<_> = names.iter().collect();
        assert_eq!(unique.len(), names.len());
        assert!(names.iter().all(|n| function(n).is_some()));
        assert!(function("nope").is_none());
    }
}
