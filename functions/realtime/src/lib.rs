//! Realtime (README, "Realtime in short"): the ticket route and the WebSocket API's
//! `$connect`, `$disconnect` and `$default` routes. Tickets never reach a log.

#[cfg(feature = "openapi")]
pub mod docs;

use edge::auth::Gate;
use edge::http::{endpoint, Ctx, Reply};
use http::{Response, StatusCode};
use lambda_http::{Body, Request};
use think_tank_core::app::Sockets;
use think_tank_core::error::AccessError;
use think_tank_core::services::realtime::Realtime;
use think_tank_core::services::realtime::TICKET_TTL_SECONDS;
use think_tank_core::ApiError;

shared::handlers! {
    REALTIME_TICKET: "realtime-ticket" => realtime_ticket(Realtime);
    WS_CONNECT: "ws-connect" => ws_connect(Realtime);
    WS_DISCONNECT: "ws-disconnect" => ws_disconnect(Realtime);
    WS_DEFAULT: "ws-default" => ws_default(Realtime<Sockets>);
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
    ctx.connection_id
        .as_deref()
        .ok_or(ApiError::Access(AccessError::Unauthenticated))
}

pub async fn realtime_ticket(realtime: Realtime<'_>, req: Request) -> Response<Body> {
    let core = realtime.core();
    endpoint(&core.settings, req, |ctx| async move {
        ctx.no_body()?;
        let caller = core.authenticate(&ctx).await?;
        let ticket = realtime.issue_ticket(&caller).await?;
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
pub async fn ws_connect(realtime: Realtime<'_>, req: Request) -> Response<Body> {
    let core = realtime.core();
    endpoint(&core.settings, req, |ctx| async move {
        let origin = ctx.header("origin");
        realtime
            .connect(connection_id(&ctx)?, ctx.query("ticket"), origin)
            .await?;
        Ok(Reply::empty(StatusCode::OK))
    })
    .await
}

pub async fn ws_disconnect(realtime: Realtime<'_>, req: Request) -> Response<Body> {
    let core = realtime.core();
    endpoint(&core.settings, req, |ctx| async move {
        realtime.disconnect(connection_id(&ctx)?).await?;
        Ok(Reply::empty(StatusCode::OK))
    })
    .await
}

/// Replies go back through the notifier, like every other push.
pub async fn ws_default(realtime: Realtime<'_, Sockets<'_>>, req: Request) -> Response<Body> {
    let core = realtime.core();
    endpoint(&core.settings, req, |ctx| async move {
        realtime.on_message(connection_id(&ctx)?, &ctx.body).await?;
        Ok(Reply::empty(StatusCode::OK))
    })
    .await
}
