use http::{HeaderMap, Method};
use lambda_http::aws_lambda_events::query_map::QueryMap;
use lambda_http::request::RequestContext;
use lambda_http::{Request, RequestExt};
use think_tank_core::domain::is_plausible_id;
use think_tank_core::error::{ApiError, RequestError};

/// What a handler needs from one API Gateway v2 request, owned.
pub struct Ctx {
    pub method: Method,
    pub path: String,
    pub headers: HeaderMap,
    pub query: QueryMap,
    pub params: QueryMap,
    pub body: Vec<u8>,
    pub request_id: String,
    /// API Gateway's route key (`GET /v1/workspaces/{ws}`, `$connect`).
    pub route: String,
    pub source_ip: Option<String>,
    pub user_agent: Option<String>,
    /// The WebSocket connection, for `$connect`, `$default` and `$disconnect` events.
    pub connection_id: Option<String>,
    /// The domain API Gateway was reached at (its own or a custom domain).
    pub domain_name: Option<String>,
}

impl Ctx {
    pub fn from_request(req: Request) -> Self {
        let (request_id, source_ip, connection_id, route) = match req.request_context_ref() {
            Some(RequestContext::ApiGatewayV2(c)) => (
                c.request_id.clone(),
                c.http.source_ip.clone(),
                None,
                c.route_key.clone(),
            ),
            Some(RequestContext::WebSocket(c)) => (
                c.request_id.clone(),
                c.identity.source_ip.clone(),
                c.connection_id.clone(),
                c.route_key.clone(),
            ),
            _ => (None, None, None, None),
        };
        let domain_name = match req.request_context_ref() {
            Some(RequestContext::ApiGatewayV2(c)) => c.domain_name.clone(),
            _ => None,
        };
        let query = req.query_string_parameters();
        let params = req.path_parameters();
        let path = req.raw_http_path().to_string();
        let (parts, body) = req.into_parts();
        let user_agent = parts
            .headers
            .get(http::header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|s| s.chars().take(256).collect());
        Self {
            path: if path.is_empty() {
                parts.uri.path().to_string()
            } else {
                path
            },
            method: parts.method,
            headers: parts.headers,
            query,
            params,
            body: body.to_vec(),
            request_id: request_id
                .filter(|id| !id.is_empty())
                .unwrap_or_else(|| uuid::Uuid::new_v4().to_string()),
            source_ip,
            user_agent,
            connection_id,
            route: route.unwrap_or_default(),
            domain_name: domain_name.filter(|d| !d.is_empty()),
        }
    }

    /// Where clients reach this API: `API_BASE_URL` if set, else the domain
    /// API Gateway says it was called at (the HTTP API's `$default` stage).
    pub fn public_base_url(&self, configured: &str) -> Result<String, ApiError> {
        if !configured.is_empty() {
            return Ok(configured.trim_end_matches('/').to_string());
        }
        let domain = self.domain_name.as_deref().ok_or_else(|| {
            ApiError::Internal(anyhow::anyhow!("neither API_BASE_URL nor a request domain"))
        })?;
        Ok(format!("https://{domain}"))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn cookie(&self, name: &str) -> Option<String> {
        super::cookies::read(&self.headers, name)
    }

    /// A path id such as `{id}`, as the id type the handler names (`TaskId`,
    /// `UserId`, or `String` for the ids that have none). Ids are ours (UUIDs),
    /// so anything longer than [`think_tank_core::domain::MAX_ID_LEN`] or outside `[A-Za-z0-9_-]` names
    /// nothing: `404` at the edge, before it can reach a store key (DynamoDB
    /// refuses keys over 1 KiB).
    pub fn path_id<T: for<'a> From<&'a str>>(&self, name: &str) -> Result<T, ApiError> {
        self.params
            .first(name)
            .filter(|id| is_plausible_id(id))
            .map(T::from)
            .ok_or(ApiError::Request(RequestError::NotFound))
    }

    /// An id used as a query filter (`?owner_id=`); an implausible one is `422`.
    pub fn query_id<T: for<'a> From<&'a str>>(&self, name: &str) -> Result<Option<T>, ApiError> {
        match self.query(name).filter(|v| !v.is_empty()) {
            Some(id) if !is_plausible_id(id) => Err(ApiError::field(name, "is not a valid id")),
            found => Ok(found.map(T::from)),
        }
    }

    pub fn query(&self, name: &str) -> Option<&str> {
        self.query.first(name)
    }
}

impl Ctx {
    /// What the security events keep of this request: a keyed hash of the
    /// source IP, never the address, and the user agent.
    pub fn client_meta(
        &self,
        core: &think_tank_core::app::Core,
    ) -> think_tank_core::services::security::ClientMeta {
        think_tank_core::services::security::ClientMeta {
            ip_hash: self.source_ip.as_deref().map(|ip| core.ip_hash(ip)),
            user_agent: self.user_agent.clone(),
        }
    }
}

#[cfg(test)]
mod base_url_tests {
    use super::*;

    fn ctx_at(domain: Option<&str>) -> Ctx {
        let req = http::Request::builder()
            .uri("/x")
            .body(lambda_http::Body::Empty)
            .unwrap();
        let mut ctx = Ctx::from_request(req);
        ctx.domain_name = domain.map(str::to_string);
        ctx
    }

    #[test]
    fn the_configured_base_wins_else_the_domain_api_gateway_was_called_at() {
        let ctx = ctx_at(Some("abc.execute-api.eu-west-1.amazonaws.com"));
        assert_eq!(
            ctx.public_base_url("https://api.example.com/").unwrap(),
            "https://api.example.com"
        );
        assert_eq!(
            ctx.public_base_url("").unwrap(),
            "https://abc.execute-api.eu-west-1.amazonaws.com"
        );
        assert!(ctx_at(None).public_base_url("").is_err());
    }
}
