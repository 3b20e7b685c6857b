//! Second factors and phones: the `mfa` functions.

use super::ARGON2_MEMORY;
use crate::stack::Action::*;
use crate::stack::Function;
use crate::stack::Grant::*;
use crate::stack::Secret::*;

pub const FUNCTIONS: &[Function] = &[
    Function::http(
        "MfaTotpSetup",
        "mfa-totp-setup",
        "POST",
        "/v1/auth/mfa/totp/setup",
        &[Items(&[GetItem, UpdateItem])],
    )
    .secrets(&[MfaKey]),
    Function::http(
        "MfaTotpEnable",
        "mfa-totp-enable",
        "POST",
        "/v1/auth/mfa/totp/enable",
        &[
            Items(&[DeleteItem, GetItem, PutItem, Query, UpdateItem]),
            CloseSockets,
            QueueEmail,
        ],
    )
    .secrets(&[MfaKey]),
    Function::http(
        "MfaBackupCodes",
        "mfa-backup-codes",
        "POST",
        "/v1/auth/mfa/backup-codes",
        &[Items(&[DeleteItem, GetItem, PutItem, Query]), QueueEmail],
    ),
    Function::http(
        "MfaDisable",
        "mfa-disable",
        "POST",
        "/v1/auth/mfa/disable",
        &[
            Items(&[DeleteItem, GetItem, PutItem, Query, UpdateItem]),
            CloseSockets,
            QueueEmail,
        ],
    )
    .secrets(&[MfaKey])
    .memory(ARGON2_MEMORY),
    Function::http(
        "PhoneAdd",
        "phone-add",
        "POST",
        "/v1/auth/phone",
        &[Items(&[GetItem, PutItem, UpdateItem]), QueueEmail],
    ),
    Function::http(
        "PhoneVerify",
        "phone-verify",
        "POST",
        "/v1/auth/phone/verify",
        &[Items(&[GetItem, PutItem, UpdateItem]), QueueEmail],
    ),
    Function::http(
        "PhoneDelete",
        "phone-delete",
        "DELETE",
        "/v1/auth/phone",
        &[Items(&[GetItem, UpdateItem]), QueueEmail],
    ),
    Function::http(
        "MfaSmsEnable",
        "mfa-sms-enable",
        "POST",
        "/v1/auth/mfa/sms/enable",
        &[
            Items(&[DeleteItem, GetItem, PutItem, Query, UpdateItem]),
            CloseSockets,
            QueueEmail,
        ],
    ),
    Function::http(
        "MfaSmsSend",
        "mfa-sms-send",
        "POST",
        "/v1/auth/mfa/sms/send",
        &[Items(&[GetItem, PutItem, UpdateItem]), QueueEmail],
    ),
];
