//! The WebSocket API: the `realtime` functions.

use crate::stack::Action::*;
use crate::stack::Event::{Http, WebSocket};
use crate::stack::Function;
use crate::stack::Grant::*;
use crate::stack::Index::Gsi1;

pub const FUNCTIONS: &[Function] = &[
    Function {
        id: "RealtimeTicket",
        name: "realtime-ticket",
        event: Http("POST", "/v1/realtime/ticket"),
        description: None,
        memory: None,
        timeout: None,
        secrets: &[],
        grants: &[Items(&[GetItem, PutItem, UpdateItem])],
    },
    Function {
        id: "WsConnect",
        name: "ws-connect",
        event: WebSocket,
        description: Some("WebSocket $connect"),
        memory: None,
        timeout: None,
        secrets: &[],
        grants: &[Items(&[GetItem, PutItem, UpdateItem, DeleteItem])],
    },
    Function {
        id: "WsDisconnect",
        name: "ws-disconnect",
        event: WebSocket,
        description: Some("WebSocket $disconnect"),
        memory: None,
        timeout: None,
        secrets: &[],
        grants: &[HealthItem, Items(&[DeleteItem])],
    },
    Function {
        id: "WsDefault",
        name: "ws-default",
        event: WebSocket,
        description: Some("WebSocket $default"),
        memory: None,
        timeout: None,
        secrets: &[],
        grants: &[
            Items(&[GetItem, UpdateItem, DeleteItem]),
            Queries(&[Gsi1]),
            PushToSockets,
            CloseSockets,
        ],
    },
];
