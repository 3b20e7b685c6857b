//! The client guide (`infra/clients.md`) stays true: its `sh` blocks run, in
//! order, as one script against a local gateway on each backend (the memory
//! backend answers uploads as a `PUT`, S3 as a `POST` form, so both shapes run).

use e2e::on_both_backends;

const GUIDE: &str = include_str!("../../infra/clients.md");

/// The guide's `sh` blocks, in order, as one script.
fn script(markdown: &str) -> String {
    let mut out = String::from("set -euo pipefail\n");
    let mut inside = false;
    for line in markdown.lines() {
        match (inside, line.trim_end()) {
            (false, "```sh") => inside = true,
            (true, "```") => inside = false,
            (true, code) => {
                out.push_str(code);
                out.push('\n');
            }
            _ => {}
        }
    }
    out
}

/// `PATH` with the tools CI installs (`~/.cache/think-tank/tools/bin`), if
/// `jq` and `websocat` are both found on it.
fn tools_path() -> Option<String> {
    let home = std::env::var("HOME").unwrap_or_default();
    let path = format!(
        "{home}/.cache/think-tank/tools/bin:{}",
        std::env::var("PATH").unwrap_or_default()
    );
    let found = |tool: &str| {
        path.split(':')
            .any(|dir| std::path::Path::new(dir).join(tool).is_file())
    };
    if found("jq") && found("websocat") {
        return Some(path);
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "the guide needs jq and websocat (.ci/run installs them)"
    );
    eprintln!("skipped: the guide needs jq and websocat (cargo install websocat)");
    None
}

on_both_backends!(the_client_guide_runs_as_written, |api| {
    let Some(path) = tools_path() else {
        return;
    };
    let dir = std::env::temp_dir().join(e2e::unique_name("guide"));
    std::fs::create_dir_all(&dir).unwrap();
    let out = tokio::process::Command::new("bash")
        .arg("-c")
        .arg(script(GUIDE))
        .current_dir(&dir)
        .env("API", &api.base)
        .env("OUTBOX", &api.outbox)
        .env("PATH", path)
        .output()
        .await
        .expect("bash runs");
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        out.status.success(),
        "the guide failed:\n--- stdout\n{}\n--- stderr\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
});

#[test]
fn only_sh_blocks_are_run() {
    let md = "text\n```sh\necho one\n```\n```ts\nnot run\n```\n```sh\necho two\n```\n";
    assert_eq!(script(md), "set -euo pipefail\necho one\necho two\n");
}

/// Every cookie the guide or the README names, in prose or in code: the
/// `__Host-` / `__Secure-` names are the API's own, and no old name is left.
#[test]
fn the_docs_name_the_cookies_the_api_sets() {
    use edge::http::cookies::{ACCESS, CSRF, OIDC_FLOW, REFRESH};
    let readme = include_str!("../../README.md");
    let openapi = include_str!("../../infra/openapi.json");
    for (name, doc) in [
        ("clients.md", GUIDE),
        ("README.md", readme),
        ("openapi.json", openapi),
    ] {
        for word in doc.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-')) {
            let cookie_like = word.starts_with("__Host-") || word.starts_with("__Secure-");
            if cookie_like {
                assert!(
                    [ACCESS, REFRESH, CSRF, OIDC_FLOW].contains(&word),
                    "{name} names a cookie the API does not set: {word}"
                );
            }
            assert!(
                !word.starts_with("tt_"),
                "{name} names an old cookie: {word}"
            );
        }
    }
}
