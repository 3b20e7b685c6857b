//! Accounts, sign-in and sessions: the `auth` functions.

use super::ARGON2_MEMORY;
use crate::stack::Action::*;
use crate::stack::Function;
use crate::stack::Grant::*;
use crate::stack::Index::Table;
use crate::stack::Secret::*;

pub const FUNCTIONS: &[Function] = &[
    Function::http(
        "Register",
        "register",
        "POST",
        "/v1/auth/register",
        &[HealthItem, Items(&[PutItem, UpdateItem]), QueueEmail],
    )
    .memory(ARGON2_MEMORY),
    Function::http(
        "Login",
        "login",
        "POST",
        "/v1/auth/login",
        &[
            Items(&[DeleteItem, GetItem, PutItem, Query, UpdateItem]),
            QueueEmail,
            CloseSockets,
        ],
    )
    .secrets(&[SigningKey])
    .memory(ARGON2_MEMORY),
    Function::http(
        "LoginWeb",
        "login-web",
        "POST",
        "/v1/auth/login/web",
        &[
            Items(&[DeleteItem, GetItem, PutItem, Query, UpdateItem]),
            QueueEmail,
            CloseSockets,
        ],
    )
    .secrets(&[SigningKey])
    .memory(ARGON2_MEMORY),
    Function::http(
        "Refresh",
        "refresh",
        "POST",
        "/v1/auth/refresh",
        &[
            Items(&[DeleteItem, GetItem, PutItem, Query, UpdateItem]),
            CloseSockets,
        ],
    )
    .secrets(&[SigningKey]),
    Function::http(
        "Logout",
        "logout",
        "POST",
        "/v1/auth/logout",
        &[
            Items(&[DeleteItem, GetItem, PutItem, Query, UpdateItem]),
            CloseSockets,
        ],
    ),
    Function::http(
        "LogoutAll",
        "logout-all",
        "POST",
        "/v1/auth/logout-all",
        &[
            Items(&[DeleteItem, GetItem, PutItem, UpdateItem]),
            Queries(&[Table]),
            CloseSockets,
        ],
    ),
    Function::http(
        "SessionsList",
        "sessions-list",
        "GET",
        "/v1/auth/sessions",
        &[Items(&[GetItem, Query])],
    ),
    Function::http(
        "SessionRevoke",
        "session-revoke",
        "DELETE",
        "/v1/auth/sessions/{id}",
        &[
            Items(&[DeleteItem, GetItem, PutItem, Query, UpdateItem]),
            CloseSockets,
        ],
    ),
    Function::http("Me", "me", "GET", "/v1/auth/me", &[Items(&[GetItem])]),
    Function::http(
        "MeUpdate",
        "me-update",
        "PATCH",
        "/v1/auth/me",
        &[Items(&[GetItem, UpdateItem])],
    ),
    Function::http(
        "PasswordChange",
        "password-change",
        "POST",
        "/v1/auth/password",
        &[
            Items(&[DeleteItem, GetItem, PutItem, Query, UpdateItem]),
            CloseSockets,
            QueueEmail,
        ],
    )
    .memory(ARGON2_MEMORY),
    Function::http(
        "Reauthenticate",
        "reauthenticate",
        "POST",
        "/v1/auth/reauthenticate",
        &[
            Items(&[DeleteItem, GetItem, PutItem, Query, UpdateItem]),
            QueueEmail,
        ],
    )
    .secrets(&[MfaKey])
    .memory(ARGON2_MEMORY),
    Function::http(
        "LoginMfa",
        "login-mfa",
        "POST",
        "/v1/auth/login/mfa",
        &[
            Items(&[DeleteItem, GetItem, PutItem, Query, UpdateItem]),
            QueueEmail,
            CloseSockets,
        ],
    )
    .secrets(&[SigningKey, MfaKey]),
    Function::http(
        "LoginMfaSms",
        "login-mfa-sms",
        "POST",
        "/v1/auth/login/mfa/sms",
        &[Items(&[GetItem, PutItem, UpdateItem]), QueueEmail],
    ),
    Function::http(
        "VerifyEmail",
        "verify-email",
        "POST",
        "/v1/auth/verify-email",
        &[Items(&[GetItem, UpdateItem])],
    ),
    Function::http(
        "VerifyEmailResend",
        "verify-email-resend",
        "POST",
        "/v1/auth/verify-email/resend",
        &[Items(&[GetItem, UpdateItem]), QueueEmail],
    ),
    Function::http(
        "PasswordForgot",
        "password-forgot",
        "POST",
        "/v1/auth/password/forgot",
        &[HealthItem, Items(&[UpdateItem]), QueueEmail],
    ),
    Function::http(
        "PasswordReset",
        "password-reset",
        "POST",
        "/v1/auth/password/reset",
        &[
            Items(&[DeleteItem, GetItem, PutItem, Query, UpdateItem]),
            CloseSockets,
            QueueEmail,
        ],
    )
    .memory(ARGON2_MEMORY),
    Function::http("Jwks", "jwks", "GET", "/v1/auth/jwks", &[HealthItem]),
];
