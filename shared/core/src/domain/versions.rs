//! Conditional requests on versioned items (`If-Match`, `If-None-Match`).

/// What a conditional header names: nothing (no header), any version (`*`)
/// or some versions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Versions {
    Absent,
    Any,
    These(Vec<u64>),
}

impl Versions {
    /// `If-Match`: a write may go ahead on `version`.
    pub fn allow(&self, version: u64) -> bool {
        match self {
            Versions::Absent | Versions::Any => true,
            Versions::These(versions) => versions.contains(&version),
        }
    }

    /// `If-None-Match`: the client already holds `version`.
    pub fn include(&self, version: u64) -> bool {
        match self {
            Versions::Absent => false,
            Versions::Any => true,
            Versions::These(versions) => versions.contains(&version),
        }
    }

    /// Names particular versions: a lost race must not be re-applied.
    pub fn is_specific(&self) -> bool {
        matches!(self, Versions::These(_))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_match_allows_any_version_without_a_header_or_with_a_star() {
        assert!(Versions::Absent.allow(3) && Versions::Any.allow(3));
        assert!(Versions::These(vec![2, 3]).allow(3));
        assert!(!Versions::These(vec![2]).allow(3));
    }

    #[test]
    fn if_none_match_includes_nothing_without_a_header() {
        assert!(!Versions::Absent.include(3));
        assert!(Versions::Any.include(3) && Versions::These(vec![3]).include(3));
        assert!(!Versions::These(vec![]).include(3));
    }
}
