//! Task versions as HTTP entity tags: `"<version>"`, weak or strong alike.

use crate::domain::Task;

pub fn etag(task: &Task) -> String {
    format!("\"{}\"", task.version)
}

/// Versions named by an `If-Match`/`If-None-Match` value; `None` for `*`.
pub fn parse_etags(raw: &str) -> Option<Vec<u64>> {
    if raw.trim() == "*" {
        return None;
    }
    let versions = raw
        .split(',')
        .filter_map(|tag| {
            let tag = tag.trim().trim_start_matches("W/");
            tag.strip_prefix('"')?.strip_suffix('"')?.parse().ok()
        })
        .collect();
    Some(versions)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn etags_parse_strong_weak_lists_and_star() {
        assert_eq!(parse_etags("\"3\""), Some(vec![3]));
        assert_eq!(parse_etags("W/\"3\", \"4\""), Some(vec![3, 4]));
        assert_eq!(parse_etags("*"), None);
        assert_eq!(parse_etags("\"abc\""), Some(vec![]));
        assert_eq!(parse_etags("3"), Some(vec![]));
    }
}
