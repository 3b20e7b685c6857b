//! What the store keeps of a user's second factors. TOTP seeds are sealed
//! (`auth::sealed`); backup codes are kept only as hashes.

/// A user's TOTP state; absent fields mean "none".
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TotpRecord {
    /// The enabled seed, sealed.
    pub active: Option<String>,
    /// A seed set up but not yet confirmed with a code, sealed.
    pub pending: Option<String>,
    /// The last step accepted: codes of this step or earlier are replays.
    pub last_step: Option<u64>,
}
