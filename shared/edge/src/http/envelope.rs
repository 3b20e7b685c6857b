//! Replies that wrap one object under its name (`{"task": {...}}`): the name
//! is the type's, so a handler and the route's description cannot disagree.

use http::StatusCode;
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use think_tank_core::domain::{FileRecord, Profile, Task, User};
use think_tank_core::error::ApiError;
use think_tank_core::services::invitations::InvitationView;
use think_tank_core::services::workspaces::{MemberView, WorkspaceView};

use super::Reply;

/// A type that replies under one field name.
pub trait Enveloped: Serialize {
    const FIELD: &'static str;
}

impl Enveloped for Task {
    const FIELD: &'static str = "task";
}

impl Enveloped for User {
    const FIELD: &'static str = "user";
}

impl Enveloped for Profile {
    const FIELD: &'static str = "user";
}

impl Enveloped for FileRecord {
    const FIELD: &'static str = "file";
}

impl Enveloped for WorkspaceView {
    const FIELD: &'static str = "workspace";
}

impl Enveloped for InvitationView {
    const FIELD: &'static str = "invitation";
}

impl Enveloped for MemberView {
    const FIELD: &'static str = "member";
}

/// Serialized straight to `{"<field>": value}`, with no JSON value in between.
struct Envelope<'a, T>(&'a T);

impl<T: Enveloped> Serialize for Envelope<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(1))?;
        map.serialize_entry(T::FIELD, self.0)?;
        map.end()
    }
}

impl Reply {
    /// `{"<field>": value}` with `status`.
    pub fn enveloped<T: Enveloped>(status: StatusCode, value: &T) -> Result<Self, ApiError> {
        Reply::json(status, &Envelope(value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use think_tank_core::clock::UnixMillis;
    use think_tank_core::domain::{Role, UserId};

    #[test]
    fn an_enveloped_object_sits_under_its_types_field() {
        let user = User {
            id: UserId::from("u1"),
            email: "u1@example.com".into(),
            name: "U".into(),
            role: Role::User,
            email_verified: true,
            mfa_enabled: false,
            created_at: UnixMillis(0),
        };
        let wrapped = serde_json::to_value(Envelope(&user)).unwrap();
        assert_eq!(wrapped, serde_json::json!({ "user": user }));
    }
}
