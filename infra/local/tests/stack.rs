//! `template.yaml` is the route table rendered into the skeleton; the route
//! table names every function the Lambda binary serves, once, and grants
//! each the AWS permissions of exactly the ports its route declares.

use std::collections::{BTreeMap, BTreeSet};

use local::stack::{functions, template, Grant};
use think_tank_core::app::Port;

const COMMITTED: &str = include_str!("../../../template.yaml");

#[test]
fn the_committed_template_is_the_rendered_route_table() {
    let rendered = template();
    if std::env::var_os("UPDATE_TEMPLATE").is_some() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../template.yaml");
        std::fs::write(path, &rendered).unwrap();
        return;
    }
    assert!(
        rendered == COMMITTED,
        "template.yaml differs from the route table and skeleton: run UPDATE_TEMPLATE=1 cargo test -p local --test stack"
    );
}

#[test]
fn every_function_the_binary_serves_has_one_entry_and_no_entry_is_orphaned() {
    let served: BTreeSet<&str> = think_tank_lambda::routes()
        .iter()
        .map(|r| r.name)
        .chain([think_tank_lambda::EMAIL_WORKER, think_tank_lambda::FAN_OUT])
        .collect();
    let listed: Vec<&str> = functions().iter().map(|f| f.name).collect();
    let unique: BTreeSet<&str> = listed.iter().copied().collect();
    assert_eq!(unique.len(), listed.len(), "a function is listed twice");
    assert_eq!(unique, served);
}

#[test]
fn logical_ids_are_unique() {
    let all = functions();
    let ids: BTreeSet<&str> = all.iter().map(|f| f.id).collect();
    assert_eq!(ids.len(), all.len());
}

/// The ports a grant serves: a function that builds a port needs its grant,
/// and a grant is only for a port the function builds.
fn port_of(grant: &Grant) -> Option<Port> {
    match grant {
        Grant::QueueEmail | Grant::EmailQueueDepth => Some(Port::EmailQueue),
        Grant::PushToSockets | Grant::CloseSockets => Some(Port::Notifier),
        Grant::Objects(..) | Grant::ListUploads => Some(Port::Blobs),
        Grant::SendEmail => Some(Port::EmailSender),
        Grant::SendSms => Some(Port::SmsSender),
        Grant::Items(_) | Grant::Queries(_) | Grant::HealthItem => None,
    }
}

#[test]
fn a_functions_grants_serve_exactly_the_ports_its_route_declares() {
    let declared: BTreeMap<&str, BTreeSet<Port>> = think_tank_lambda::routes()
        .iter()
        .map(|r| (r.name, r.ports.iter().collect()))
        .chain([
            (
                think_tank_lambda::EMAIL_WORKER,
                email_worker::PORTS.iter().collect(),
            ),
            (think_tank_lambda::FAN_OUT, fan_out::PORTS.iter().collect()),
        ])
        .collect();
    for function in functions() {
        let granted: BTreeSet<Port> = function.grants.iter().filter_map(port_of).collect();
        // Provider sign-in speaks HTTPS to the providers: no AWS permission.
        let mut needs = declared[function.name].clone();
        needs.remove(&Port::IdentityProviders);
        assert_eq!(
            granted, needs,
            "{}: grants vs its service's ports",
            function.name
        );
    }
}
