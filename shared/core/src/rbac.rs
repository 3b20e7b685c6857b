//! Platform permissions: only a platform admin administers users and reads
//! the audit log. What a user may do in a workspace is decided by their
//! membership's role (`services::workspaces`), never by the platform role.

use crate::domain::Role;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Permission {
    UsersRead,
    UsersUpdate,
    AuditRead,
}

impl Role {
    pub fn allows(self, _permission: Permission) -> bool {
        self == Role::Admin
    }
}

#[cfg(test)]
mod tests {
    use super::Permission::*;
    use super::*;

    #[test]
    fn only_admins_administer_the_platform() {
        for p in [UsersRead, UsersUpdate, AuditRead] {
            assert!(Role::Admin.allows(p));
            assert!(!Role::User.allows(p));
        }
    }
}
