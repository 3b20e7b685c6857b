//! The WebSocket API: the `realtime` functions.

use crate::stack::Action::*;
use crate::stack::Function;
use crate::stack::Grant::*;
use crate::stack::Index::Table;

pub const FUNCTIONS: &[Function] = &[
    Function::http(
        "RealtimeTicket",
        "realtime-ticket",
        "POST",
        "/v1/realtime/ticket",
        &[Items(&[GetItem, PutItem, UpdateItem])],
    ),
    Function::websocket(
        "WsConnect",
        "ws-connect",
        "WebSocket $connect",
        &[Items(&[GetItem, PutItem, UpdateItem, DeleteItem])],
    ),
    Function::websocket(
        "WsDisconnect",
        "ws-disconnect",
        "WebSocket $disconnect",
        &[HealthItem, Items(&[DeleteItem])],
    ),
    Function::websocket(
        "WsDefault",
        "ws-default",
        "WebSocket $default",
        &[
            Items(&[GetItem, UpdateItem, DeleteItem]),
            Queries(&[Table]),
            PushToSockets,
            CloseSockets,
        ],
    ),
];
