//! Realtime (README, "Realtime in short"): the ticket route and the WebSocket API's
//! `$connect`, `$disconnect` and `$default` routes. Tickets never reach a log.

#[cfg(feature = "openapi")]
pub mod docs;

use std::sync::Arc;

use http::{Response, StatusCode};
use lambda_http::{Body, Request};
use shared::auth::Gate;
use shared::http::{endpoint, Ctx, Reply};
use think_tank_core::services::realtime::TICKET_TTL_SECONDS;
use think_tank_core::{ApiError, App};

shared::handlers! {
    REALTIME_TICKET: "realtime-ticket" => realtime_ticket, uses [];
    WS_CONNECT: "ws-connect" => ws_connect, uses [];
    WS_DISCONNECT: "ws-disconnect" => ws_disconnect, uses [];
    WS_DEFAULT: "ws-default" => ws_default, uses [Notifier];
}

/// `POST /v1/realtime/ticket`.
#[derive(serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RealtimeTicket {
    /// Single use; pass as `?ticket=` when opening the WebSocket.
    ticket: String,
    /// The WebSocket URL to open, ticket included.
    url: String,
    /// Seconds the ticket stays valid.
    expires_in: i64,
}

fn connection_id(ctx: &Ctx) -> Result<&str, ApiError> {
    ctx.connection_id.as_deref().ok_or(ApiError::Unauthorized)
}

pub async fn realtime_ticket(app: Arc<App>, req: Request) -> Response<Body> {
    let app = &*app;
    endpoint(&app.settings, req, |ctx| async move {
        ctx.no_body()?;
        let caller = app.authenticate(&ctx).await?;
        let ticket = app.issue_ticket(&caller).await?;
        let body = RealtimeTicket {
            ticket: ticket.ticket,
            url: ticket.url,
            expires_in: TICKET_TTL_SECONDS,
        };
        Reply::json(StatusCode::CREATED, &body)
    })
    .await
}

/// A non-200 answer refuses the handshake.
pub async fn ws_connect(app: Arc<App>, req: Request) -> Response<Body> {
    let app = &*app;
    endpoint(&app.settings, req, |ctx| async move {
        let origin = ctx.header("origin");
        app.connect(connection_id(&ctx)?, ctx.query("ticket"), origin)
            .await?;
        Ok(Reply::empty(StatusCode::OK))
    })
    .await
}

pub async fn ws_disconnect(app: Arc<App>, req: Request) -> Response<Body> {
    let app = &*app;
    endpoint(&app.settings, req, |ctx| async move {
        app.disconnect(connection_id(&ctx)?).await?;
        Ok(Reply::empty(StatusCode::OK))
    })
    .await
}

/// Replies go back through the notifier, like every other push.
pub async fn ws_default(app: Arc<App>, req: Request) -> Response<Body> {
    let app = &*app;
    endpoint(&app.settings, req, |ctx| async move {
        app.on_message(connection_id(&ctx)?, &ctx.body).await?;
        Ok(Reply::empty(StatusCode::OK))
    })
    .await
}
