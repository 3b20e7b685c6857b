//! Every key format of the single table, as `infra/table-design.md` lists them.
//! No other module spells a `pk`, `sk` or index partition.

use super::item::{key, s, Item};
use think_tank_core::clock::UnixSecs;
use think_tank_core::domain::{Email, TaskStatus};

/// The numeric expiry attribute DynamoDB's TTL watches (seconds since the epoch).
pub const TTL: &str = "ttl";

/// A global secondary index: its name and key attributes.
#[derive(Clone, Copy, Debug)]
pub struct Index {
    pub name: &'static str,
    pub pk: &'static str,
    pub sk: &'static str,
}

pub const GSI1: Index = Index {
    name: "gsi1",
    pk: "gsi1pk",
    sk: "gsi1sk",
};
pub const GSI2: Index = Index {
    name: "gsi2",
    pk: "gsi2pk",
    sk: "gsi2sk",
};
pub const GSI3: Index = Index {
    name: "gsi3",
    pk: "gsi3pk",
    sk: "gsi3sk",
};

/// Not a user id (ids are UUIDs): the key an unknown email's lookup reads.
pub const NO_USER: &str = "-";

pub fn user(id: &str) -> Item {
    key(user_pk(id), "PROFILE")
}

fn user_pk(id: &str) -> String {
    format!("USER#{id}")
}

/// The admin listing's index partitions: users spread over this many by
/// their id, so that sign-ups never meet on one key.
pub const USER_SHARDS: u64 = 8;

/// The gsi1 partition of one user in the admin listing.
pub fn users_shard(user_id: &str) -> String {
    format!("USERS#{}", shard(user_id, USER_SHARDS))
}

/// Every partition the admin listing reads: the shards, and the one
/// partition earlier versions wrote (read, no longer written).
pub fn users_partitions() -> Vec<String> {
    partitions("USERS", USER_SHARDS)
}

/// FNV-1a of `id`, reduced to `0..count`: stable across versions and
/// machines, so an item's shard never moves.
fn shard(id: &str, count: u64) -> u64 {
    let hash = id.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    hash % count
}

fn partitions(prefix: &str, count: u64) -> Vec<String> {
    let mut all: Vec<String> = (0..count).map(|n| format!("{prefix}#{n}")).collect();
    all.push(prefix.to_string());
    all
}

pub fn email_claim(email: &str) -> Item {
    key(format!("EMAIL#{email}"), "EMAIL")
}

pub fn email_of(email: &Email) -> Item {
    email_claim(email.as_str())
}

pub fn session(user_id: &str, session_id: &str) -> Item {
    key(user_pk(user_id), format!("{SESSION_PREFIX}{session_id}"))
}

/// The partition and sort-key prefix of one user's sessions.
pub fn sessions_of(user_id: &str) -> (String, &'static str) {
    (user_pk(user_id), SESSION_PREFIX)
}

const SESSION_PREFIX: &str = "SESSION#";

/// A user's copy of one of their connections, read with a consistent query
/// when their sessions are revoked (an index could miss a fresh one).
pub fn user_connection(user_id: &str, connection_id: &str) -> Item {
    key(
        user_pk(user_id),
        format!("{USER_CONNECTION_PREFIX}{connection_id}"),
    )
}

/// The partition and sort-key prefix of one user's connections.
pub fn connections_of(user_id: &str) -> (String, &'static str) {
    (user_pk(user_id), USER_CONNECTION_PREFIX)
}

const USER_CONNECTION_PREFIX: &str = "CONN#";

pub fn mfa(user_id: &str) -> Item {
    key(user_pk(user_id), "MFA")
}

pub fn backup_code(user_id: &str, hash: &str) -> Item {
    key(user_pk(user_id), format!("{BACKUP_PREFIX}{hash}"))
}

/// The partition and sort-key prefix of one user's backup codes.
pub fn backup_codes_of(user_id: &str) -> (String, &'static str) {
    (user_pk(user_id), BACKUP_PREFIX)
}

const BACKUP_PREFIX: &str = "BACKUP#";

/// Who a provider identity belongs to: one item per (provider, subject).
pub fn identity_claim(provider: &str, subject: &str) -> Item {
    key(format!("IDENTITY#{provider}#{subject}"), "IDENTITY")
}

/// A user's identity at one provider, beside the user.
pub fn user_identity(user_id: &str, provider: &str) -> Item {
    key(user_pk(user_id), format!("{IDENTITY_PREFIX}{provider}"))
}

/// The partition and sort-key prefix of one user's identities.
pub fn identities_of(user_id: &str) -> (String, &'static str) {
    (user_pk(user_id), IDENTITY_PREFIX)
}

const IDENTITY_PREFIX: &str = "IDENTITY#";

/// The mark that the user unlinked their identity at `provider`.
pub fn unlinked_identity(user_id: &str, provider: &str) -> Item {
    key(user_pk(user_id), format!("UNLINKED#{provider}"))
}

/// A version of the user's set of identities: every unlink moves it, on the
/// condition that it has not moved since the set was read.
pub fn identities_version(user_id: &str) -> Item {
    key(user_pk(user_id), "IDENTITIES")
}

pub fn revoked_jti(jti: &str) -> Item {
    key(format!("JTI#{jti}"), "REVOKED")
}

pub fn one_time(purpose: &str, k: &str) -> Item {
    key(format!("OTT#{purpose}#{k}"), "OTT")
}

pub fn attempts(email: &Email) -> Item {
    key(format!("ATTEMPTS#{}", email.as_str()), "ATTEMPTS")
}

pub fn rate_window(k: &str, window_start: UnixSecs) -> Item {
    key(format!("RATE#{k}#{window_start}"), "RATE")
}

/// A user's security events; events of no known user (a failed sign-in of an
/// unknown address) spread over shards by their id.
pub fn audit_pk(user_id: Option<&str>, event_id: &str) -> String {
    match user_id {
        Some(user) => format!("AUDIT#{user}"),
        None => format!("AUDIT#-#{}", shard(event_id, AUDIT_SHARDS)),
    }
}

/// The everyone-listing's index partitions (security events of all users).
pub const AUDIT_SHARDS: u64 = 16;

/// The gsi1 partition of one security event.
pub fn audit_shard(event_id: &str) -> String {
    format!("AUDIT#{}", shard(event_id, AUDIT_SHARDS))
}

/// Every partition the everyone-listing reads, as for users.
pub fn audit_partitions() -> Vec<String> {
    partitions("AUDIT", AUDIT_SHARDS)
}

pub fn file(id: &str) -> Item {
    key(format!("FILE#{id}"), "FILE")
}

pub fn files_of_owner(owner_id: &str) -> String {
    format!("FILES#OWNER#{owner_id}")
}

pub fn connection(id: &str) -> Item {
    key(format!("CONN#{id}"), "CONN")
}

/// A task lives in its workspace's partition.
pub fn task(workspace_id: &str, id: &str) -> Item {
    key(workspace_pk(workspace_id), format!("{TASK_PREFIX}{id}"))
}

/// The partition and sort-key prefix of one workspace's tasks.
pub fn tasks_of(workspace_id: &str) -> (String, &'static str) {
    (workspace_pk(workspace_id), TASK_PREFIX)
}

const TASK_PREFIX: &str = "TASK#";

/// The gsi1 partition of one workspace's tasks in one status.
pub fn tasks_by_status(workspace_id: &str, status: TaskStatus) -> String {
    format!("WS#{workspace_id}#STATUS#{}", status.as_str())
}

/// The gsi2 partition of the tasks one user owns in one workspace.
pub fn tasks_of_owner(workspace_id: &str, owner_id: &str) -> String {
    format!("WS#{workspace_id}#OWNER#{owner_id}")
}

/// The gsi3 partition of the tasks assigned to one user in one workspace.
pub fn tasks_of_assignee(workspace_id: &str, assignee_id: &str) -> String {
    format!("WS#{workspace_id}#ASSIGNEE#{assignee_id}")
}

/// A GSI entry: the index's key attributes set on an item.
pub fn index_entry(
    index: Index,
    pk: &str,
    sk: &str,
) -> [(String, aws_sdk_dynamodb::types::AttributeValue); 2] {
    [(index.pk.into(), s(pk)), (index.sk.into(), s(sk))]
}

pub fn workspace(id: &str) -> Item {
    key(workspace_pk(id), "WORKSPACE")
}

fn workspace_pk(id: &str) -> String {
    format!("WS#{id}")
}

pub fn member(workspace_id: &str, user_id: &str) -> Item {
    key(
        workspace_pk(workspace_id),
        format!("{MEMBER_PREFIX}{user_id}"),
    )
}

/// The partition and sort-key prefix of one workspace's members.
pub fn members_of(workspace_id: &str) -> (String, &'static str) {
    (workspace_pk(workspace_id), MEMBER_PREFIX)
}

const MEMBER_PREFIX: &str = "MEMBER#";

pub fn invitation(workspace_id: &str, id: &str) -> Item {
    key(
        workspace_pk(workspace_id),
        format!("{INVITATION_PREFIX}{id}"),
    )
}

/// The partition and sort-key prefix of one workspace's invitations.
pub fn invitations_of(workspace_id: &str) -> (String, &'static str) {
    (workspace_pk(workspace_id), INVITATION_PREFIX)
}

const INVITATION_PREFIX: &str = "INVITE#";

/// One live invitation per address and workspace.
pub fn invited(workspace_id: &str, email: &str) -> Item {
    key(workspace_pk(workspace_id), format!("INVITED#{email}"))
}

/// Where an invitation's link token leads.
pub fn invitation_token(token_hash: &str) -> Item {
    key(format!("INVITATION#{token_hash}"), "INVITATION")
}

/// The partition of everything a workspace holds (its purge walks it).
pub fn workspace_partition(workspace_id: &str) -> String {
    workspace_pk(workspace_id)
}

/// The gsi2 partition of one user's memberships (sorted by when they joined).
pub fn memberships_of(user_id: &str) -> String {
    format!("MEMBERSHIPS#{user_id}")
}

/// How many ready files a user keeps.
pub fn file_count(user_id: &str) -> Item {
    key(user_pk(user_id), "FILES")
}

/// How many workspaces a user belongs to.
pub fn workspace_count(user_id: &str) -> Item {
    key(user_pk(user_id), "WORKSPACES")
}

pub const HEALTH: &str = "HEALTH";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_always_lands_in_the_same_shard_and_ids_spread_over_all() {
        assert_eq!(users_shard("0193-a"), users_shard("0193-a"));
        let used: std::collections::BTreeSet<String> = (0..200)
            .map(|n| users_shard(&format!("01936f3e-0000-7000-8000-{n:012}")))
            .collect();
        assert_eq!(used.len(), USER_SHARDS as usize);
        assert_eq!(users_partitions().len(), USER_SHARDS as usize + 1);
    }
}
