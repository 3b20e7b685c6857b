//! The YAML of each function and its alarms, spliced into the skeleton.

use std::fmt::Write;

use super::{Action, Event, Function, Grant, Index, ObjectAction, Prefix, Secret};

const HEADER: &str = "\
# Generated from infra/template/skeleton.yaml and the route table
# (infra/local/src/stack/functions/): edit those, then run
# `UPDATE_TEMPLATE=1 cargo test -p local --test stack` to rewrite this file.
";

/// The whole template: the skeleton with its two markers filled in.
pub fn render(skeleton: &str, functions: &[Function]) -> String {
    let blocks: Vec<String> = functions.iter().map(function).collect();
    let alarms: Vec<String> = functions.iter().map(alarms).collect();
    let mut out = String::from(HEADER);
    for line in skeleton.lines() {
        match line.trim_start() {
            l if l.starts_with("# @functions") => out.push_str(&blocks.join("\n")),
            l if l.starts_with("# @alarms") => out.push_str(&alarms.join("\n")),
            _ => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    out
}

fn function(f: &Function) -> String {
    let mut y = String::new();
    let _ = writeln!(y, "  {}Function:", f.id);
    y.push_str("    Type: AWS::Serverless::Function\n    Metadata:\n      BuildMethod: rust-cargolambda\n      BuildProperties:\n");
    let _ = writeln!(y, "        Binary: {}", binary(f.name));
    y.push_str("    Properties:\n");
    let _ = writeln!(y, "      Handler: {}", f.name);
    if let Some((mb, why)) = f.memory {
        let _ = writeln!(y, "      # {why}\n      MemorySize: {mb}");
    }
    if !f.secrets.is_empty() {
        y.push_str("      Environment:\n        Variables:\n");
        for secret in f.secrets {
            let (var, parameter) = secret_arn(*secret);
            let _ = writeln!(y, "          {var}: !Ref {parameter}");
        }
    }
    let _ = writeln!(y, "      Description: {}", description(f));
    if let Some((seconds, why)) = f.timeout {
        let _ = writeln!(y, "      # {why}\n      Timeout: {seconds}");
    }
    y.push_str("      Policies:\n        - Version: \"2012-10-17\"\n          Statement:\n");
    y.push_str(&statement(
        "secretsmanager:GetSecretValue",
        "!Ref SecretsArn",
    ));
    for secret in f.secrets {
        y.push_str(&secret_statement(*secret));
    }
    for grant in f.grants {
        y.push_str(&grant_statement(grant));
    }
    y.push_str(&events(f.event));
    y
}

fn description(f: &Function) -> String {
    match (f.description, f.event) {
        (Some(text), _) => text.to_string(),
        (None, Event::Http(method, path)) => format!("{method} {path}"),
        (None, _) => f.name.to_string(),
    }
}

fn events(event: Event) -> String {
    match event {
        Event::Http(method, path) => format!(
            "      Events:\n        Api:\n          Type: HttpApi\n          Properties:\n            ApiId: !Ref HttpApi\n            Method: {method}\n            Path: {path}\n"
        ),
        Event::EmailQueue => "      Events:\n        EmailQueue:\n          Type: SQS\n          Properties:\n            Queue: !GetAtt EmailQueue.Arn\n            BatchSize: 10\n            FunctionResponseTypes: [ReportBatchItemFailures]\n            ScalingConfig:\n              MaximumConcurrency: !Ref EmailWorkerMaxConcurrency\n".to_string(),
        Event::TableStream => TABLE_STREAM.to_string(),
        Event::WebSocket => String::new(),
    }
}

/// In order per item (one batch per shard at a time); a failing batch is
/// halved until the failing record is alone, retried, then its position goes
/// to the failure queue. The filter keeps task and membership items only.
const TABLE_STREAM: &str = r#"      Events:
        TableStream:
          Type: DynamoDB
          Properties:
            Stream: !GetAtt Table.StreamArn
            StartingPosition: LATEST
            BatchSize: 100
            MaximumBatchingWindowInSeconds: 0
            ParallelizationFactor: 1
            BisectBatchOnFunctionError: true
            MaximumRetryAttempts: 10
            MaximumRecordAgeInSeconds: 3600
            FunctionResponseTypes: [ReportBatchItemFailures]
            FilterCriteria:
              Filters:
                - Pattern: '{"dynamodb":{"Keys":{"sk":{"S":[{"prefix":"TASK#"}]}}}}'
                - Pattern: '{"dynamodb":{"Keys":{"sk":{"S":[{"prefix":"MEMBER#"}]}}}}'
            DestinationConfig:
              OnFailure:
                Type: SQS
                Destination: !GetAtt FanOutFailureQueue.Arn
"#;

fn secret_arn(secret: Secret) -> (&'static str, &'static str) {
    match secret {
        Secret::SigningKey => ("SIGNING_KEY_SECRET_ARN", "SigningKeySecretArn"),
        Secret::MfaKey => ("MFA_KEY_SECRET_ARN", "MfaKeySecretArn"),
        Secret::OidcClients => ("OIDC_SECRETS_ARN", "OidcClientSecretsArn"),
    }
}

fn secret_statement(secret: Secret) -> String {
    let (_, parameter) = secret_arn(secret);
    match secret {
        // Optional: a stack without provider client secrets names none.
        Secret::OidcClients => format!(
            "            - !If\n              - HasOidcClientSecrets\n              - Effect: Allow\n                Action: [secretsmanager:GetSecretValue]\n                Resource: !Ref {parameter}\n              - !Ref AWS::NoValue\n"
        ),
        _ => statement("secretsmanager:GetSecretValue", &format!("!Ref {parameter}")),
    }
}

fn statement(actions: &str, resource: &str) -> String {
    format!("            - Effect: Allow\n              Action: [{actions}]\n              Resource: {resource}\n")
}

const SOCKETS: &str =
    "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${WebSocketApi}/live";

fn grant_statement(grant: &Grant) -> String {
    match grant {
        Grant::Items(actions) => statement(&dynamodb(actions), "!GetAtt Table.Arn"),
        Grant::Queries(indexes) => {
            let resources: Vec<String> = indexes.iter().map(|i| index_arn(*i)).collect();
            statement("dynamodb:Query", &list(&resources))
        }
        Grant::HealthItem => format!(
            "            # The cold start's connection warm-up reads the fixed HEALTH item, nothing else.\n{}              Condition:\n                ForAllValues:StringEquals:\n                  dynamodb:LeadingKeys: [HEALTH]\n",
            statement("dynamodb:GetItem", "!GetAtt Table.Arn")
        ),
        Grant::QueueEmail => statement("sqs:SendMessage", "!GetAtt EmailQueue.Arn"),
        Grant::EmailQueueDepth => statement("sqs:GetQueueAttributes", "!GetAtt EmailQueue.Arn"),
        Grant::PushToSockets => statement(
            "execute-api:ManageConnections",
            &format!("!Sub \"{SOCKETS}/POST/@connections/*\""),
        ),
        Grant::CloseSockets => format!(
            "            # Closing the sockets of a session it ends.\n{}",
            statement(
                "execute-api:ManageConnections",
                &format!("!Sub \"{SOCKETS}/DELETE/@connections/*\""),
            )
        ),
        Grant::Objects(action, prefixes) => {
            let resources: Vec<String> = prefixes.iter().map(|p| object_arn(*p)).collect();
            statement(&format!("s3:{}", object_action(*action)), &list(&resources))
        }
        Grant::ListUploads => statement("s3:ListBucket", "!GetAtt UploadBucket.Arn"),
        Grant::SendEmail => "            # SES checks the sender's identity and, in the sandbox, each recipient's\n            # too: any identity of this account, but only from our sender.\n            - Effect: Allow\n              Action: [ses:SendEmail, ses:SendRawEmail]\n              Resource: !Sub \"arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:identity/*\"\n              Condition:\n                StringLike:\n                  ses:FromAddress: [!Sub \"*@${SesIdentity}\", !Ref SesIdentity]\n".to_string(),
        Grant::SendSms => "            # Text messages straight to phone numbers: any publish except to a topic.\n            - Effect: Allow\n              Action: [sns:Publish]\n              NotResource: \"arn:aws:sns:*:*:*\"\n".to_string(),
    }
}

fn dynamodb(actions: &[Action]) -> String {
    let names: Vec<String> = actions.iter().map(|a| format!("dynamodb:{a:?}")).collect();
    names.join(", ")
}

fn index_arn(index: Index) -> String {
    match index {
        Index::Table => "!GetAtt Table.Arn".to_string(),
        Index::Gsi1 => "!Sub \"${Table.Arn}/index/gsi1\"".to_string(),
        Index::Gsi2 => "!Sub \"${Table.Arn}/index/gsi2\"".to_string(),
        Index::Gsi3 => "!Sub \"${Table.Arn}/index/gsi3\"".to_string(),
    }
}

fn object_action(action: ObjectAction) -> &'static str {
    match action {
        ObjectAction::GetObject => "GetObject",
        ObjectAction::PutObject => "PutObject",
        ObjectAction::DeleteObject => "DeleteObject",
    }
}

fn object_arn(prefix: Prefix) -> String {
    match prefix {
        Prefix::Pending => "!Sub \"${UploadBucket.Arn}/pending/*\"".to_string(),
        Prefix::Files => "!Sub \"${UploadBucket.Arn}/files/*\"".to_string(),
    }
}

fn list(items: &[String]) -> String {
    match items {
        [one] => one.clone(),
        many => format!("[{}]", many.join(", ")),
    }
}

fn alarms(f: &Function) -> String {
    let id = f.id;
    let alarm = |kind: &str, metric: &str, what: &str| {
        format!(
            "  {id}{kind}Alarm:\n    Type: AWS::CloudWatch::Alarm\n    Properties:\n      AlarmDescription: {id}Function {what}.\n      Namespace: AWS/Lambda\n      MetricName: {metric}\n      Dimensions:\n        - {{ Name: FunctionName, Value: !Ref {id}Function }}\n      Statistic: Sum\n      Period: 300\n      EvaluationPeriods: 1\n      Threshold: 1\n      ComparisonOperator: GreaterThanOrEqualToThreshold\n      TreatMissingData: notBreaching\n      AlarmActions: !If [HasAlarmTopic, [!Ref AlarmTopicArn], !Ref AWS::NoValue]\n"
        )
    };
    format!(
        "{}\n{}",
        alarm("Errors", "Errors", "failed (errors or timeouts)"),
        alarm(
            "Throttles",
            "Throttles",
            "was throttled (concurrency exhausted)"
        )
    )
}

/// The Lambda binary that runs the function (`functions/lambda`).
fn binary(name: &str) -> &'static str {
    think_tank_lambda::binary_of(name).map_or("", |b| b.name)
}
