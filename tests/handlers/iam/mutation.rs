//! The mutation run, done on what the story recorded: drop one statement
//! (one action on one resource) from one function's role; if every call the
//! function made is still allowed, the story would stay green without it.
//! Each such statement is either granted for nothing or needed on a path
//! the story never takes; both are reported, but for the paths listed in
//! [`UNREACHED`] with the reason the story cannot take them.

use std::collections::{BTreeMap, BTreeSet};

use super::policy::Permission;

/// (function, action, resource, why the story does not reach the call).
const UNREACHED: &[(&str, &str, &str, &str)] = &[(
    "email-worker",
    "ses:SendEmail",
    "identity/*",
    "the stand-in records SES API v2 `SendEmail` with raw content as \
     ses:SendRawEmail; the role also grants ses:SendEmail for the same call, \
     as AWS CDK's identity grant does, since which name IAM evaluates is \
     not observable without AWS",
)];

/// "function: action on resource" for every statement the story never needed.
pub fn survivors(
    allowed: &BTreeMap<String, Vec<Permission>>,
    needed: &BTreeMap<String, BTreeSet<Permission>>,
) -> Vec<String> {
    let mut found = Vec::new();
    for (function, role) in allowed {
        let calls = needed.get(function).cloned().unwrap_or_default();
        for (dropped, statement) in role.iter().enumerate() {
            let rest = role.iter().enumerate().filter(|(i, _)| *i != dropped);
            let still_allowed = |need: &Permission| rest.clone().any(|(_, s)| s.allows(need));
            if calls.iter().all(still_allowed) && !unreached(function, statement) {
                found.push(format!(
                    "{function}: {} on {}",
                    statement.action, statement.resource
                ));
            }
        }
    }
    found
}

fn unreached(function: &str, statement: &Permission) -> bool {
    UNREACHED.iter().any(|(f, action, resource, _)| {
        *f == function && *action == statement.action && *resource == statement.resource
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_statement_no_recorded_call_needs_survives_and_a_needed_one_does_not() {
        let get = Permission::new("dynamodb:GetItem", "Table");
        let put = Permission::new("dynamodb:PutItem", "Table");
        let allowed = BTreeMap::from([("me".to_string(), vec![get.clone(), put])]);
        let needed = BTreeMap::from([("me".to_string(), BTreeSet::from([get]))]);
        assert_eq!(
            survivors(&allowed, &needed),
            ["me: dynamodb:PutItem on Table"]
        );
    }
}
