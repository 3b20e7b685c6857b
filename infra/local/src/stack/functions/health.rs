//! Health and the API description: the `health` functions.

use crate::stack::Action::*;
use crate::stack::Event::Http;
use crate::stack::Function;
use crate::stack::Grant::*;

pub const FUNCTIONS: &[Function] = &[
    Function {
        id: "OpenApi",
        name: "openapi",
        event: Http("GET", "/v1/openapi.json"),
        description: None,
        memory: None,
        timeout: None,
        secrets: &[],
        grants: &[HealthItem],
    },
    Function {
        id: "Health",
        name: "health",
        event: Http("GET", "/v1/health"),
        description: None,
        memory: None,
        timeout: None,
        secrets: &[],
        grants: &[Items(&[GetItem]), ListUploads, EmailQueueDepth],
    },
];
