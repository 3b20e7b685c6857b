//! The OpenAPI description of the realtime ticket route (the WebSocket API
//! itself is described in `infra/asyncapi.json`).

use edge::openapi::Operation;

use crate::RealtimeTicket;

pub fn operations() -> Vec<Operation> {
    vec![Operation::new("realtime-ticket", "realtime", "A ticket to open the WebSocket")
        .describe("Browsers cannot set headers on a WebSocket: the ticket stands in for the token, once, for 30 seconds.")
        .signed_in()
        .reply::<RealtimeTicket>(201, "The ticket and the URL to open.")
        .errors(&["rate_limited"])]
}
