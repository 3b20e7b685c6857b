//! A TCP link between the code under test and an emulator that can be frozen
//! (connections stay open, nothing is forwarded) or cut (connections are
//! closed, new ones refused), like a dependency that hangs or dies. Only the
//! clients built on the link see the fault; other tests keep the emulator.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const PASS: u8 = 0;
const FROZEN: u8 = 1;
const CUT: u8 = 2;

#[derive(Clone)]
pub struct Link {
    pub addr: SocketAddr,
    mode: Arc<AtomicU8>,
}

impl Link {
    /// Forwards to the emulator behind `endpoint` (`http://127.0.0.1:8000`).
    pub async fn to(endpoint: &str) -> Self {
        let upstream: SocketAddr = endpoint
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .parse()
            .expect("an http://host:port endpoint");
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let link = Self {
            addr: listener.local_addr().unwrap(),
            mode: Arc::new(AtomicU8::new(PASS)),
        };
        let mode = link.mode.clone();
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                if mode.load(Ordering::SeqCst) == CUT {
                    continue;
                }
                tokio::spawn(forward(client, upstream, mode.clone()));
            }
        });
        link
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn freeze(&self) {
        self.mode.store(FROZEN, Ordering::SeqCst);
    }

    pub fn cut(&self) {
        self.mode.store(CUT, Ordering::SeqCst);
    }

    pub fn restore(&self) {
        self.mode.store(PASS, Ordering::SeqCst);
    }
}

async fn forward(client: TcpStream, upstream: SocketAddr, mode: Arc<AtomicU8>) {
    let Ok(server) = TcpStream::connect(upstream).await else {
        return;
    };
    let (client_read, client_write) = client.into_split();
    let (server_read, server_write) = server.into_split();
    tokio::select! {
        _ = pump(client_read, server_write, mode.clone()) => {}
        _ = pump(server_read, client_write, mode) => {}
    }
}

/// Copies one direction; holds the bytes while frozen, stops when cut.
async fn pump(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    mode: Arc<AtomicU8>,
) {
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        let read = tokio::select! {
            read = from.read(&mut buf) => read,
            _ = until_cut(&mode) => return,
        };
        let n = match read {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        while mode.load(Ordering::SeqCst) == FROZEN {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        if mode.load(Ordering::SeqCst) == CUT || to.write_all(&buf[..n]).await.is_err() {
            return;
        }
    }
}

async fn until_cut(mode: &AtomicU8) {
    while mode.load(Ordering::SeqCst) != CUT {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
