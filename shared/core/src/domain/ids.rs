//! Typed ids: a user's id cannot be passed where a session's or a task's is
//! expected. On the wire and in the table each is the plain string it wraps.
//!
//! ```
//! use think_tank_core::domain::{SessionId, UserId};
//!
//! fn revoke(user: &UserId, session: &SessionId) -> String {
//!     format!("{user}/{session}")
//! }
//! let (user, session) = (UserId::generate(), SessionId::generate());
//! revoke(&user, &session);
//! ```
//!
//! ```compile_fail,E0308
//! use think_tank_core::domain::{SessionId, UserId};
//!
//! fn revoke(user: &UserId, session: &SessionId) -> String {
//!     format!("{user}/{session}")
//! }
//! let (user, session) = (UserId::generate(), SessionId::generate());
//! revoke(&session, &user);
//! ```

use std::fmt;

use serde::{Deserialize, Serialize};

/// Longer than any id the API hands out.
pub const MAX_ID_LEN: usize = 64;

/// Ids are ours (UUIDs): anything longer or outside `[A-Za-z0-9_-]` names
/// nothing, and never reaches a store key.
pub fn is_plausible_id(id: &str) -> bool {
    (1..=MAX_ID_LEN).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

macro_rules! id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = String))]
        pub struct $name(String);

        impl $name {
            /// A new, time-ordered id (UUIDv7).
            pub fn generate() -> Self {
                Self(super::new_id())
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl From<String> for $name {
            fn from(id: String) -> Self {
                Self(id)
            }
        }

        impl From<&str> for $name {
            fn from(id: &str) -> Self {
                Self(id.to_string())
            }
        }

        impl From<&$name> for String {
            fn from(id: &$name) -> Self {
                id.0.clone()
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> Self {
                id.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl std::ops::Deref for $name {
            type Target = str;

            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl PartialEq<&$name> for $name {
            fn eq(&self, other: &&$name) -> bool {
                self == *other
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }
    };
}

id!(
    /// A user account's id.
    UserId
);
id!(
    /// A session's id (the `sid` of its tokens).
    SessionId
);
id!(
    /// A task's id.
    TaskId
);
id!(
    /// A workspace's id.
    WorkspaceId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_is_its_string_on_the_wire() {
        let id = UserId::from("0193-user");
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"0193-user\"");
        let back: UserId = serde_json::from_str("\"0193-user\"").unwrap();
        assert_eq!(back, id);
        assert_eq!(id, "0193-user");
    }
}
