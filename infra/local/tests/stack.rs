//! `template.yaml` is the route table rendered into the skeleton, and the
//! route table names every function the Lambda binary serves, once.

use std::collections::BTreeSet;

use local::stack::{functions, template};

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
        .chain([think_tank_lambda::EMAIL_WORKER])
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
