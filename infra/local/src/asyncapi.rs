//! `local asyncapi`: the WebSocket API's AsyncAPI 3.0 document, both ways:
//! what a client may send and everything the server pushes. The payload
//! schemas reuse the HTTP API's (`Task`, `FileRecord`) from the same derives.
//! Committed as `infra/asyncapi.json`; a test keeps the two equal, and the
//! realtime tests check every message they receive against it.

use edge::openapi::{component_ref, schemas_of};
use serde_json::{json, Map, Value};
use think_tank_core::domain::{FileRecord, Task};
use think_tank_core::services::workspaces::MemberView;
use utoipa::ToSchema;

/// The document as committed: pretty JSON.
pub fn render() -> anyhow::Result<String> {
    Ok(serde_json::to_string_pretty(&document()?)?)
}

pub fn document() -> anyhow::Result<Value> {
    let mut schemas = Map::new();
    collect::<Task>(&mut schemas)?;
    collect::<FileRecord>(&mut schemas)?;
    collect::<MemberView>(&mut schemas)?;
    for (name, schema) in payloads() {
        schemas.insert(name.into(), schema);
    }
    let server: Vec<Value> = SERVER_MESSAGES
        .iter()
        .map(|(name, _)| message_ref(name))
        .collect();
    let client: Vec<Value> = CLIENT_MESSAGES
        .iter()
        .map(|(name, _)| message_ref(name))
        .collect();
    let one_of: Vec<Value> = SERVER_MESSAGES
        .iter()
        .map(|(name, _)| component_ref(name))
        .collect();
    schemas.insert("ServerMessage".into(), json!({ "oneOf": one_of }));
    let messages: Map<String, Value> = SERVER_MESSAGES
        .iter()
        .chain(CLIENT_MESSAGES)
        .map(|(name, summary)| {
            let message = json!({
                "name": name, "summary": summary, "contentType": "application/json",
                "payload": component_ref(name),
            });
            (name.to_string(), message)
        })
        .collect();
    Ok(json!({
        "asyncapi": "3.0.0",
        "info": {
            "title": "Think-Tank realtime API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": DESCRIPTION,
        },
        "servers": {
            "local": { "host": "127.0.0.1:3001", "protocol": "ws",
                       "description": "The local gateway's WebSocket API." },
            "aws": { "host": "{api}", "protocol": "wss", "pathname": "/{stage}",
                     "description": "A deployed stack: its `WebSocketUrl` output or custom domain.",
                     "variables": { "api": { "default": "ws.example.org" }, "stage": { "default": "live" } } },
        },
        "channels": {
            "board": {
                "address": "/?ticket={ticket}",
                "description": "One socket per signed-in client; every client sees the whole board.",
                "parameters": { "ticket": {
                    "description": "From `POST /v1/realtime/ticket`: single use, 30 seconds." } },
                "messages": messages.keys().map(|name| {
                    (name.clone(), json!({ "$ref": format!("#/components/messages/{name}") }))
                }).collect::<Map<String, Value>>(),
            },
        },
        "operations": {
            "send": { "action": "send", "channel": { "$ref": "#/channels/board" },
                      "summary": "What a client may send.", "messages": client },
            "receive": { "action": "receive", "channel": { "$ref": "#/channels/board" },
                         "summary": "What the server pushes.", "messages": server },
        },
        "components": { "messages": messages, "schemas": schemas },
    }))
}

const DESCRIPTION: &str = "Open the socket with a ticket (`POST /v1/realtime/ticket` answers \
the URL to open, ticket included). The server pushes a workspace's task and member changes, and \
relays its chat messages, to the connections of that workspace's members; a file's owner hears \
when its upload is ready. Every event carries an `event_id` (drop a repeat), and the `task.*` \
events of one task arrive in `version` order. A socket is closed when its session ends or its \
user's role changes. \
Anything a client sends that is not a valid `ping` or `message` is answered with \
`{\"type\":\"error\",\"code\":\"bad_request\"}`; the socket stays open.";

const SERVER_MESSAGES: &[(&str, &str)] = &[
    ("TaskCreated", "A task was created (to the workspace's members)."),
    ("TaskUpdated", "A task changed (to the workspace's members)."),
    ("TaskDeleted", "A task was deleted (to the workspace's members)."),
    ("FileReady", "An upload completed (sent to its owner only)."),
    ("MemberAdded", "Someone joined a workspace (to its members)."),
    ("MemberUpdated", "A member's role changed (to the workspace's members)."),
    (
        "MemberRemoved",
        "A member left or was removed (to the members, and to the removed member, who gets nothing of the workspace after it).",
    ),
    ("Chat", "A message a member of the workspace sent."),
    ("Pong", "The answer to a ping."),
    ("Error", "What the sender did wrong or too often."),
];

const CLIENT_MESSAGES: &[(&str, &str)] = &[
    ("Ping", "Is the socket alive?"),
    (
        "Send",
        "A message to every member of a workspace the sender belongs to (1 to 1000 characters; 10 per 10 seconds per user).",
    ),
];

fn payloads() -> Vec<(&'static str, Value)> {
    let typed = |kind: &str, required: &[&str], properties: Value| {
        let mut props = properties.as_object().cloned().unwrap_or_default();
        props.insert("type".into(), json!({ "const": kind }));
        let mut req = vec!["type"];
        req.extend_from_slice(required);
        json!({ "type": "object", "required": req, "properties": props, "additionalProperties": false })
    };
    let task_required = ["event_id", "workspace_id", "task"];
    let task = json!({
        "event_id": { "type": "string" },
        "workspace_id": { "type": "string" },
        "task": component_ref("Task"),
    });
    let member_required = ["event_id", "workspace_id", "member"];
    let member = json!({
        "event_id": { "type": "string" },
        "workspace_id": { "type": "string" },
        "member": component_ref("MemberView"),
    });
    vec![
        (
            "TaskCreated",
            typed("task.created", &task_required, task.clone()),
        ),
        (
            "TaskUpdated",
            typed("task.updated", &task_required, task.clone()),
        ),
        ("TaskDeleted", typed("task.deleted", &task_required, task)),
        (
            "MemberAdded",
            typed("member.added", &member_required, member.clone()),
        ),
        (
            "MemberUpdated",
            typed("member.updated", &member_required, member.clone()),
        ),
        (
            "MemberRemoved",
            typed("member.removed", &member_required, member),
        ),
        (
            "FileReady",
            typed(
                "file.ready",
                &["event_id", "file"],
                json!({ "event_id": { "type": "string" }, "file": component_ref("FileRecord") }),
            ),
        ),
        (
            "Chat",
            typed(
                "message",
                &["workspace_id", "from", "text", "sent_at"],
                json!({
                    "workspace_id": { "type": "string" },
                    "from": { "type": "object", "required": ["id", "name"], "additionalProperties": false,
                              "properties": { "id": { "type": "string" }, "name": { "type": "string" } } },
                    "text": { "type": "string", "minLength": 1, "maxLength": 1000 },
                    "sent_at": { "type": "string", "format": "date-time" },
                }),
            ),
        ),
        ("Pong", typed("pong", &[], json!({}))),
        (
            "Error",
            typed(
                "error",
                &["code"],
                json!({
                    "code": { "type": "string", "enum": ["bad_request", "forbidden", "rate_limited"] },
                }),
            ),
        ),
        (
            "Ping",
            json!({ "type": "object", "required": ["action"], "additionalProperties": false,
                         "properties": { "action": { "const": "ping" } } }),
        ),
        (
            "Send",
            json!({ "type": "object", "required": ["action", "workspace_id", "text"], "additionalProperties": false,
                         "properties": { "action": { "const": "message" },
                                         "workspace_id": { "type": "string" },
                                         "text": { "type": "string", "minLength": 1, "maxLength": 1000 } } }),
        ),
    ]
}

fn collect<T: ToSchema>(schemas: &mut Map<String, Value>) -> anyhow::Result<()> {
    for (name, schema) in schemas_of::<T>() {
        schemas.insert(name, serde_json::to_value(schema)?);
    }
    Ok(())
}

fn message_ref(name: &str) -> Value {
    json!({ "$ref": format!("#/channels/board/messages/{name}") })
}
