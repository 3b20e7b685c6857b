//! Chat over the WebSocket: within one workspace, to every connection of its
//! members, within a per-user budget.

use super::*;

on_both_backends!(
    ping_answers_pong_and_bad_messages_keep_the_connection,
    |api| {
        let user = api.user().await;
        let mut socket = connected(&api, &user).await;
        send(&mut socket, json!({ "action": "ping" })).await;
        assert_eq!(next(&mut socket).await, json!({ "type": "pong" }));
        for bad in [
            json!({ "action": "dance" }),
            json!({ "action": "message", "text": "" }),
            json!("nope"),
        ] {
            send(&mut socket, bad).await;
            assert_eq!(
                next(&mut socket).await,
                json!({ "type": "error", "code": "bad_request" })
            );
        }
        send(
            &mut socket,
            json!({ "action": "message", "text": "x".repeat(1001) }),
        )
        .await;
        assert_eq!(next(&mut socket).await["code"], "bad_request");
        send(&mut socket, json!({ "action": "ping" })).await;
        assert_eq!(next(&mut socket).await["type"], "pong");
    }
);

on_both_backends!(
    chat_reaches_every_member_connection_including_the_sender,
    |api| {
        let ada = api.user().await;
        let bob = api.user().await;
        let ws = shared_workspace(&api, &[&ada, &bob]).await;
        let mut a = connected(&api, &ada).await;
        let mut b = connected(&api, &bob).await;
        send(
            &mut a,
            json!({ "action": "message", "workspace_id": ws, "text": "hello board" }),
        )
        .await;
        for socket in [&mut a, &mut b] {
            let message = next(socket).await;
            assert_eq!(
                (message["type"].as_str(), message["text"].as_str()),
                (Some("message"), Some("hello board"))
            );
            assert_eq!(message["workspace_id"].as_str(), Some(ws.as_str()));
            assert_eq!(
                message["from"],
                json!({ "id": ada.id, "name": "Test User" })
            );
            assert!(message["sent_at"].as_str().unwrap().ends_with('Z'));
        }
    }
);

on_both_backends!(
    more_than_ten_messages_in_ten_seconds_are_rate_limited,
    |api| {
        let user = api.user().await;
        let ws = shared_workspace(&api, &[&user]).await;
        let mut socket = connected(&api, &user).await;
        for i in 0..10 {
            send(
                &mut socket,
                json!({ "action": "message", "workspace_id": ws, "text": format!("m{i}") }),
            )
            .await;
            assert_eq!(next(&mut socket).await["type"], "message");
        }
        send(
            &mut socket,
            json!({ "action": "message", "workspace_id": ws, "text": "one too many" }),
        )
        .await;
        assert_eq!(
            next(&mut socket).await,
            json!({ "type": "error", "code": "rate_limited" })
        );
    }
);

on_both_backends!(the_chat_limit_is_shared_by_every_socket_of_a_user, |api| {
    let user = api.user().await;
    let ws = shared_workspace(&api, &[&user]).await;
    let mut first = connected(&api, &user).await;
    let mut second = connected(&api, &user).await;
    for i in 0..5 {
        for socket in [&mut first, &mut second] {
            send(
                socket,
                json!({ "action": "message", "workspace_id": ws, "text": format!("m{i}") }),
            )
            .await;
        }
    }
    for _ in 0..10 {
        assert_eq!(
            next(&mut second).await["type"],
            "message",
            "all ten went out"
        );
    }
    send(
        &mut first,
        json!({ "action": "message", "workspace_id": ws, "text": "one too many" }),
    )
    .await;
    let mut seen = Vec::new();
    for _ in 0..11 {
        seen.push(next(&mut first).await);
    }
    let messages = seen.iter().filter(|m| m["type"] == "message").count();
    assert_eq!(messages, 10, "the ten allowed, from both sockets");
    assert!(seen.contains(&json!({ "type": "error", "code": "rate_limited" })));
});

on_both_backends!(chat_stays_inside_its_workspace, |api| {
    let ada = api.user().await;
    let bob = api.user().await;
    let cy = api.user().await;
    let ours = shared_workspace(&api, &[&ada, &bob]).await;
    let theirs = shared_workspace(&api, &[&cy]).await;
    let mut a = connected(&api, &ada).await;
    let mut c = connected(&api, &cy).await;
    send(
        &mut a,
        json!({ "action": "message", "workspace_id": ours, "text": "ours" }),
    )
    .await;
    assert_eq!(next(&mut a).await["text"], "ours");
    send(&mut c, json!({ "action": "ping" })).await;
    assert_eq!(
        next(&mut c).await["type"],
        "pong",
        "no message from another workspace"
    );
    for (ws, code) in [
        (&ours, "forbidden"),
        (
            &"01936f3e-0000-7000-8000-00000000ffff".to_string(),
            "forbidden",
        ),
    ] {
        send(
            &mut c,
            json!({ "action": "message", "workspace_id": ws, "text": "let me in" }),
        )
        .await;
        assert_eq!(next(&mut c).await, json!({ "type": "error", "code": code }));
    }
    send(
        &mut c,
        json!({ "action": "message", "workspace_id": theirs, "text": "mine" }),
    )
    .await;
    assert_eq!(next(&mut c).await["text"], "mine");
    send(&mut a, json!({ "action": "ping" })).await;
    assert_eq!(
        next(&mut a).await["type"],
        "pong",
        "and none of theirs reaches us"
    );
    send(&mut a, json!({ "action": "message", "text": "where to?" })).await;
    assert_eq!(
        next(&mut a).await["code"],
        "bad_request",
        "a message names its workspace"
    );
});

/// A workspace whose members are `users`: the first creates it, the others
/// are invited and join through their links.
pub(super) async fn shared_workspace(api: &Api, users: &[&TestUser]) -> String {
    let owner = users[0];
    let path = api.workspace(owner).await;
    for user in &users[1..] {
        api.join(owner, &path, user, "viewer").await;
    }
    path.trim_start_matches("/v1/workspaces/").to_string()
}
