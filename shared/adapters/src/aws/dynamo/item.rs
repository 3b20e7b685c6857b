//! Reading and writing DynamoDB attribute maps.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;

use think_tank_core::clock::UnixSecs;

pub type Item = HashMap<String, AttributeValue>;

pub fn s(v: impl Into<String>) -> AttributeValue {
    AttributeValue::S(v.into())
}

/// A number: a count, or a point in time (`UnixSecs`, `UnixMillis`).
pub fn n(v: impl Into<i64>) -> AttributeValue {
    AttributeValue::N(v.into().to_string())
}

pub fn b(v: bool) -> AttributeValue {
    AttributeValue::Bool(v)
}

pub fn key(pk: impl Into<String>, sk: impl Into<String>) -> Item {
    HashMap::from([("pk".to_string(), s(pk)), ("sk".to_string(), s(sk))])
}

pub fn get_s(item: &Item, name: &str) -> Option<String> {
    item.get(name).and_then(|v| v.as_s().ok()).cloned()
}

pub fn get_n(item: &Item, name: &str) -> Option<i64> {
    item.get(name)
        .and_then(|v| v.as_n().ok())
        .and_then(|v| v.parse().ok())
}

pub fn get_b(item: &Item, name: &str) -> bool {
    item.get(name)
        .and_then(|v| v.as_bool().ok())
        .copied()
        .unwrap_or(false)
}

pub fn get_list_s(item: &Item, name: &str) -> Vec<String> {
    item.get(name)
        .and_then(|v| v.as_l().ok())
        .map(|l| l.iter().filter_map(|v| v.as_s().ok().cloned()).collect())
        .unwrap_or_default()
}

pub fn require_s(item: &Item, name: &str) -> anyhow::Result<String> {
    get_s(item, name).ok_or_else(|| anyhow::anyhow!("item lacks attribute {name}"))
}

pub fn require_n(item: &Item, name: &str) -> anyhow::Result<i64> {
    get_n(item, name).ok_or_else(|| anyhow::anyhow!("item lacks attribute {name}"))
}

pub fn put_opt<T: AsRef<str>>(item: &mut Item, name: &str, value: &Option<T>) {
    if let Some(v) = value {
        item.insert(name.to_string(), s(v.as_ref()));
    }
}

/// An item whose `ttl` is still ahead of `now` (DynamoDB deletes expired
/// items late, so every read checks).
pub fn is_live(item: &Item, now: UnixSecs) -> bool {
    get_n(item, super::keys::TTL).is_some_and(|exp| now.0 < exp)
}

/// A required point in time.
pub fn require_time<T: From<i64>>(item: &Item, name: &str) -> anyhow::Result<T> {
    require_n(item, name).map(T::from)
}
