pub mod aws;
pub mod local_blobs;
pub mod local_sockets;
pub mod memory;
pub mod oidc;
pub mod outbox;
pub mod unwired;
