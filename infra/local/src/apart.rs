//! With the memory backend, the WebSocket API and the fan-out run on a
//! runtime of their own, on a thread named [`THREAD`]. In AWS they are API
//! Gateway's WebSocket side and the `fan-out` function, apart from the HTTP
//! routes' functions: here too a burst of pushes does not queue HTTP
//! requests behind it. (With `BACKEND=aws` they stay on the gateway's
//! runtime: the SDK's pooled connections belong to the runtime that opened
//! them.)

use std::future::Future;

use tokio::task::JoinHandle;

/// The name of the thread (and of any blocking helper thread) that runs the
/// WebSocket API and the fan-out.
pub const THREAD: &str = "realtime";

/// Runs the future `start` makes on a current-thread runtime of its own,
/// until it ends; the handle resolves then.
pub fn run<F, Fut>(start: F) -> anyhow::Result<JoinHandle<()>>
where
    F: FnOnce() -> Fut + Send + 'static,
    Fut: Future<Output = ()> + 'static,
{
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .thread_name(THREAD)
        .build()?;
    let (done, finished) = tokio::sync::oneshot::channel::<()>();
    std::thread::Builder::new()
        .name(THREAD.to_string())
        .spawn(move || {
            runtime.block_on(start());
            let _ = done.send(());
        })?;
    Ok(tokio::spawn(async move {
        let _ = finished.await;
    }))
}
