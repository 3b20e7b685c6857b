//! Realtime through the local gateway's WebSocket API with a real client:
//! memory (in-process sockets) and aws (the SDK's management client against
//! the gateway's `@connections`, DynamoDB Local for connections).

use std::time::Duration;

use e2e::{on_both_backends, Api, TestUser, ADMIN_EMAIL};
use futures::{SinkExt, StreamExt};
use serde_json::{json, Value};
use think_tank_core::domain::{Connection, Role};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};

mod chat;
mod members;
mod revocation;

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

const ROLES: &[(&str, &str)] = &[("BOOTSTRAP_ADMIN_EMAIL", ADMIN_EMAIL)];

async fn ticket(api: &Api, who: &TestUser) -> Value {
    let res = api
        .send_as("POST", "/v1/realtime/ticket", &who.access_token, None)
        .await;
    assert_eq!(res.status, 201, "{}", res.body);
    assert_eq!(res.body["expires_in"], 30);
    res.body
}

/// Connects to `url`; `Err(status)` when the handshake is refused.
async fn connect(url: &str, origin: Option<&str>) -> Result<Socket, u16> {
    let mut request = url.into_client_request().unwrap();
    if let Some(origin) = origin {
        request
            .headers_mut()
            .insert("origin", origin.parse().unwrap());
    }
    match tokio_tungstenite::connect_async(request).await {
        Ok((socket, _)) => Ok(socket),
        Err(WsError::Http(response)) => Err(response.status().as_u16()),
        Err(e) => panic!("handshake failed: {e}"),
    }
}

async fn connected(api: &Api, who: &TestUser) -> Socket {
    let t = ticket(api, who).await;
    connect(t["url"].as_str().unwrap(), None)
        .await
        .expect("ticket accepted")
}

/// The next JSON message, past the `member.added` events of
/// the scenario's set-up: the change feed delivers them when it gets to
/// them, which may be after a socket of the scenario opened.
async fn next(socket: &mut Socket) -> Value {
    loop {
        let message = next_any(socket).await;
        if message["type"] != "member.added" {
            return message;
        }
    }
}

/// The `member.added` event of `user`, past any other joins.
async fn next_join(socket: &mut Socket, user: &str) -> Value {
    loop {
        let message = next_any(socket).await;
        if message["type"] == "member.added" && message["member"]["user"]["id"] == user {
            return message;
        }
    }
}

/// The next JSON message within 10 seconds, whatever it is (the change feed
/// is polled, as AWS polls it, a quarter second apart).
async fn next_any(socket: &mut Socket) -> Value {
    loop {
        let message = tokio::time::timeout(Duration::from_secs(10), socket.next())
            .await
            .expect("a message within 10 s")
            .expect("the socket is open")
            .expect("a frame");
        if let Message::Text(text) = message {
            let message = serde_json::from_str(&text).unwrap();
            e2e::openapi::check_server_message(&message);
            return message;
        }
    }
}

/// Whether the server closes the socket within 5 seconds.
async fn closed_by_server(socket: &mut Socket) -> bool {
    let wait = async {
        loop {
            match socket.next().await {
                None | Some(Err(_)) | Some(Ok(Message::Close(_))) => return,
                Some(Ok(_)) => {}
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(5), wait)
        .await
        .is_ok()
}

/// Chats in `ws` and waits for the pong of a ping sent after it: one
/// socket's messages are handled in turn, so every push of the chat has been
/// answered by then.
async fn chat_and_settle(socket: &mut Socket, ws: &str) {
    let message = json!({ "action": "message", "workspace_id": ws, "text": "hi" });
    send(socket, message).await;
    assert_eq!(next(socket).await["text"], "hi");
    send(socket, json!({ "action": "ping" })).await;
    assert_eq!(next(socket).await["type"], "pong");
}

async fn send(socket: &mut Socket, value: Value) {
    socket.send(Message::text(value.to_string())).await.unwrap();
}

on_both_backends!(
    tickets_are_single_use_short_lived_and_origin_checked,
    |api| {
        let user = api.user().await;
        let t = ticket(&api, &user).await;
        let url = t["url"].as_str().unwrap().to_string();
        assert!(url.starts_with("ws://") && url.contains("?ticket="));
        assert!(connect(&url, Some("http://localhost:5173")).await.is_ok());
        assert_eq!(connect(&url, None).await.err(), Some(401), "a used ticket");
        let base = url.split('?').next().unwrap().to_string();
        assert_eq!(connect(&base, None).await.err(), Some(401), "no ticket");
        assert_eq!(
            connect(&format!("{base}?ticket=forged"), None).await.err(),
            Some(401),
            "a forged ticket"
        );
        let late = ticket(&api, &user).await;
        api.clock.advance_secs(31);
        assert_eq!(
            connect(late["url"].as_str().unwrap(), None).await.err(),
            Some(401),
            "an expired ticket"
        );
        let foreign = ticket(&api, &user).await;
        let refused = connect(foreign["url"].as_str().unwrap(), Some("http://evil.test")).await;
        assert_eq!(refused.err(), Some(403), "another origin");
        assert_eq!(
            api.call("POST", "/v1/realtime/ticket", None, &[])
                .await
                .status,
            401
        );
    }
);

on_both_backends!(task_changes_reach_the_workspace_members_in_order, |api| {
    let owner = api.user().await;
    let watcher = api.user().await;
    let outsider = api.user().await;
    let ws = chat::shared_workspace(&api, &[&owner, &watcher]).await;
    chat::shared_workspace(&api, &[&outsider]).await;
    let mut socket = connected(&api, &watcher).await;
    let mut elsewhere = connected(&api, &outsider).await;
    let tasks = format!("/v1/workspaces/{ws}/tasks");
    let live = Some(json!({ "title": "Live" }));
    let created = api.send_as("POST", &tasks, &owner.access_token, live).await;
    let id = created.body["task"]["id"].as_str().unwrap().to_string();
    let path = format!("{tasks}/{id}");
    for status in ["in_progress", "done"] {
        let change = Some(json!({ "status": status }));
        api.send_as("PATCH", &path, &owner.access_token, change)
            .await;
    }
    api.send_as("DELETE", &path, &owner.access_token, None)
        .await;
    let mut seen = Vec::new();
    for _ in 0..4 {
        let event = next(&mut socket).await;
        assert_eq!(event["workspace_id"].as_str(), Some(ws.as_str()));
        assert_eq!(event["task"]["id"].as_str(), Some(id.as_str()));
        assert!(event["event_id"].is_string(), "{event}");
        seen.push((event["type"].clone(), event["task"]["version"].clone()));
    }
    let expected = [
        ("task.created", 1),
        ("task.updated", 2),
        ("task.updated", 3),
        ("task.deleted", 3),
    ];
    let expected: Vec<_> = expected.iter().map(|(t, v)| (json!(t), json!(v))).collect();
    assert_eq!(seen, expected);
    send(&mut elsewhere, json!({ "action": "ping" })).await;
    assert_eq!(
        next(&mut elsewhere).await["type"],
        "pong",
        "another workspace's member hears nothing of it"
    );
});

on_both_backends!(logout_all_closes_the_users_sockets, |api| {
    let user = api.user().await;
    let mut socket = connected(&api, &user).await;
    assert_eq!(
        api.send_as("POST", "/v1/auth/logout-all", &user.access_token, None)
            .await
            .status,
        204
    );
    assert!(closed_by_server(&mut socket).await);
});

on_both_backends!(
    a_stale_connection_is_deleted_when_a_push_finds_it_gone,
    |api| {
        let boss = api.user().await;
        let ws = chat::shared_workspace(&api, &[&boss]).await;
        let now = think_tank_core::clock::Clock::now_secs(api.clock.as_ref());
        let stale = Connection {
            id: "stale-connection".into(),
            user_id: boss.id.clone().into(),
            session_id: boss.session_id.clone().into(),
            user_name: "Ghost".into(),
            role: Role::Admin,
            expires_at: now + 3600,
        };
        let store = &api.running.app.core.store;
        store.put_connection(&stale).await.unwrap();
        api.send_as(
            "POST",
            &format!("/v1/workspaces/{ws}/tasks"),
            &boss.access_token,
            Some(json!({ "title": "Wake the dead" })),
        )
        .await;
        // The push comes from the change feed, after the write answered.
        for _ in 0..100 {
            if store
                .connection("stale-connection", now)
                .await
                .unwrap()
                .is_none()
            {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert_eq!(
            store.connection("stale-connection", now).await.unwrap(),
            None,
            "the 410 removed it"
        );
    }
);

on_both_backends!(
    a_connection_whose_connect_has_not_answered_keeps_its_record_when_a_push_misses_it,
    |api| {
        let boss = api.user().await;
        let ws = chat::shared_workspace(&api, &[&boss]).await;
        let mut socket = connected(&api, &boss).await;
        let now = think_tank_core::clock::Clock::now_secs(api.clock.as_ref());
        // Stored by `$connect`, whose answer the gateway has not had yet:
        // the gateway answers a push to it `410`, as API Gateway does.
        let connecting = Connection {
            id: "still-connecting".into(),
            user_id: boss.id.clone().into(),
            session_id: boss.session_id.clone().into(),
            user_name: "Test User".into(),
            role: Role::User,
            expires_at: now + 2 * 3600,
        };
        let store = &api.running.app.core.store;
        store.put_connection(&connecting).await.unwrap();
        chat_and_settle(&mut socket, &ws).await;
        let still = store.connection("still-connecting", now).await.unwrap();
        assert!(still.is_some(), "a 410 within the connect window keeps it");

        api.clock.advance_secs(31);
        chat_and_settle(&mut socket, &ws).await;
        let later = think_tank_core::clock::Clock::now_secs(api.clock.as_ref());
        let gone = store.connection("still-connecting", later).await.unwrap();
        assert_eq!(gone, None, "past the connect window, a 410 removes it");
    }
);

on_both_backends!(
    a_completed_upload_pushes_file_ready_to_its_owner_only,
    crate::files::USERS,
    |api| {
        let owner = api.user().await;
        let other = api.user().await;
        let mut mine = connected(&api, &owner).await;
        let mut theirs = connected(&api, &other).await;
        let created = crate::files::announce(&api, &owner, crate::files::PNG.len()).await;
        crate::files::upload(
            &api,
            &created.body["upload"],
            crate::files::PNG,
            Default::default(),
        )
        .await;
        let id = created.body["file"]["id"].as_str().unwrap();
        let path = format!("/v1/files/{id}/complete");
        assert_eq!(
            api.send_as("POST", &path, &owner.access_token, None)
                .await
                .status,
            200
        );
        let event = next(&mut mine).await;
        assert_eq!(
            (event["type"].as_str(), event["file"]["status"].as_str()),
            (Some("file.ready"), Some("ready"))
        );
        send(&mut theirs, json!({ "action": "ping" })).await;
        assert_eq!(
            next(&mut theirs).await["type"],
            "pong",
            "the other user got no file event first"
        );
    }
);

on_both_backends!(tickets_are_limited_per_user, |api| {
    let user = api.user().await;
    for _ in 0..10 {
        ticket(&api, &user).await;
    }
    let res = api
        .send_as("POST", "/v1/realtime/ticket", &user.access_token, None)
        .await;
    assert_eq!((res.status, res.code()), (429, "rate_limited"));
    assert!(res.header("retry-after").is_some());
});
