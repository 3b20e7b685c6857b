//! A socket for the benchmarks that open many: its ticket minted in-process.

use serde_json::Value;
use think_tank_core::clock::{Clock, SystemClock};
use think_tank_core::crypto::{random_token, sha256_b64};

pub type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// A socket of the signed-in user's session at the gateway's WebSocket
/// address, its ticket minted in-process through the gateway's app: the
/// per-user ticket limit (10 a minute) is not what a benchmark measures.
pub async fn socket(
    ws_addr: std::net::SocketAddr,
    app: &think_tank_core::App,
    login: &Value,
) -> anyhow::Result<Socket> {
    let subject = format!(
        "{} {}",
        login["user"]["id"].as_str().unwrap_or_default(),
        login["session_id"].as_str().unwrap_or_default()
    );
    let ticket = random_token(32);
    let now = SystemClock.now_secs();
    let store = &app.core.store;
    store
        .put_once("ws_ticket", &sha256_b64(&ticket), &subject, now + 30, now)
        .await?;
    let url = format!("ws://{ws_addr}/?ticket={ticket}");
    Ok(tokio_tungstenite::connect_async(url).await?.0)
}
