//! Rules a deployable template keeps (README, "Deploy"): no unsafe defaults,
//! every environment's values in `samconfig.toml`, queue and worker timeouts
//! that fit, access logs, alarms and scan suppressions with reasons.

use std::collections::BTreeSet;

use serde_yaml_ng::Value;

const TEMPLATE: &str = include_str!("../../../template.yaml");
const SAMCONFIG: &str = include_str!("../../../samconfig.toml");

fn template() -> Value {
    serde_yaml_ng::from_str(TEMPLATE).unwrap()
}

fn functions(doc: &Value) -> Vec<(String, Value)> {
    doc["Resources"]
        .as_mapping()
        .unwrap()
        .iter()
        .filter(|(_, r)| r["Type"] == "AWS::Serverless::Function")
        .map(|(id, r)| (id.as_str().unwrap().to_string(), r.clone()))
        .collect()
}

/// The `Name=` entries of each `[<env>.deploy.parameters]` list.
fn deploy_parameters() -> Vec<(String, BTreeSet<String>)> {
    let mut envs: Vec<(String, BTreeSet<String>)> = Vec::new();
    for line in SAMCONFIG.lines() {
        if let Some(env) = line
            .strip_prefix('[')
            .and_then(|l| l.strip_suffix(".deploy.parameters]"))
        {
            envs.push((env.to_string(), BTreeSet::new()));
        } else if let (Some((_, names)), Some(entry)) =
            (envs.last_mut(), line.trim().strip_prefix('"'))
        {
            names.insert(entry.split('=').next().unwrap().to_string());
        }
    }
    envs
}

#[test]
fn origins_senders_and_links_have_no_default_so_a_deploy_without_them_fails() {
    let doc = template();
    for name in ["AllowedOrigins", "EmailFrom", "SesIdentity", "AppBaseUrl"] {
        let parameter = &doc["Parameters"][name];
        assert!(parameter.is_mapping(), "{name}");
        assert!(parameter["Default"].is_null(), "{name} has a default");
        assert!(
            parameter["AllowedPattern"].is_string(),
            "{name} is unchecked"
        );
    }
}

#[test]
fn every_environment_in_samconfig_carries_every_parameter() {
    let doc = template();
    let all: BTreeSet<String> = doc["Parameters"]
        .as_mapping()
        .unwrap()
        .keys()
        .map(|k| k.as_str().unwrap().to_string())
        .collect();
    let envs = deploy_parameters();
    assert_eq!(
        envs.iter().map(|(e, _)| e.as_str()).collect::<Vec<_>>(),
        ["dev", "prod"]
    );
    for (env, names) in envs {
        let missing: Vec<_> = all.difference(&names).collect();
        let unknown: Vec<_> = names.difference(&all).collect();
        assert!(missing.is_empty(), "{env} lacks {missing:?}");
        assert!(unknown.is_empty(), "{env} names unknown {unknown:?}");
    }
}

#[test]
fn the_email_queue_hides_a_message_for_at_least_six_worker_timeouts() {
    let doc = template();
    let worker = &doc["Resources"]["EmailWorkerFunction"]["Properties"];
    let timeout = worker["Timeout"].as_u64().unwrap();
    let queue = &doc["Resources"]["EmailQueue"]["Properties"];
    let visibility = queue["VisibilityTimeout"].as_u64().unwrap();
    assert!(visibility >= 6 * timeout, "{visibility} < 6 x {timeout}");
    let event = &worker["Events"]["EmailQueue"]["Properties"];
    assert!(!event["ScalingConfig"]["MaximumConcurrency"].is_null());
}

#[test]
fn both_api_stages_write_access_logs_and_every_function_is_behind_one() {
    let doc = template();
    let resources = &doc["Resources"];
    let http = &resources["HttpApi"]["Properties"]["AccessLogSettings"];
    let ws = &resources["WebSocketStage"]["Properties"]["AccessLogSettings"];
    for settings in [http, ws] {
        assert!(!settings["DestinationArn"].is_null());
        assert!(settings["Format"]
            .as_str()
            .unwrap()
            .contains("$context.requestId"));
    }
    for (id, function) in functions(&doc) {
        let events = function["Properties"]["Events"].as_mapping();
        // The workers' "route" is their queue or stream.
        let http_routed = events
            .into_iter()
            .flat_map(|e| e.values())
            .any(|e| ["HttpApi", "SQS", "DynamoDB"].contains(&e["Type"].as_str().unwrap_or("")));
        let ws_routed = TEMPLATE.contains(&format!("${{{id}.Arn}}/invocations"));
        assert!(http_routed || ws_routed, "{id} has no logged route");
    }
}

#[test]
fn every_function_has_an_errors_and_a_throttles_alarm() {
    let doc = template();
    let resources = doc["Resources"].as_mapping().unwrap();
    for (id, _) in functions(&doc) {
        for metric in ["Errors", "Throttles"] {
            let watched = resources.values().any(|r| {
                r["Type"] == "AWS::CloudWatch::Alarm"
                    && r["Properties"]["MetricName"] == metric
                    && serde_yaml_ng::to_string(&r["Properties"]["Dimensions"])
                        .unwrap()
                        .contains(&id)
            });
            assert!(watched, "{id} has no {metric} alarm");
        }
    }
}

#[test]
fn every_suppressed_scan_finding_says_why() {
    let doc = template();
    for (id, resource) in doc["Resources"].as_mapping().unwrap() {
        let skips = resource["Metadata"]["checkov"]["skip"].as_sequence();
        for skip in skips.into_iter().flatten() {
            let comment = skip["comment"].as_str().unwrap_or_default();
            assert!(comment.len() > 20, "{id:?} {:?} has no reason", skip["id"]);
        }
    }
}

/// API Gateway answers preflights and adds CORS headers in AWS; the functions
/// (and so the local gateway) answer the same way: one configuration, twice.
#[test]
fn the_http_apis_cors_is_the_one_the_functions_answer_with() {
    use edge::http::cors::{ALLOW_HEADERS, ALLOW_METHODS, EXPOSE_HEADERS, MAX_AGE};
    let doc = template();
    let cors = &doc["Resources"]["HttpApi"]["Properties"]["CorsConfiguration"];
    let list = |name: &str| {
        let items = cors[name].as_sequence().unwrap_or_else(|| panic!("{name}"));
        let names: Vec<&str> = items.iter().map(|v| v.as_str().unwrap()).collect();
        names.join(", ")
    };
    assert_eq!(list("AllowHeaders"), ALLOW_HEADERS);
    assert_eq!(list("AllowMethods"), ALLOW_METHODS);
    assert_eq!(list("ExposeHeaders"), EXPOSE_HEADERS);
    assert_eq!(
        cors["MaxAge"].as_u64().map(|n| n.to_string()).as_deref(),
        Some(MAX_AGE)
    );
    assert_eq!(cors["AllowCredentials"].as_bool(), Some(true));
}

/// Settings the README lists that a deployed function does not take from
/// the template: the local gateway's own, the secrets (read from Secrets
/// Manager), and what the template sets from its own resources.
const NOT_TEMPLATE_PARAMETERS: &[&str] = &[
    "LOCAL_HTTP_ADDR",
    "LOCAL_WS_ADDR",
    "LOCAL_OUTBOX_DIR",
    "LOCAL_BLOB_DIR",
    "BACKEND",
    "RUST_LOG",
    "JWT_SIGNING_KEY",
    "APP_SECRET",
    "IP_HASH_PEPPER",
    "MFA_ENCRYPTION_KEY",
];

/// The text of these files of the project's `shared` crate (`shared/src/…`).
fn project_sources(files: &[&str]) -> String {
    let crate_src = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("..")
        .join("shared")
        .join("src");
    files
        .iter()
        .map(|f| std::fs::read_to_string(crate_src.join(f)).expect("a source file"))
        .collect()
}

/// The names in the README's configuration table.
fn readme_settings() -> Vec<String> {
    let readme = include_str!("../../../README.md");
    let table = readme
        .split("## Configuration")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .expect("README has a Configuration section");
    table
        .lines()
        .filter_map(|line| line.strip_prefix("| `"))
        .filter_map(|rest| rest.split(" |").next())
        .flat_map(|names| {
            names
                .split(" / ")
                .map(|n| n.trim_matches('`').to_string())
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn every_deployable_setting_is_a_template_variable_and_read_by_the_config() {
    let doc = template();
    let env = &doc["Globals"]["Function"]["Environment"]["Variables"];
    // The config's own sources, not its tests (which name variables too).
    let config = project_sources(&[
        "config/mod.rs",
        "config/brand.rs",
        "config/keys.rs",
        "config/local.rs",
        "config/oidc.rs",
        "runtime.rs",
    ]);
    let settings = readme_settings();
    assert!(
        settings.len() > 20,
        "the README table was read: {settings:?}"
    );
    for name in &settings {
        // The log filter is read by `tracing`'s own `EnvFilter`.
        let read = name == "RUST_LOG" || config.contains(&format!("\"{name}\""));
        assert!(read, "the config never reads {name}");
        if !NOT_TEMPLATE_PARAMETERS.contains(&name.as_str()) {
            assert!(
                !env[name.as_str()].is_null(),
                "{name} is in the README but not in the template"
            );
        }
    }
    let readme = include_str!("../../../README.md");
    for (name, _) in env.as_mapping().expect("global variables") {
        let name = name.as_str().unwrap();
        assert!(
            readme.contains(&format!("`{name}`")),
            "{name} is set by the template but the README never names it"
        );
    }
}
