//! Health and the API description: the `health` functions.

use crate::stack::Action::*;
use crate::stack::Function;
use crate::stack::Grant::*;

pub const FUNCTIONS: &[Function] = &[
    Function::http(
        "OpenApi",
        "openapi",
        "GET",
        "/v1/openapi.json",
        &[HealthItem],
    ),
    Function::http(
        "Health",
        "health",
        "GET",
        "/v1/health",
        &[Items(&[GetItem]), ListUploads, EmailQueueDepth],
    ),
];
