//! Routes from `template.yaml`, the routing source of truth shared with SAM.

use serde_yaml_ng::Value;

pub const TEMPLATE: &str = include_str!("../../../template.yaml");

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpRoute {
    pub function: String,
    pub handler: String,
    pub method: String,
    pub path: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TemplateFunction {
    pub logical_id: String,
    pub handler: String,
    pub http_routes: Vec<HttpRoute>,
    pub sqs_event: bool,
    /// Invoked by the table's stream (DynamoDB).
    pub stream_event: bool,
}

/// Every `AWS::Serverless::Function` with its `Handler` (the function it runs) and events.
pub fn functions(template: &str) -> anyhow::Result<Vec<TemplateFunction>> {
    let doc: Value = serde_yaml_ng::from_str(template)?;
    let resources = doc
        .get("Resources")
        .and_then(Value::as_mapping)
        .ok_or_else(|| anyhow::anyhow!("template has no Resources"))?;
    let mut found = Vec::new();
    for (id, resource) in resources {
        if resource.get("Type").and_then(Value::as_str) != Some("AWS::Serverless::Function") {
            continue;
        }
        let logical_id = id.as_str().unwrap_or_default().to_string();
        let handler = resource
            .get("Properties")
            .and_then(|p| p.get("Handler"))
            .and_then(Value::as_str)
            .ok_or_else(|| anyhow::anyhow!("{logical_id} has no Properties.Handler"))?
            .to_string();
        let events = resource
            .get("Properties")
            .and_then(|p| p.get("Events"))
            .and_then(Value::as_mapping);
        let mut http_routes = Vec::new();
        let (mut sqs_event, mut stream_event) = (false, false);
        for event in events.into_iter().flat_map(|m| m.values()) {
            let props = event.get("Properties");
            match event.get("Type").and_then(Value::as_str) {
                Some("HttpApi") => {
                    let field =
                        |name: &str| props.and_then(|p| p.get(name)).and_then(Value::as_str);
                    let (Some(method), Some(path)) = (field("Method"), field("Path")) else {
                        anyhow::bail!("{logical_id}: HttpApi event needs Method and Path");
                    };
                    http_routes.push(HttpRoute {
                        function: logical_id.clone(),
                        handler: handler.clone(),
                        method: method.to_uppercase(),
                        path: path.to_string(),
                    });
                }
                Some("SQS") => sqs_event = true,
                Some("DynamoDB") => stream_event = true,
                _ => {}
            }
        }
        found.push(TemplateFunction {
            logical_id,
            handler,
            http_routes,
            sqs_event,
            stream_event,
        });
    }
    Ok(found)
}

/// The text of a scalar, looking through CloudFormation tags such as `!Sub`.
fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Tagged(t) => text(&t.value),
        Value::Sequence(items) => items.iter().map(text).collect::<Vec<_>>().join(" "),
        _ => String::new(),
    }
}

/// WebSocket route key → the logical id of the function its integration invokes.
pub fn websocket_routes(
    template: &str,
) -> anyhow::Result<std::collections::HashMap<String, String>> {
    let doc: Value = serde_yaml_ng::from_str(template)?;
    let resources = doc
        .get("Resources")
        .and_then(Value::as_mapping)
        .ok_or_else(|| anyhow::anyhow!("no Resources"))?;
    let of_type = |kind: &'static str| {
        resources
            .iter()
            .filter(move |(_, r)| r.get("Type").and_then(Value::as_str) == Some(kind))
    };
    let mut routes = std::collections::HashMap::new();
    for (_, route) in of_type("AWS::ApiGatewayV2::Route") {
        let props = route.get("Properties");
        let key = props
            .and_then(|p| p.get("RouteKey"))
            .map(text)
            .unwrap_or_default();
        let target = props
            .and_then(|p| p.get("Target"))
            .map(text)
            .unwrap_or_default();
        let Some(integration) = target
            .strip_prefix("integrations/${")
            .and_then(|t| t.strip_suffix('}'))
        else {
            continue;
        };
        let uri = resources
            .iter()
            .find(|(id, _)| id.as_str() == Some(integration))
            .and_then(|(_, i)| i.get("Properties")?.get("IntegrationUri"))
            .map(text)
            .unwrap_or_default();
        let function = uri
            .split("${")
            .filter_map(|part| part.split('}').next())
            .find_map(|reference| reference.strip_suffix(".Arn"));
        if let Some(function) = function {
            routes.insert(key, function.to_string());
        }
    }
    Ok(routes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_project_template_declares_http_routes_and_the_email_worker() {
        let fns = functions(TEMPLATE).unwrap();
        let routes: Vec<_> = fns.iter().flat_map(|f| f.http_routes.clone()).collect();
        assert!(routes
            .iter()
            .any(|r| r.method == "POST" && r.path == "/v1/auth/login"));
        assert!(fns
            .iter()
            .any(|f| f.sqs_event && f.handler == "email-worker"));
    }
}

#[cfg(test)]
mod consistency {
    use std::collections::BTreeSet;

    use super::*;

    /// The resources that mention `parameter`.
    fn readers_of(parameter: &str) -> BTreeSet<String> {
        let doc: Value = serde_yaml_ng::from_str(TEMPLATE).unwrap();
        doc["Resources"]
            .as_mapping()
            .unwrap()
            .iter()
            .filter(|(_, r)| serde_yaml_ng::to_string(r).unwrap().contains(parameter))
            .map(|(name, _)| text(name))
            .collect()
    }

    fn names(list: &[&str]) -> BTreeSet<String> {
        list.iter().map(|m| m.to_string()).collect()
    }

    #[test]
    fn only_the_functions_that_mint_tokens_can_read_the_signing_key() {
        let minters = [
            "LoginFunction",
            "LoginWebFunction",
            "LoginMfaFunction",
            "RefreshFunction",
            "OidcCallbackFunction",
            "OidcTokenFunction",
        ];
        assert_eq!(readers_of("SigningKeySecretArn"), names(&minters));
    }

    #[test]
    fn only_the_callback_that_redeems_provider_codes_can_read_the_client_secrets() {
        let readers = names(&["OidcCallbackFunction"]);
        assert_eq!(readers_of("OidcClientSecretsArn"), readers);
    }

    #[test]
    fn only_the_functions_that_handle_totp_seeds_can_read_the_seed_key() {
        let handlers = [
            "LoginMfaFunction",
            "ReauthenticateFunction",
            "MfaTotpSetupFunction",
            "MfaTotpEnableFunction",
            "MfaDisableFunction",
        ];
        assert_eq!(readers_of("MfaKeySecretArn"), names(&handlers));
    }

    #[test]
    fn both_api_stages_are_throttled() {
        let doc: Value = serde_yaml_ng::from_str(TEMPLATE).unwrap();
        let resources = &doc["Resources"];
        let http = &resources["HttpApi"]["Properties"]["DefaultRouteSettings"];
        let ws = &resources["WebSocketStage"]["Properties"]["DefaultRouteSettings"];
        for settings in [http, ws] {
            for limit in ["ThrottlingRateLimit", "ThrottlingBurstLimit"] {
                assert!(!settings[limit].is_null(), "{limit} missing");
            }
        }
    }

    #[test]
    fn every_function_in_the_template_is_one_of_the_binaries_and_each_is_in_the_template() {
        let in_template: BTreeSet<String> = functions(TEMPLATE)
            .unwrap()
            .into_iter()
            .map(|f| f.handler)
            .collect();
        assert_eq!(in_template, names(&think_tank_lambda::names()));
    }

    #[test]
    fn every_function_is_built_from_the_binary_that_runs_it() {
        let doc: Value = serde_yaml_ng::from_str(TEMPLATE).unwrap();
        let resources = doc["Resources"].as_mapping().unwrap();
        for (id, r) in resources
            .iter()
            .filter(|(_, r)| r["Type"] == "AWS::Serverless::Function")
        {
            let handler = r["Properties"]["Handler"].as_str().unwrap();
            let binary = think_tank_lambda::binary_of(handler).map(|b| b.name);
            let build = &r["Metadata"]["BuildProperties"]["Binary"];
            assert_eq!(build.as_str(), binary, "{}", text(id));
        }
    }

    #[test]
    fn every_linked_handler_is_routed_by_the_template_and_every_route_has_a_handler() {
        let all = functions(TEMPLATE).unwrap();
        let ws_functions: BTreeSet<String> =
            websocket_routes(TEMPLATE).unwrap().into_values().collect();
        assert_eq!(ws_functions.len(), 3, "$connect, $disconnect and $default");
        let ws_binaries = all
            .iter()
            .filter(|f| ws_functions.contains(&f.logical_id))
            .map(|f| f.handler.clone());
        let routed: BTreeSet<String> = all
            .iter()
            .flat_map(|f| f.http_routes.clone())
            .map(|r| r.handler)
            .chain(ws_binaries)
            .collect();
        let linked: BTreeSet<String> = crate::linked_handlers()
            .keys()
            .map(|k| k.to_string())
            .collect();
        assert_eq!(routed, linked);
    }
}
