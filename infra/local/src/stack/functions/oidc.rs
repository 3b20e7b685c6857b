//! Sign-in with a provider: the `oidc` functions.

use crate::stack::Action::*;
use crate::stack::Event::Http;
use crate::stack::Function;
use crate::stack::Grant::*;
use crate::stack::Secret::*;

pub const FUNCTIONS: &[Function] = &[
    Function {
        id: "OidcProviders",
        name: "oidc-providers",
        event: Http("GET", "/v1/auth/oidc/providers"),
        description: None,
        memory: None,
        timeout: None,
        secrets: &[],
        grants: &[HealthItem],
    },
    Function {
        id: "OidcAuthorize",
        name: "oidc-authorize",
        event: Http("GET", "/v1/auth/oidc/{provider}/authorize"),
        description: None,
        memory: None,
        timeout: None,
        secrets: &[],
        grants: &[HealthItem, Items(&[PutItem, UpdateItem])],
    },
    Function {
        id: "OidcCallback",
        name: "oidc-callback",
        event: Http("GET", "/v1/auth/oidc/{provider}/callback"),
        description: None,
        memory: None,
        timeout: Some((
            15,
            "Discovery, the token exchange and the keys: three provider round trips.",
        )),
        secrets: &[SigningKey, OidcClients],
        grants: &[
            Items(&[DeleteItem, GetItem, PutItem, Query, UpdateItem]),
            CloseSockets,
            QueueEmail,
        ],
    },
    Function {
        id: "OidcToken",
        name: "oidc-token",
        event: Http("POST", "/v1/auth/oidc/token"),
        description: None,
        memory: None,
        timeout: None,
        secrets: &[SigningKey],
        grants: &[
            Items(&[DeleteItem, GetItem, PutItem, Query, UpdateItem]),
            CloseSockets,
        ],
    },
    Function {
        id: "IdentitiesList",
        name: "identities-list",
        event: Http("GET", "/v1/auth/identities"),
        description: None,
        memory: None,
        timeout: None,
        secrets: &[],
        grants: &[Items(&[GetItem, Query])],
    },
    Function {
        id: "IdentityLink",
        name: "identity-link",
        event: Http("POST", "/v1/auth/identities/{provider}"),
        description: None,
        memory: None,
        timeout: None,
        secrets: &[],
        grants: &[Items(&[GetItem, PutItem, UpdateItem])],
    },
    Function {
        id: "IdentityUnlink",
        name: "identity-unlink",
        event: Http("DELETE", "/v1/auth/identities/{provider}"),
        description: None,
        memory: None,
        timeout: None,
        secrets: &[],
        grants: &[
            Items(&[DeleteItem, GetItem, PutItem, Query, UpdateItem]),
            QueueEmail,
        ],
    },
];
