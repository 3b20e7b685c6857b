//! Matches a request against the template's routes like API Gateway does:
//! literal segments first, `{param}` segments capture.

use std::collections::HashMap;

use edge::http::Handler;

use crate::template::HttpRoute;

pub struct Route {
    pub route: HttpRoute,
    segments: Vec<Segment>,
    pub handler: Handler,
}

enum Segment {
    Literal(String),
    Param(String),
}

pub struct Matched<'a> {
    pub route: &'a Route,
    pub params: HashMap<String, String>,
}

pub struct Router {
    routes: Vec<Route>,
}

fn parse(path: &str) -> Vec<Segment> {
    path.trim_matches('/')
        .split('/')
        .map(
            |s| match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                Some(name) => Segment::Param(name.to_string()),
                None => Segment::Literal(s.to_string()),
            },
        )
        .collect()
}

impl Router {
    /// Fails if the template routes to a function that has no linked handler.
    pub fn new(
        routes: Vec<HttpRoute>,
        handlers: &HashMap<&'static str, Handler>,
    ) -> anyhow::Result<Self> {
        let mut built = routes
            .into_iter()
            .map(|route| {
                let handler = *handlers.get(route.handler.as_str()).ok_or_else(|| {
                    anyhow::anyhow!("no handler linked for function {}", route.handler)
                })?;
                Ok(Route {
                    segments: parse(&route.path),
                    route,
                    handler,
                })
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        // Most literal segments first, so `/sessions/current` would beat `/sessions/{id}`.
        built.sort_by_key(|r| {
            std::cmp::Reverse(
                r.segments
                    .iter()
                    .filter(|s| matches!(s, Segment::Literal(_)))
                    .count(),
            )
        });
        Ok(Self { routes: built })
    }

    pub fn routes(&self) -> impl Iterator<Item = &HttpRoute> {
        self.routes.iter().map(|r| &r.route)
    }

    fn match_path(route: &Route, parts: &[&str]) -> Option<HashMap<String, String>> {
        if route.segments.len() != parts.len() {
            return None;
        }
        let mut params = HashMap::new();
        for (segment, part) in route.segments.iter().zip(parts) {
            match segment {
                Segment::Literal(l) if l == part => {}
                Segment::Param(name) if !part.is_empty() => {
                    params.insert(name.clone(), percent_decode(part));
                }
                _ => return None,
            }
        }
        Some(params)
    }

    pub fn find(&self, method: &str, path: &str) -> Option<Matched<'_>> {
        let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
        self.routes
            .iter()
            .filter(|r| r.route.method == method || r.route.method == "ANY")
            .find_map(|route| {
                Self::match_path(route, &parts).map(|params| Matched { route, params })
            })
    }

    /// Whether any method is routed at this path (for CORS preflights).
    pub fn knows_path(&self, path: &str) -> bool {
        let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
        self.routes
            .iter()
            .any(|r| Self::match_path(r, &parts).is_some())
    }
}

/// A path segment as API Gateway hands it to the function: percent-decoded
/// (invalid UTF-8 replaced, never an error).
fn percent_decode(raw: &str) -> String {
    percent_encoding::percent_decode_str(raw)
        .decode_utf8_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn route(method: &str, path: &str) -> HttpRoute {
        HttpRoute {
            function: "F".into(),
            handler: "b".into(),
            method: method.into(),
            path: path.into(),
        }
    }

    fn router() -> Router {
        let noop: Handler =
            |_, _| Box::pin(async { http::Response::new(lambda_http::Body::Empty) });
        let handlers = HashMap::from([("b", noop)]);
        Router::new(
            vec![
                route("DELETE", "/v1/auth/sessions/{id}"),
                route("GET", "/v1/auth/sessions"),
            ],
            &handlers,
        )
        .unwrap()
    }

    #[test]
    fn path_parameters_are_captured_and_decoded() {
        let r = router();
        let m = r.find("DELETE", "/v1/auth/sessions/a%20b").unwrap();
        assert_eq!(m.params["id"], "a b");
    }

    #[test]
    fn method_and_length_must_match() {
        let r = router();
        assert!(r.find("GET", "/v1/auth/sessions/x").is_none());
        assert!(r.find("GET", "/v1/auth/sessions").is_some());
        assert!(r.find("GET", "/v1/auth").is_none());
        assert!(r.knows_path("/v1/auth/sessions/x"));
    }

    #[test]
    fn a_route_without_a_linked_handler_is_a_startup_error() {
        let err = Router::new(vec![route("GET", "/x")], &HashMap::new())
            .err()
            .unwrap();
        assert!(err.to_string().contains("function b"));
    }
}
