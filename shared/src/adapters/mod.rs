pub mod aws;
pub mod memory;
pub mod outbox;
