pub mod aws;
pub mod local_blobs;
pub mod memory;
pub mod outbox;
