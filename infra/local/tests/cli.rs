//! The `local` binary as a user runs it.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

fn local() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_local"));
    cmd.env_remove("BACKEND").env("RUST_LOG", "warn");
    cmd
}

#[test]
fn a_bad_setting_stops_it_at_start_with_one_line_naming_the_variable() {
    for (var, value) in [
        ("LOCKOUT_THRESHOLD", "many"),
        ("LOCAL_HTTP_ADDR", "nowhere"),
        ("BACKEND", "postgres"),
    ] {
        let out = local().env(var, value).output().unwrap();
        assert!(!out.status.success(), "{var}={value} must stop it");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
        assert!(stderr.contains(var), "{stderr}");
    }
}

#[test]
fn it_prints_its_url_and_stops_cleanly_on_sigterm() {
    let outbox = std::env::temp_dir().join(format!("cli-outbox-{}", std::process::id()));
    let mut child = local()
        .env("LOCAL_HTTP_ADDR", "127.0.0.1:0")
        // Only ports it chose: another gateway may be listening on the defaults.
        .env("LOCAL_WS_ADDR", "127.0.0.1:0")
        .env("LOCAL_OUTBOX_DIR", &outbox)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let url_line = lines
        .by_ref()
        .map_while(Result::ok)
        .find(|l| l.contains("HTTP API"))
        .expect("prints the HTTP API URL");
    assert!(url_line.contains("http://127.0.0.1:"), "{url_line}");
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = child.wait().unwrap();
    assert!(exit.success(), "exits 0 after SIGTERM: {exit:?}");
    assert!(lines.map_while(Result::ok).any(|l| l.contains("Stopping")));
}

#[test]
fn every_function_in_the_template_has_an_event_and_invokes_without_docker() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let functions = local::template::functions(local::template::TEMPLATE).unwrap();
    assert!(functions.len() >= 30);
    let scratch = std::env::temp_dir().join(format!("invoke-{}", std::process::id()));
    for function in functions {
        let event = root
            .join("tests/events")
            .join(format!("{}.json", function.handler));
        assert!(
            event.exists(),
            "{} has no event at {}",
            function.logical_id,
            event.display()
        );
        let out = local()
            .args(["invoke", &function.logical_id, "--event"])
            .arg(&event)
            .env("LOCAL_OUTBOX_DIR", scratch.join("outbox"))
            .env("LOCAL_BLOB_DIR", scratch.join("blobs"))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}: {}",
            function.logical_id,
            String::from_utf8_lossy(&out.stderr)
        );
        let response: serde_json::Value =
            serde_json::from_slice(&out.stdout).expect("a JSON response");
        let answered = response["statusCode"]
            .as_u64()
            .is_some_and(|s| (200..600).contains(&s))
            || response["batchItemFailures"].is_array();
        assert!(answered, "{}: {response}", function.logical_id);
    }
}

#[test]
fn keygen_prints_a_key_pair_the_gateway_starts_with() {
    let out = local().args(["keygen", "k7"]).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let value = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(&format!("{name}=")))
            .unwrap_or_else(|| panic!("{name} in {text}"))
            .to_string()
    };
    let (private, public) = (value("JWT_SIGNING_KEY"), value("JWT_PUBLIC_KEY"));
    assert!(private.starts_with("k7:") && public.starts_with("k7:"));
    let vars = [
        ("JWT_SIGNING_KEY".to_string(), private),
        ("JWT_PUBLIC_KEYS".to_string(), public),
    ]
    .into_iter()
    .collect();
    let config = shared::Config::from_map(&vars, shared::config::MissingSecrets::GenerateEphemeral)
        .expect("the printed keys configure the API");
    assert_eq!(config.jwt_public_keys[0].kid, "k7");
}
