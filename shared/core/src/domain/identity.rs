//! An account's link to an identity at an OpenID Connect provider: the
//! provider's subject (`sub`) is the stable key, never the email.

use super::ids::UserId;
use serde::Serialize;

use crate::clock::{serde_rfc3339, UnixMillis};

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Identity {
    pub provider: String,
    /// The provider's `sub` for this person.
    #[serde(skip)]
    pub subject: String,
    #[serde(skip)]
    pub user_id: UserId,
    /// The email the provider vouched for when it was linked.
    pub email: String,
    #[serde(with = "serde_rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub linked_at: UnixMillis,
}
