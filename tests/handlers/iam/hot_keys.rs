//! No hot partition: every partition key the story writes, in the table or
//! an index, names the entity it belongs to (a user, a workspace, a token…),
//! so that load spreads with the number of users and workspaces. A key that
//! names none is shared by everyone; it must be listed, with its shard count
//! and the reason, in `infra/table-design.md` ("Keys shared by everyone").

use std::collections::{BTreeMap, BTreeSet};

const TABLE_DESIGN: &str = include_str!("../../../infra/table-design.md");
const SECTION: &str = "## Keys shared by everyone";

/// The written keys that carry no entity id and match no listed pattern,
/// each with the functions that wrote it.
pub fn unlisted_shared_partitions(written: &BTreeMap<String, BTreeSet<String>>) -> Vec<String> {
    let listed = listed_patterns(TABLE_DESIGN);
    assert!(
        !listed.is_empty(),
        "infra/table-design.md lists no shared key"
    );
    written
        .iter()
        .filter(|(key, _)| !names_an_entity(key))
        .filter(|(key, _)| !listed.iter().any(|p| matches(p, key)))
        .map(|(key, by)| format!("{key} (written by {by:?})"))
        .collect()
}

/// A segment that is an id, an address or a digest: a UUID, an email, or
/// 16+ characters that mix two of lower case, upper case and digits (a
/// hash, a token's digest: a random one may hold no digit at all).
pub(super) fn names_an_entity(key: &str) -> bool {
    key.split('#').any(|segment| {
        let kinds = [
            segment.chars().any(|c| c.is_ascii_digit()),
            segment.chars().any(|c| c.is_ascii_lowercase()),
            segment.chars().any(|c| c.is_ascii_uppercase()),
        ];
        let mixed = kinds.iter().filter(|k| **k).count() >= 2;
        segment.contains('@') || (segment.len() >= 16 && mixed)
    })
}

/// The first column of the section's table: key patterns, `<…>` standing for
/// one segment.
fn listed_patterns(doc: &str) -> Vec<String> {
    listed_keys(doc).into_iter().map(|(key, _)| key).collect()
}

/// The listed keys of `infra/table-design.md` with their shard counts.
pub(super) fn shared_keys() -> Vec<(String, u32)> {
    listed_keys(TABLE_DESIGN)
}

/// Each row of the section's table: the key pattern and the number that
/// opens its shard column.
fn listed_keys(doc: &str) -> Vec<(String, u32)> {
    let Some(start) = doc.find(SECTION) else {
        return Vec::new();
    };
    let section = &doc[start + SECTION.len()..];
    let section = &section[..section.find("\n## ").unwrap_or(section.len())];
    section
        .lines()
        .filter_map(|line| line.strip_prefix("| `"))
        .filter_map(|rest| {
            let (key, rest) = rest.split_once('`')?;
            let shards = rest.split('|').nth(1)?.trim();
            let digits: String = shards.chars().take_while(char::is_ascii_digit).collect();
            Some((key.to_string(), digits.parse().ok()?))
        })
        .collect()
}

pub(super) fn matches(pattern: &str, key: &str) -> bool {
    let parts: Vec<&str> = pattern.split('#').collect();
    let segments: Vec<&str> = key.split('#').collect();
    parts.len() == segments.len()
        && parts
            .iter()
            .zip(&segments)
            .all(|(p, s)| (p.starts_with('<') && p.ends_with('>')) || p == s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_with_an_id_an_address_or_a_digest_name_an_entity() {
        for key in [
            "USER#01936f3e-0000-7000-8000-000000000001",
            "WS#01936f3e-0000-7000-8000-0000000000a1#STATUS#todo",
            "EMAIL#ada@example.com",
            "OTT#verify#Xq9vZ2VtYjN4aG1qcGZ3",
            "OTT#ws_ticket#DoCovccEtiyhYgFHXqbQcwVDzX-NeaqixJDVtFDQf-w",
        ] {
            assert!(names_an_entity(key), "{key}");
        }
        for key in [
            "TASKS",
            "CONNS",
            "USERS#3",
            "RATE#sms#1795334400",
            "HEALTH",
            "EMAIL_VERIFICATION",
        ] {
            assert!(!names_an_entity(key), "{key}");
        }
    }

    #[test]
    fn a_listed_pattern_matches_segment_by_segment() {
        let doc = format!("{SECTION}\n\n| key | shards | why |\n| --- | --- | --- |\n| `USERS#<shard>` | 8 | x |\n\n## Next\n| `TASKS` | 1 | y |\n");
        let listed = listed_patterns(&doc);
        assert_eq!(listed, ["USERS#<shard>"]);
        assert_eq!(listed_keys(&doc), [("USERS#<shard>".to_string(), 8)]);
        assert!(matches(&listed[0], "USERS#7"));
        assert!(!matches(&listed[0], "USERS"));
        assert!(!matches(&listed[0], "AUDIT#7"));
    }
}
