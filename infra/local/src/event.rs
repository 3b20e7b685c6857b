//! Builds the API Gateway v2 (payload 2.0) event Lambda would receive, and
//! turns it into the `lambda_http::Request` the handler sees, exactly as the
//! Lambda runtime does.

use std::collections::HashMap;
use std::net::IpAddr;

use aws_lambda_events::apigw::{ApiGatewayV2httpRequest, ApiGatewayV2httpRequestContext};
use base64::Engine as _;
use http::request::Parts;
use lambda_http::request::LambdaRequest;

pub struct Incoming<'a> {
    pub parts: &'a Parts,
    pub body: &'a [u8],
    pub source_ip: IpAddr,
    pub route_key: String,
    pub path_parameters: HashMap<String, String>,
}

pub fn api_gateway_v2_event(incoming: Incoming<'_>) -> ApiGatewayV2httpRequest {
    let parts = incoming.parts;
    let now = time::OffsetDateTime::now_utc();
    let mut headers = parts.headers.clone();
    let cookies: Vec<String> = headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';').map(|c| c.trim().to_string()))
        .filter(|c| !c.is_empty())
        .collect();
    headers.remove(http::header::COOKIE);
    let raw_query = parts.uri.query().unwrap_or_default().to_string();

    let mut context = ApiGatewayV2httpRequestContext::default();
    context.route_key = Some(incoming.route_key.clone());
    context.account_id = Some("000000000000".into());
    context.stage = Some("$default".into());
    context.request_id = Some(uuid::Uuid::new_v4().to_string());
    context.apiid = Some("local".into());
    context.domain_name = headers
        .get(http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_string);
    context.time_epoch = (now.unix_timestamp_nanos() / 1_000_000) as i64;
    context.http.method = parts.method.clone();
    context.http.path = Some(parts.uri.path().to_string());
    context.http.protocol = Some("HTTP/1.1".into());
    context.http.source_ip = Some(incoming.source_ip.to_string());
    context.http.user_agent = headers
        .get(http::header::USER_AGENT)
        .and_then(|h| h.to_str().ok())
        .map(str::to_string);

    let (body, is_base64_encoded) = match std::str::from_utf8(incoming.body) {
        _ if incoming.body.is_empty() => (None, false),
        Ok(text) => (Some(text.to_string()), false),
        Err(_) => (
            Some(base64::engine::general_purpose::STANDARD.encode(incoming.body)),
            true,
        ),
    };

    let mut event = ApiGatewayV2httpRequest::default();
    event.version = Some("2.0".into());
    event.route_key = Some(incoming.route_key);
    event.raw_path = Some(parts.uri.path().to_string());
    event.query_string_parameters = raw_query.parse().unwrap_or_default();
    event.raw_query_string = Some(raw_query);
    event.cookies = (!cookies.is_empty()).then_some(cookies);
    event.headers = headers;
    event.path_parameters = incoming.path_parameters;
    event.request_context = context;
    event.body = body;
    event.is_base64_encoded = is_base64_encoded;
    event
}

pub fn into_request(event: ApiGatewayV2httpRequest) -> lambda_http::Request {
    LambdaRequest::ApiGatewayV2(event).into()
}
