//! The table's change feed: DynamoDB Streams records, as an event source
//! mapping hands them to a Lambda (images in DynamoDB JSON), read as the
//! task and membership changes the fan-out pushes. Other items are no change
//! of interest (the mapping's filter already leaves them out in AWS).

use anyhow::{anyhow, bail, Context};
use aws_sdk_dynamodb::types::AttributeValue;
use serde_json::Value;
use think_tank_core::services::fanout::{Change, ChangeRecord};
use think_tank_core::services::members::MemberEvent;
use think_tank_core::services::realtime::TaskEvent;

use super::item::{get_s, Item};
use super::tasks::task_from_item;
use super::workspaces::items::member_from;

/// The sort-key prefixes of the items whose changes are pushed; the fan-out
/// function's filter criteria name the same.
pub const FANNED_OUT: [&str; 2] = ["TASK#", "MEMBER#"];

/// What one stream record changed, if it is a task or a membership.
pub fn change_of(record: &Value) -> anyhow::Result<Option<ChangeRecord>> {
    let event_id = record["eventID"]
        .as_str()
        .context("a record without eventID")?;
    let images = &record["dynamodb"];
    let (new, old) = (image(&images["NewImage"])?, image(&images["OldImage"])?);
    let Some(item) = new.as_ref().or(old.as_ref()) else {
        return Ok(None);
    };
    let sk = get_s(item, "sk").unwrap_or_default();
    let name = record["eventName"].as_str().unwrap_or_default();
    let change = if sk.starts_with(FANNED_OUT[0]) {
        let event = match name {
            "INSERT" => TaskEvent::Created,
            "MODIFY" => TaskEvent::Updated,
            _ => TaskEvent::Deleted,
        };
        Change::Task(event, task_from_item(item)?)
    } else if sk.starts_with(FANNED_OUT[1]) {
        let event = match name {
            "INSERT" => MemberEvent::Added,
            "MODIFY" => MemberEvent::Updated,
            _ => MemberEvent::Removed,
        };
        Change::Member(event, member_from(item)?)
    } else {
        return Ok(None);
    };
    let event_id = event_id.to_string();
    Ok(Some(ChangeRecord { event_id, change }))
}

fn image(json: &Value) -> anyhow::Result<Option<Item>> {
    let Some(map) = json.as_object() else {
        return Ok(None);
    };
    let item = map
        .iter()
        .map(|(name, value)| Ok((name.clone(), attribute(value)?)))
        .collect::<anyhow::Result<Item>>()?;
    Ok(Some(item))
}

/// One attribute value in DynamoDB JSON (`{"S": "…"}`, `{"N": "3"}`, …).
pub fn attribute(json: &Value) -> anyhow::Result<AttributeValue> {
    let (kind, value) = json
        .as_object()
        .and_then(|m| m.iter().next())
        .ok_or_else(|| anyhow!("not an attribute value: {json}"))?;
    let text = || value.as_str().map(str::to_string).context("not a string");
    let texts = || -> anyhow::Result<Vec<String>> {
        let all = value.as_array().context("not a set")?;
        all.iter()
            .map(|v| v.as_str().map(str::to_string).context("not a string"))
            .collect()
    };
    Ok(match kind.as_str() {
        "S" => AttributeValue::S(text()?),
        "N" => AttributeValue::N(text()?),
        "BOOL" => AttributeValue::Bool(value.as_bool().context("not a bool")?),
        "NULL" => AttributeValue::Null(true),
        "SS" => AttributeValue::Ss(texts()?),
        "NS" => AttributeValue::Ns(texts()?),
        "L" => AttributeValue::L(
            (value.as_array().context("not a list")?.iter())
                .map(attribute)
                .collect::<anyhow::Result<_>>()?,
        ),
        "M" => AttributeValue::M(image(value)?.unwrap_or_default()),
        other => bail!("unsupported attribute type {other}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const EVENT: &str = include_str!("../../../../../tests/events/fan-out.json");

    #[test]
    fn a_task_item_modified_on_the_stream_is_a_task_update_with_the_new_image() {
        let event: Value = serde_json::from_str(EVENT).unwrap();
        let change = change_of(&event["Records"][0]).unwrap().unwrap();
        assert_eq!(change.event_id, "c4ca4238a0b923820dcc509a6f75849b");
        let Change::Task(TaskEvent::Updated, task) = change.change else {
            panic!("{:?}", change.change);
        };
        assert_eq!((task.version, task.status.as_str()), (2, "in_progress"));
        assert_eq!(
            task.workspace_id.as_str(),
            "01936f3e-0000-7000-8000-0000000000a1"
        );
    }

    #[test]
    fn a_removal_carries_the_old_image_and_other_items_are_no_change() {
        let mut event: Value = serde_json::from_str(EVENT).unwrap();
        let record = &mut event["Records"][0];
        record["eventName"] = "REMOVE".into();
        record["dynamodb"]
            .as_object_mut()
            .unwrap()
            .remove("NewImage");
        let change = change_of(record).unwrap().unwrap().change;
        assert!(matches!(change, Change::Task(TaskEvent::Deleted, ref t) if t.version == 1));
        record["dynamodb"]["OldImage"]["sk"] = serde_json::json!({ "S": "PROFILE" });
        assert_eq!(change_of(record).unwrap(), None);
    }

    #[test]
    fn every_attribute_type_reads_back() {
        let json = serde_json::json!({ "M": {
            "s": { "S": "x" }, "n": { "N": "1" }, "b": { "BOOL": true }, "z": { "NULL": true },
            "ss": { "SS": ["a"] }, "l": { "L": [{ "N": "2" }] },
        }});
        let AttributeValue::M(map) = attribute(&json).unwrap() else {
            panic!()
        };
        assert_eq!(map.len(), 6);
        assert!(attribute(&serde_json::json!({ "X": 1 })).is_err());
    }
}
