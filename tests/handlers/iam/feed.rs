//! The fan-out in the story: what the table's stream holds since the last
//! run, handed to the fan-out function as the event source mapping would.

use std::collections::HashMap;

use super::world::World;

impl World {
    /// Delivers every task and membership change written so far, one change
    /// per batch so that each one's cost is noted on its own; `read`
    /// remembers where each shard was left.
    pub async fn run_fan_out(&mut self, read: &mut HashMap<String, String>) {
        let table = &self.vars["TABLE_NAME"];
        let arn = local::stream::arn(&self.raw, table).await.unwrap();
        let streams = local::stream::client(&self.raw);
        let records = local::stream::read_new(&streams, &arn, read).await.unwrap();
        assert!(!records.is_empty(), "the story's writes are on the stream");
        self.forget();
        let app = self.app("fan-out", fan_out::PORTS);
        self.warm_up(&app, fan_out::PORTS).await;
        for record in records {
            let event = fan_out::StreamEvent {
                records: vec![record],
            };
            let response = fan_out::handle(app.clone(), event).await;
            assert_eq!(response.failures, [], "every change was delivered");
            self.note("fan-out");
        }
    }
}
