//! The Lambda binaries. Each function of the template is its own Lambda
//! (role, alarms, `Handler`) and runs one of six binaries, the one its
//! `BuildProperties.Binary` names; the binary learns which function it is
//! from its `Handler` (the function's name, `_HANDLER` at run time). A
//! binary links the functions of a few packages and the AWS adapters those
//! use, and nothing else, so each zip carries only its own services' SDKs
//! (infra/perf.md, "Artifact size").

use std::future::Future;
use std::pin::Pin;

use lambda_http::Error;
use shared::wiring::aws::{
    BLOBS, EMAIL_QUEUE, EMAIL_SENDER, IDENTITY_PROVIDERS, NOTIFIER, SMS_SENDER,
};
use shared::wiring::{AwsPort, Route};
use think_tank_core::app::Ports;

/// The SQS-triggered worker's name.
pub const EMAIL_WORKER: &str = "email-worker";
/// The function of the table's stream; every other function is an HTTP or
/// WebSocket route.
pub const FAN_OUT: &str = "fan-out";

/// One binary: its functions and the adapters they use.
pub struct Binary {
    /// Its name in `Cargo.toml` and in the template's `BuildProperties`.
    pub name: &'static str,
    pub routes: fn() -> Vec<Route>,
    pub events: &'static [EventFunction],
    pub linked: &'static [AwsPort],
}

/// A function's runtime loop, until the runtime ends it.
pub type Serving = Pin<Box<dyn Future<Output = Result<(), Error>>>>;

/// A function behind an event source mapping (a queue, the table's stream).
pub struct EventFunction {
    pub name: &'static str,
    pub ports: Ports,
    pub serve: fn(&'static [AwsPort]) -> Serving,
}

/// Sign-up, sign-in, sessions, passwords, administration.
pub const ACCOUNTS: Binary = Binary {
    name: "think-tank-accounts",
    routes: || [auth::routes(), admin::routes()].concat(),
    events: &[],
    linked: &[EMAIL_QUEUE, NOTIFIER],
};

/// Second factors: the only binary with the phone-number metadata (and
/// the regular-expression engine it needs).
pub const MFA: Binary = Binary {
    name: "think-tank-mfa",
    routes: mfa::routes,
    events: &[],
    linked: &[EMAIL_QUEUE, NOTIFIER],
};

/// OpenID Connect sign-in and linking: the only binary with the ID-token
/// verification of `openidconnect`.
pub const PROVIDERS: Binary = Binary {
    name: "think-tank-providers",
    routes: oidc::routes,
    events: &[],
    linked: &[EMAIL_QUEUE, NOTIFIER, IDENTITY_PROVIDERS],
};

/// Workspaces, their tasks and members, realtime, and the stream's fan-out.
pub const BOARD: Binary = Binary {
    name: "think-tank-board",
    routes: || [tasks::routes(), workspaces::routes(), realtime::routes()].concat(),
    events: &[EventFunction {
        name: FAN_OUT,
        ports: fan_out::PORTS,
        serve: |linked| {
            Box::pin(shared::runtime::serve_events(
                FAN_OUT,
                fan_out::PORTS,
                linked,
                fan_out::handle,
            ))
        },
    }],
    linked: &[EMAIL_QUEUE, NOTIFIER],
};

/// Uploads and the health check (which checks the bucket too): the only
/// binary with the S3 SDK.
pub const FILES: Binary = Binary {
    name: "think-tank-files",
    routes: || [files::routes(), health::routes()].concat(),
    events: &[],
    linked: &[EMAIL_QUEUE, BLOBS, NOTIFIER],
};

/// The email and text worker: the only binary with the SES and SNS SDKs
/// and the email templates.
pub const EMAIL: Binary = Binary {
    name: "think-tank-email",
    routes: Vec::new,
    events: &[EventFunction {
        name: EMAIL_WORKER,
        ports: email_worker::PORTS,
        serve: |linked| {
            Box::pin(shared::runtime::serve_events(
                EMAIL_WORKER,
                email_worker::PORTS,
                linked,
                email_worker::handle,
            ))
        },
    }],
    linked: &[EMAIL_SENDER, SMS_SENDER],
};

/// Every binary; a `main` names only its own, or it would link them all.
pub const BINARIES: [&Binary; 6] = [&ACCOUNTS, &MFA, &PROVIDERS, &BOARD, &FILES, &EMAIL];

impl Binary {
    /// Serves the function `_HANDLER` names, if it is one of this binary's.
    pub async fn serve(&'static self) -> Result<(), Error> {
        // Lambda passes a custom runtime its `Handler` setting as `_HANDLER`.
        let name = std::env::var("_HANDLER").unwrap_or_default();
        if let Some(event) = self.events.iter().find(|e| e.name == name) {
            return (event.serve)(self.linked).await;
        }
        match (self.routes)().into_iter().find(|r| r.name == name) {
            Some(route) => shared::runtime::serve_http(route, self.linked).await,
            None => Err(format!("_HANDLER={name:?} names no function of {}", self.name).into()),
        }
    }

    /// Its functions' names.
    pub fn names(&self) -> Vec<&'static str> {
        let routes = (self.routes)().into_iter().map(|r| r.name);
        routes.chain(self.events.iter().map(|e| e.name)).collect()
    }
}

/// The binary that runs the function `name`.
pub fn binary_of(name: &str) -> Option<&'static Binary> {
    BINARIES.into_iter().find(|b| b.names().contains(&name))
}

/// Every HTTP and WebSocket route, by its function name.
pub fn routes() -> Vec<Route> {
    BINARIES.iter().flat_map(|b| (b.routes)()).collect()
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

/// Every function name: the routes' and the event functions'.
pub fn names() -> Vec<&'static str> {
    BINARIES.iter().flat_map(|b| b.names()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_function_runs_in_exactly_one_binary() {
        let names = names();
        let unique: std::collections::BTreeSet<_> = names.iter().collect();
        assert_eq!(unique.len(), names.len());
        assert_eq!(binary_of("me").map(|b| b.name), Some("think-tank-accounts"));
        assert_eq!(binary_of(FAN_OUT).map(|b| b.name), Some("think-tank-board"));
        assert!(binary_of("nope").is_none());
    }

    #[test]
    fn every_binary_links_each_port_its_functions_use() {
        for binary in BINARIES {
            let linked = |port| binary.linked.iter().any(|l| l.port == port);
            let routes = (binary.routes)().into_iter().map(|r| (r.name, r.ports));
            let events = binary.events.iter().map(|e| (e.name, e.ports));
            for (name, ports) in routes.chain(events) {
                for port in ports.iter() {
                    assert!(linked(port), "{}: {name} needs {port:?}", binary.name);
                }
            }
        }
    }

    #[test]
    fn a_binary_links_no_port_its_functions_do_not_use() {
        for binary in BINARIES {
            let routes = (binary.routes)().into_iter().map(|r| r.ports);
            let used = routes
                .chain(binary.events.iter().map(|e| e.ports))
                .fold(Ports::NONE, Ports::union);
            for entry in binary.linked {
                assert!(
                    used.contains(entry.port),
                    "{}: {:?}",
                    binary.name,
                    entry.port
                );
            }
        }
    }
}
