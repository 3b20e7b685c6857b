//! Listings over a partition split into shards: every shard is read newest
//! first below the cursor, at once, and the pages merged. The cursor is the
//! index sort key of the last item (ids sort by creation time), so a shard
//! needs no start key of its own.

use aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder;
use futures::future::try_join_all;
use think_tank_core::error::StoreResult;

use super::item::{get_s, s, Item};
use super::keys::Index;
use super::DynamoStore;

impl DynamoStore {
    /// One page of `limit` items, newest first across `shards` of `index`;
    /// `shape` adds the listing's filter to each shard's query.
    pub(super) async fn query_sharded(
        &self,
        index: Index,
        shards: &[String],
        after: Option<&str>,
        limit: usize,
        shape: impl Fn(QueryFluentBuilder) -> QueryFluentBuilder,
    ) -> StoreResult<(Vec<Item>, Option<String>)> {
        let position = |item: &Item| get_s(item, index.sk);
        let reads = shards.iter().map(|pk| {
            let mut req = self
                .query()
                .index_name(index.name)
                .scan_index_forward(false);
            req = match after {
                Some(after) => req
                    .key_condition_expression(format!(
                        "{} = :pk AND {} < :after",
                        index.pk, index.sk
                    ))
                    .expression_attribute_values(":after", s(after)),
                None => req.key_condition_expression(format!("{} = :pk", index.pk)),
            };
            let req = shape(req.expression_attribute_values(":pk", s(pk)));
            self.query_page(req, limit, position)
        });
        let pages = try_join_all(reads).await?;
        let more_in_a_shard = pages.iter().any(|(_, next)| next.is_some());
        let mut items: Vec<Item> = pages.into_iter().flat_map(|(items, _)| items).collect();
        items.sort_by_key(|item| std::cmp::Reverse(position(item)));
        let more = more_in_a_shard || items.len() > limit;
        items.truncate(limit);
        let next = more.then(|| items.last().and_then(position)).flatten();
        Ok((items, next))
    }
}
