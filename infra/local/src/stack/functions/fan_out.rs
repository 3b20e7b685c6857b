//! The fan-out: the consumer of the table's stream.

use crate::stack::Action::*;
use crate::stack::Function;
use crate::stack::Grant::*;
use crate::stack::Index::Table;

pub const FUNCTIONS: &[Function] = &[Function::table_stream(
    "FanOut",
    "fan-out",
    "Pushes task and membership changes to the sockets of the workspace's members",
    &[
        Items(&[DeleteItem, GetItem]),
        Queries(&[Table]),
        PushToSockets,
    ],
)
.timeout((
    30,
    "A batch of 100 changes, each pushed to every connection of a workspace.",
))];
