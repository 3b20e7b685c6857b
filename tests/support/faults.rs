//! A TCP link between the code under test and an emulator that can be frozen
//! (connections stay open, nothing is forwarded) or cut (connections are
//! closed, new ones refused), like a dependency that hangs or dies, or that
//! answers one DynamoDB operation too late (the request goes through, the
//! answer comes after the client's attempt timeout, so the client retries a
//! write that has landed), or that sits a network's distance away (every
//! answer held a while, as a real service's would be). Only the clients
//! built on the link see the fault; other tests keep the emulator.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicU8, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const PASS: u8 = 0;
const FROZEN: u8 = 1;
const CUT: u8 = 2;

/// Longer than the SDK's 1 s attempt timeout.
const LATE: Duration = Duration::from_millis(1500);

#[derive(Clone)]
pub struct Link {
    pub addr: SocketAddr,
    mode: Arc<AtomicU8>,
    /// The DynamoDB operation whose next answer comes late.
    late: Arc<Mutex<Option<String>>>,
    /// How long every answer is held, in milliseconds.
    latency: Arc<AtomicU64>,
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
            late: Arc::new(Mutex::new(None)),
            latency: Arc::new(AtomicU64::new(0)),
        };
        let (mode, late) = (link.mode.clone(), link.late.clone());
        let latency = link.latency.clone();
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                if mode.load(Ordering::SeqCst) == CUT {
                    continue;
                }
                let held = Held(late.clone(), latency.clone());
                tokio::spawn(forward(client, upstream, mode.clone(), held));
            }
        });
        link
    }

    /// Every answer from now on arrives `delay` after the emulator sent it.
    pub fn hold_answers(&self, delay: Duration) {
        self.latency
            .store(delay.as_millis() as u64, Ordering::SeqCst);
    }

    /// The next request of the DynamoDB `operation` (`PutItem`,
    /// `UpdateItem`, `TransactWriteItems`…) is carried out, but its answer
    /// arrives only after the client has given up on the attempt.
    pub fn answer_late(&self, operation: &str) {
        *self.late.lock().unwrap() =
            Some(format!("dynamodb_20120810.{}", operation.to_lowercase()));
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// A DynamoDB client like `clients`' that reaches the emulator through
    /// this link.
    pub fn dynamodb(&self, clients: &adapters::aws::AwsClients) -> aws_sdk_dynamodb::Client {
        let config = aws_sdk_dynamodb::config::Builder::from(&clients.sdk).endpoint_url(self.url());
        aws_sdk_dynamodb::Client::from_conf(config.build())
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

/// What holds answers back: the operation armed to answer late, and the
/// delay every answer takes.
struct Held(Arc<Mutex<Option<String>>>, Arc<AtomicU64>);

async fn forward(client: TcpStream, upstream: SocketAddr, mode: Arc<AtomicU8>, held: Held) {
    let Held(late, latency) = held;
    let Ok(server) = TcpStream::connect(upstream).await else {
        return;
    };
    let (client_read, client_write) = client.into_split();
    let (server_read, server_write) = server.into_split();
    let answer_late = Arc::new(AtomicBool::new(false));
    let requests = Watch::Requests(late, answer_late.clone());
    let answers = Watch::Answers(answer_late, latency);
    tokio::select! {
        _ = pump(client_read, server_write, mode.clone(), requests) => {}
        _ = pump(server_read, client_write, mode, answers) => {}
    }
}

/// What one direction of a connection looks for.
enum Watch {
    /// Requests: the armed operation; when seen, its answer is to come late.
    Requests(Arc<Mutex<Option<String>>>, Arc<AtomicBool>),
    /// Answers: held for [`LATE`] when the request asked for it, and for
    /// the link's latency in any case.
    Answers(Arc<AtomicBool>, Arc<AtomicU64>),
}

impl Watch {
    async fn before_forwarding(&self, bytes: &[u8]) {
        match self {
            Watch::Requests(armed, answer_late) => {
                let text = String::from_utf8_lossy(bytes).to_lowercase();
                let mut armed = armed.lock().unwrap();
                if armed
                    .as_ref()
                    .is_some_and(|op| text.contains(&format!("{op}\r\n")))
                {
                    *armed = None;
                    answer_late.store(true, Ordering::SeqCst);
                }
            }
            Watch::Answers(answer_late, latency) => {
                if answer_late.swap(false, Ordering::SeqCst) {
                    tokio::time::sleep(LATE).await;
                }
                let held = latency.load(Ordering::SeqCst);
                if held > 0 {
                    tokio::time::sleep(Duration::from_millis(held)).await;
                }
            }
        }
    }
}

/// Copies one direction; holds the bytes while frozen, stops when cut.
async fn pump(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    mode: Arc<AtomicU8>,
    watch: Watch,
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
        watch.before_forwarding(&buf[..n]).await;
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
