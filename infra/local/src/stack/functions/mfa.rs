//! Second factors and phones: the `mfa` functions.

use super::ARGON2_MEMORY;
use crate::stack::Action::*;
use crate::stack::Event::Http;
use crate::stack::Function;
use crate::stack::Grant::*;
use crate::stack::Secret::*;

pub const FUNCTIONS: &[Function] = &[
    Function {
        id: "MfaTotpSetup",
        name: "mfa-totp-setup",
        event: Http("POST", "/v1/auth/mfa/totp/setup"),
        description: None,
        memory: None,
        timeout: None,
        secrets: &[MfaKey],
        grants: &[Items(&[GetItem, UpdateItem])],
    },
    Function {
        id: "MfaTotpEnable",
        name: "mfa-totp-enable",
        event: Http("POST", "/v1/auth/mfa/totp/enable"),
        description: None,
        memory: None,
        timeout: None,
        secrets: &[MfaKey],
        grants: &[
            Items(&[DeleteItem, GetItem, PutItem, Query, UpdateItem]),
            CloseSockets,
            QueueEmail,
        ],
    },
    Function {
        id: "MfaBackupCodes",
        name: "mfa-backup-codes",
        event: Http("POST", "/v1/auth/mfa/backup-codes"),
        description: None,
        memory: None,
        timeout: None,
        secrets: &[],
        grants: &[Items(&[DeleteItem, GetItem, PutItem, Query]), QueueEmail],
    },
    Function {
        id: "MfaDisable",
        name: "mfa-disable",
        event: Http("POST", "/v1/auth/mfa/disable"),
        description: None,
        memory: Some(ARGON2_MEMORY),
        timeout: None,
        secrets: &[MfaKey],
        grants: &[
            Items(&[DeleteItem, GetItem, PutItem, Query, UpdateItem]),
            CloseSockets,
            QueueEmail,
        ],
    },
    Function {
        id: "PhoneAdd",
        name: "phone-add",
        event: Http("POST", "/v1/auth/phone"),
        description: None,
        memory: None,
        timeout: None,
        secrets: &[],
        grants: &[Items(&[GetItem, PutItem, UpdateItem]), QueueEmail],
    },
    Function {
        id: "PhoneVerify",
        name: "phone-verify",
        event: Http("POST", "/v1/auth/phone/verify"),
        description: None,
        memory: None,
        timeout: None,
        secrets: &[],
        grants: &[Items(&[GetItem, PutItem, UpdateItem]), QueueEmail],
    },
    Function {
        id: "PhoneDelete",
        name: "phone-delete",
        event: Http("DELETE", "/v1/auth/phone"),
        description: None,
        memory: None,
        timeout: None,
        secrets: &[],
        grants: &[Items(&[GetItem, UpdateItem]), QueueEmail],
    },
    Function {
        id: "MfaSmsEnable",
        name: "mfa-sms-enable",
        event: Http("POST", "/v1/auth/mfa/sms/enable"),
        description: None,
        memory: None,
        timeout: None,
        secrets: &[],
        grants: &[
            Items(&[DeleteItem, GetItem, PutItem, Query, UpdateItem]),
            CloseSockets,
            QueueEmail,
        ],
    },
    Function {
        id: "MfaSmsSend",
        name: "mfa-sms-send",
        event: Http("POST", "/v1/auth/mfa/sms/send"),
        description: None,
        memory: None,
        timeout: None,
        secrets: &[],
        grants: &[Items(&[GetItem, PutItem, UpdateItem]), QueueEmail],
    },
];
