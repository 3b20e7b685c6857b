//! A socket never outlives its session: a message from the socket of a
//! revoked session is refused and the socket closed, even when the
//! revocation did not reach the socket itself.

use std::sync::{Arc, Mutex};
use think_tank_core::services::realtime::Realtime;

use async_trait::async_trait;
use shared::config::MissingSecrets;
use shared::Config;
use think_tank_core::clock::{Clock, ManualClock};
use think_tank_core::error::StoreResult;
use think_tank_core::ports::{Notifier, Push};
use think_tank_core::{App, Claim};

use crate::fixtures::{login_event, register_verified_event};

/// Sockets that are always there: what was pushed and what was closed.
#[derive(Default)]
struct Sockets {
    pushed: Mutex<Vec<(String, String)>>,
    closed: Mutex<Vec<String>>,
}

#[async_trait]
impl Notifier for Sockets {
    async fn push(&self, connection_id: &str, payload: &str) -> StoreResult<Push> {
        let sent = (connection_id.to_string(), payload.to_string());
        self.pushed.lock().unwrap().push(sent);
        Ok(Push::Sent)
    }

    async fn disconnect(&self, connection_id: &str) -> StoreResult<()> {
        self.closed.lock().unwrap().push(connection_id.to_string());
        Ok(())
    }
}

fn app_with(sockets: Arc<Sockets>) -> (Arc<App>, Arc<ManualClock>) {
    let vars = Default::default();
    let config = Config::from_map(&vars, MissingSecrets::GenerateEphemeral).unwrap();
    let local = shared::config::LocalConfig::from_map(&vars).unwrap();
    let clock = Arc::new(ManualClock::starting_now());
    let (app, _) = local_adapters::in_memory(config, &local, clock.clone());
    (Arc::new(app.with_notifier(sockets)), clock)
}

#[tokio::test]
async fn a_message_from_a_revoked_sessions_socket_is_refused_and_the_socket_closed() {
    let sockets = Arc::new(Sockets::default());
    let (app, clock) = app_with(sockets.clone());
    let email = "socket@example.com";
    register_verified_event(&app, email).await;
    let (_, login) = login_event(&app, email).await;
    let token = login["access_token"].as_str().unwrap();
    let claims = app.core.tokens.verify(token, clock.now_secs()).unwrap();
    let caller = app.core.admit(Claim::new(claims, false)).await.unwrap();
    let ticket = app
        .service::<Realtime>()
        .issue_ticket(&caller)
        .await
        .unwrap();
    app.service::<Realtime>()
        .connect("conn-1", Some(&ticket.ticket), None)
        .await
        .unwrap();
    app.service::<Realtime<think_tank_core::app::Sockets>>()
        .on_message("conn-1", br#"{"action":"ping"}"#)
        .await
        .unwrap();
    assert_eq!(
        sockets.pushed.lock().unwrap().len(),
        1,
        "a live session's ping is answered"
    );

    // The session is revoked by a path that never saw this socket.
    let revoked = app
        .core
        .store
        .revoke_session(caller.user_id(), caller.session_id());
    assert!(revoked.await.unwrap().is_some());

    app.service::<Realtime<think_tank_core::app::Sockets>>()
        .on_message("conn-1", br#"{"action":"ping"}"#)
        .await
        .unwrap();
    assert_eq!(sockets.pushed.lock().unwrap().len(), 1, "no answer");
    assert_eq!(*sockets.closed.lock().unwrap(), ["conn-1"]);
    let now = clock.now_secs();
    assert_eq!(
        app.core.store.connection("conn-1", now).await.unwrap(),
        None
    );
}
