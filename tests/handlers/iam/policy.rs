//! The IAM statements of each function in `template.yaml`, as (action,
//! resource pattern) pairs. Resources are written without the ARN prefix:
//! `${Table.Arn}/index/gsi1` reads `Table/index/gsi1`, and the WebSocket
//! API's `arn:…:${WebSocketApi}/live/POST/@connections/*` reads
//! `WebSocketApi/live/POST/@connections/*`.

use std::collections::{BTreeMap, BTreeSet};

use e2e::recorder::Call;
use serde_yaml_ng::Value;

/// One permission a function needs or has.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Permission {
    pub action: String,
    pub resource: String,
    /// A `NotResource` statement: allows every resource but the pattern's.
    pub except: bool,
}

impl Permission {
    pub fn new(action: &str, resource: impl Into<String>) -> Self {
        Self {
            action: action.to_string(),
            resource: resource.into(),
            except: false,
        }
    }

    fn except(action: &str, resource: String) -> Self {
        Self {
            except: true,
            ..Self::new(action, resource)
        }
    }

    /// Whether this statement (whose resource may end in `*`) allows `needed`.
    pub fn allows(&self, needed: &Permission) -> bool {
        let matches = match self.resource.strip_suffix('*') {
            Some(prefix) => needed.resource.starts_with(prefix),
            None => needed.resource == self.resource,
        };
        self.action == needed.action && matches != self.except
    }
}

/// Function name (its `Handler`) -> what its role allows.
pub fn allowed_by_function(template: &str) -> BTreeMap<String, Vec<Permission>> {
    let doc: Value = serde_yaml_ng::from_str(template).expect("template.yaml parses");
    let resources = doc["Resources"].as_mapping().expect("Resources");
    resources
        .values()
        .filter(|r| r["Type"].as_str() == Some("AWS::Serverless::Function"))
        .filter_map(|r| {
            let binary = r["Properties"]["Handler"].as_str()?;
            let policies = r["Properties"]["Policies"].as_sequence()?;
            Some((
                binary.to_string(),
                policies.iter().flat_map(statements).collect(),
            ))
        })
        .collect()
}

/// The functions whose environment names `variable` (e.g. the ARN of a
/// secret only some functions may read).
pub fn functions_with_env(template: &str, variable: &str) -> BTreeSet<String> {
    let doc: Value = serde_yaml_ng::from_str(template).expect("template.yaml parses");
    let resources = doc["Resources"].as_mapping().expect("Resources");
    resources
        .values()
        .filter(|r| !r["Properties"]["Environment"]["Variables"][variable].is_null())
        .filter_map(|r| r["Properties"]["Handler"].as_str())
        .map(str::to_string)
        .collect()
}

fn statements(policy: &Value) -> Vec<Permission> {
    let Some(statements) = policy["Statement"].as_sequence() else {
        return Vec::new();
    };
    statements
        .iter()
        .map(when_its_condition_holds)
        .filter(|s| s["Effect"].as_str() == Some("Allow"))
        .flat_map(|s| {
            let actions = strings(&s["Action"]);
            let except = !s["NotResource"].is_null();
            let field = if except { "NotResource" } else { "Resource" };
            let resources: Vec<String> = list(&s[field]).iter().map(resource).collect();
            actions.into_iter().flat_map(move |a| {
                let resources = resources.clone();
                resources.into_iter().map(move |r| match except {
                    true => Permission::except(&a, r),
                    false => Permission::new(&a, r),
                })
            })
        })
        .collect()
}

/// `!If [condition, statement, !Ref AWS::NoValue]` reads as its statement:
/// the story runs with every optional secret and setting present.
fn when_its_condition_holds(statement: &Value) -> &Value {
    match statement {
        Value::Tagged(tagged) if tagged.tag == "!If" => &tagged.value[1],
        other => other,
    }
}

fn list(value: &Value) -> Vec<Value> {
    match value {
        Value::Sequence(items) => items.clone(),
        other => vec![other.clone()],
    }
}

fn strings(value: &Value) -> Vec<String> {
    list(value)
        .iter()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect()
}

/// `!GetAtt X.Arn` and `!Ref X` read `X`; `!Sub` loses its ARN prefix and
/// its `${…}` braces.
fn resource(value: &Value) -> String {
    let Value::Tagged(tagged) = value else {
        return value.as_str().unwrap_or_default().to_string();
    };
    let text = tagged.value.as_str().unwrap_or_default();
    match tagged.tag.to_string().as_str() {
        "!GetAtt" => text.trim_end_matches(".Arn").to_string(),
        "!Ref" => text.to_string(),
        _ => substituted(text),
    }
}

fn substituted(text: &str) -> String {
    let without_arn = match text.strip_prefix("arn:") {
        Some(rest) => rest
            .rsplit_once("${AWS::AccountId}:")
            .map_or(rest, |(_, r)| r),
        None => text,
    };
    without_arn
        .replace(".Arn}", "}")
        .replace("${", "")
        .replace('}', "")
}

/// The IAM permissions an SDK call needs (a transaction: those of its items).
pub fn needs(call: &Call) -> Vec<Permission> {
    let op = call.operation.as_str();
    let key = |k: &Option<String>| format!("UploadBucket/{}", k.as_deref().unwrap_or_default());
    match call.service.as_str() {
        "DynamoDB" if op == "TransactWriteItems" => {
            let actions = call.target.as_deref().unwrap_or_default().split(',');
            actions
                .map(|a| Permission::new(&format!("dynamodb:{a}"), "Table"))
                .collect()
        }
        "DynamoDB" => {
            let resource = match &call.target {
                Some(index) => format!("Table/index/{index}"),
                None => "Table".to_string(),
            };
            vec![Permission::new(&format!("dynamodb:{op}"), resource)]
        }
        "SQS" => vec![Permission::new(&format!("sqs:{op}"), "EmailQueue")],
        // A publish straight to a phone number names no SNS resource.
        "SNS" => vec![Permission::new(&format!("sns:{op}"), "phone-number")],
        "S3" => match op {
            "HeadBucket" => vec![Permission::new("s3:ListBucket", "UploadBucket")],
            // A presigned download is signed through the SDK too.
            // A missing object answers 404 only to a role that may list the
            // bucket (403 otherwise), and the file routes tell "not uploaded
            // yet" by that 404.
            "HeadObject" => vec![
                Permission::new("s3:GetObject", key(&call.target)),
                Permission::new("s3:ListBucket", "UploadBucket"),
            ],
            "GetObject" => vec![Permission::new("s3:GetObject", key(&call.target))],
            "DeleteObject" => vec![Permission::new("s3:DeleteObject", key(&call.target))],
            "CopyObject" => {
                let source = call
                    .source
                    .as_deref()
                    .and_then(|s| s.split_once('/'))
                    .map(|(_, k)| k.to_string());
                vec![
                    Permission::new("s3:PutObject", key(&call.target)),
                    Permission::new("s3:GetObject", key(&source)),
                ]
            }
            other => panic!("the IAM check does not know S3 {other}"),
        },
        other => panic!("the IAM check does not know the service {other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sub_resources_lose_their_arn_prefix() {
        assert_eq!(substituted("${Table.Arn}/index/gsi1"), "Table/index/gsi1");
        assert_eq!(
            substituted("arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${WebSocketApi}/live/POST/@connections/*"),
            "WebSocketApi/live/POST/@connections/*"
        );
    }

    #[test]
    fn a_trailing_star_allows_any_suffix() {
        let statement = Permission::new("s3:GetObject", "UploadBucket/files/*");
        assert!(statement.allows(&Permission::new("s3:GetObject", "UploadBucket/files/x")));
        assert!(!statement.allows(&Permission::new("s3:GetObject", "UploadBucket/pending/x")));
        assert!(!statement.allows(&Permission::new("s3:PutObject", "UploadBucket/files/x")));
    }
}
