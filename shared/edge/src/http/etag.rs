//! Task versions as HTTP entity tags: `"<version>"`, weak or strong alike.

use think_tank_core::domain::{Task, Versions};

pub fn etag(task: &Task) -> String {
    format!("\"{}\"", task.version)
}

/// The versions an `If-Match`/`If-None-Match` header names (`None`: no header).
pub fn versions(header: Option<&str>) -> Versions {
    match header {
        None => Versions::Absent,
        Some(raw) if raw.trim() == "*" => Versions::Any,
        Some(raw) => Versions::These(parse_etags(raw)),
    }
}

/// The versions in a list of entity tags; tags that are no version of ours
/// (`"abc"`, unquoted) name none.
fn parse_etags(raw: &str) -> Vec<u64> {
    let versions = raw
        .split(',')
        .filter_map(|tag| {
            let tag = tag.trim().trim_start_matches("W/");
            tag.strip_prefix('"')?.strip_suffix('"')?.parse().ok()
        })
        .collect();
    versions
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn etags_parse_strong_weak_lists_and_star() {
        let these = |v: Vec<u64>| Versions::These(v);
        assert_eq!(versions(Some("\"3\"")), these(vec![3]));
        assert_eq!(versions(Some("W/\"3\", \"4\"")), these(vec![3, 4]));
        assert_eq!(versions(Some(" * ")), Versions::Any);
        assert_eq!(versions(None), Versions::Absent);
        assert_eq!(versions(Some("\"abc\"")), these(vec![]));
        assert_eq!(versions(Some("3")), these(vec![]));
    }
}
