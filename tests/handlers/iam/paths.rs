//! Story steps for the paths beside the main one that still make AWS calls
//! of their own: sockets that are gone or belong to a revoked session, a
//! reused refresh token, a lockout.

use serde_json::json;

use super::ports::GONE;
use super::signed_in;
use super::world::World;
use crate::fixtures::PASSWORD;

/// A connection id as API Gateway makes them (an opaque 16-character id),
/// named for the step that opens it.
pub fn socket(name: &str) -> String {
    format!("{name}-Q0xNOWNPRnZIY0=")
}

/// A socket for the session of `token`: revoking that session closes it.
pub async fn open_socket(world: &mut World, token: &str, connection_id: &str) {
    let ticket = world
        .send(realtime::REALTIME_TICKET, token, None, 201)
        .await;
    let mut connect = crate::fixtures::fixture("ws-connect");
    connect["queryStringParameters"]["ticket"] = ticket["ticket"].clone();
    connect["requestContext"]["connectionId"] = json!(connection_id);
    world.call(realtime::WS_CONNECT, connect, 200).await;
}

/// A socket whose client went away a minute ago without a `$disconnect`:
/// the next push to it is answered `410 Gone` and the pusher forgets it (a
/// younger one may still be opening, and is kept).
pub async fn vanished_socket(world: &mut World, token: &str, name: &str) {
    let connection_id = socket(&format!("{GONE}{name}"));
    open_socket(world, token, &connection_id).await;
    world.age_connection(&connection_id, 60).await;
}

/// A ticket redeemed after its session was revoked: `$connect` has stored
/// the connection before it checks the session, so it takes it back.
pub async fn late_ticket(world: &mut World, email: &str) {
    let session = signed_in(world, email, PASSWORD).await;
    let token = session["access_token"].as_str().unwrap();
    let ticket = world
        .send(realtime::REALTIME_TICKET, token, None, 201)
        .await;
    world.send(auth::LOGOUT, token, None, 204).await;
    let mut connect = crate::fixtures::fixture("ws-connect");
    connect["queryStringParameters"]["ticket"] = ticket["ticket"].clone();
    connect["requestContext"]["connectionId"] = json!(socket("late-ticket"));
    world.call(realtime::WS_CONNECT, connect, 401).await;
}

/// A message on a socket whose session was revoked behind its back (as a
/// revocation racing the `$connect` would leave it): `$default` closes it.
pub async fn message_after_revocation(world: &mut World, email: &str) {
    let session = signed_in(world, email, PASSWORD).await;
    let token = session["access_token"].as_str().unwrap();
    open_socket(world, token, &socket("revoked-behind")).await;
    let user_id = session["user"]["id"].as_str().unwrap();
    world
        .revoke_session(user_id, session["session_id"].as_str().unwrap())
        .await;
    let mut message = crate::fixtures::fixture("ws-default");
    message["requestContext"]["connectionId"] = json!(socket("revoked-behind"));
    message["body"] = json!(json!({ "action": "ping" }).to_string());
    world.call(realtime::WS_DEFAULT, message, 200).await;
}

/// A rotated refresh token used again: the session is revoked and its
/// socket closed.
pub async fn refresh_reused(world: &mut World, email: &str) {
    let session = signed_in(world, email, PASSWORD).await;
    let token = session["access_token"].as_str().unwrap();
    open_socket(world, token, &socket("reused-refresh")).await;
    let old = json!({ "refresh_token": session["refresh_token"] });
    world.send(auth::REFRESH, "", Some(old.clone()), 200).await;
    world.send(auth::REFRESH, "", Some(old), 401).await;
}

/// Wrong passwords up to the lockout on `route` (login or login/web): the
/// owner is emailed that the account is locked.
pub async fn locked_out(world: &mut World, route: shared::wiring::Route, email: &str) {
    let wrong = json!({ "email": email, "password": "not the password at all" });
    for _ in 0..5 {
        world.send(route, "", Some(wrong.clone()), 401).await;
    }
    world.send(route, "", Some(wrong), 429).await;
}

/// A sign-in on `route` (login or login/web) past the 50 live sessions of
/// a user: the oldest ends, and its socket is closed.
pub async fn past_the_session_cap(world: &mut World, route: shared::wiring::Route, email: &str) {
    world
        .crowd_sessions(email, &socket(&format!("crowd-{}", route.name)))
        .await;
    let login = json!({ "email": email, "password": PASSWORD });
    world.send(route, "", Some(login), 200).await;
}
