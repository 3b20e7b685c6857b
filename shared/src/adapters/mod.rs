pub mod aws;
#[cfg(any(test, feature = "local"))]
pub mod local_blobs;
#[cfg(any(test, feature = "local"))]
pub mod local_sockets;
#[cfg(any(test, feature = "local"))]
pub mod memory;
pub mod oidc;
pub mod outbox;
