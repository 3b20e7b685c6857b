//! Sign-in with a provider: the `oidc` functions.

use crate::stack::Action::*;
use crate::stack::Function;
use crate::stack::Grant::*;
use crate::stack::Secret::*;

pub const FUNCTIONS: &[Function] = &[
    Function::http(
        "OidcProviders",
        "oidc-providers",
        "GET",
        "/v1/auth/oidc/providers",
        &[HealthItem],
    ),
    Function::http(
        "OidcAuthorize",
        "oidc-authorize",
        "GET",
        "/v1/auth/oidc/{provider}/authorize",
        &[HealthItem, Items(&[PutItem, UpdateItem])],
    ),
    Function::http(
        "OidcCallback",
        "oidc-callback",
        "GET",
        "/v1/auth/oidc/{provider}/callback",
        &[
            Items(&[DeleteItem, GetItem, PutItem, Query, UpdateItem]),
            CloseSockets,
            QueueEmail,
        ],
    )
    .secrets(&[SigningKey, OidcClients])
    .timeout((
        15,
        "Discovery, the token exchange and the keys: three provider round trips.",
    )),
    Function::http(
        "OidcToken",
        "oidc-token",
        "POST",
        "/v1/auth/oidc/token",
        &[
            Items(&[DeleteItem, GetItem, PutItem, Query, UpdateItem]),
            CloseSockets,
        ],
    )
    .secrets(&[SigningKey]),
    Function::http(
        "IdentitiesList",
        "identities-list",
        "GET",
        "/v1/auth/identities",
        &[Items(&[GetItem, Query])],
    ),
    Function::http(
        "IdentityLink",
        "identity-link",
        "POST",
        "/v1/auth/identities/{provider}",
        &[Items(&[GetItem, PutItem, UpdateItem])],
    ),
    Function::http(
        "IdentityUnlink",
        "identity-unlink",
        "DELETE",
        "/v1/auth/identities/{provider}",
        &[
            Items(&[DeleteItem, GetItem, PutItem, Query, UpdateItem]),
            QueueEmail,
        ],
    ),
];
