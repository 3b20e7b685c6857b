//! Roles and permissions: admin `*`; editor creates, reads and updates tasks
//! (only its own) and files; viewer reads (README, "Tasks in short").

use crate::domain::Role;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Permission {
    TasksCreate,
    TasksRead,
    TasksUpdate,
    TasksDelete,
    FilesCreate,
    FilesRead,
    FilesDelete,
    UsersRead,
    UsersUpdate,
    AuditRead,
}

impl Role {
    pub fn allows(self, permission: Permission) -> bool {
        use Permission::*;
        match self {
            Role::Admin => true,
            Role::Editor => matches!(
                permission,
                TasksCreate | TasksRead | TasksUpdate | FilesCreate | FilesRead | FilesDelete
            ),
            Role::Viewer => matches!(permission, TasksRead | FilesRead),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Permission::*;
    use super::*;

    #[test]
    fn admins_may_do_everything() {
        for p in [TasksDelete, UsersRead, UsersUpdate, AuditRead, FilesDelete] {
            assert!(Role::Admin.allows(p));
        }
    }

    #[test]
    fn editors_work_on_tasks_and_files_but_never_delete_tasks_or_administer() {
        for p in [
            TasksCreate,
            TasksRead,
            TasksUpdate,
            FilesCreate,
            FilesRead,
            FilesDelete,
        ] {
            assert!(Role::Editor.allows(p));
        }
        for p in [TasksDelete, UsersRead, UsersUpdate, AuditRead] {
            assert!(!Role::Editor.allows(p));
        }
    }

    #[test]
    fn viewers_only_read() {
        assert!(Role::Viewer.allows(TasksRead) && Role::Viewer.allows(FilesRead));
        for p in [
            TasksCreate,
            TasksUpdate,
            FilesCreate,
            FilesDelete,
            UsersRead,
            AuditRead,
        ] {
            assert!(!Role::Viewer.allows(p));
        }
    }
}
