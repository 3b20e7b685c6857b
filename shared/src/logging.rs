//! One way to set up logs, for the Lambda functions (JSON) and the local
//! gateway (text). Whatever `RUST_LOG` asks for, the targets that print raw
//! payloads at debug or trace (the Lambda runtime's incoming events, the SDK's
//! requests and responses, request signing, HTTP/TLS internals) are capped at
//! `info`: those payloads carry passwords, tokens and queued secrets.

use tracing::level_filters::LevelFilter;
use tracing::Subscriber;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::fmt::{self, MakeWriter};
use tracing_subscriber::layer::{Layer, SubscriberExt};
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Registry};

const PAYLOAD_TARGETS: [&str; 9] = [
    "lambda_runtime",
    "lambda_runtime_api_client",
    "lambda_http",
    "aws_smithy_runtime",
    "aws_smithy_http_client",
    "aws_sigv4",
    "hyper",
    "h2",
    "rustls",
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    /// One JSON object per line, no timestamp (CloudWatch adds it).
    Json,
    /// Human-readable lines for the local gateway.
    Text,
}

/// Caps the payload-printing targets at `info`; everything else passes.
pub fn payload_safe_targets() -> Targets {
    PAYLOAD_TARGETS.iter().fold(
        Targets::new().with_default(LevelFilter::TRACE),
        |t, target| t.with_target(*target, LevelFilter::INFO),
    )
}

/// `RUST_LOG`, or `info` when unset or invalid.
pub fn env_filter() -> EnvFilter {
    EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"))
}

/// The subscriber every process uses, writing to `writer`: `filter` picks
/// the events, then [`payload_safe_targets`] caps the payload printers.
pub fn subscriber<W, F>(
    format: LogFormat,
    filter: F,
    writer: W,
) -> Box<dyn Subscriber + Send + Sync>
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
    F: Layer<Registry> + Send + Sync + 'static,
{
    let filtered = tracing_subscriber::registry()
        .with(filter)
        .with(payload_safe_targets());
    let lines = fmt::layer().with_writer(writer).with_ansi(false);
    match format {
        LogFormat::Json => {
            Box::new(filtered.with(lines.json().with_current_span(false).without_time()))
        }
        LogFormat::Text => Box::new(filtered.with(lines.with_target(false))),
    }
}

/// Installs [`subscriber`] for this process with `RUST_LOG`, to stderr for
/// text and stdout for JSON; a second call changes nothing.
pub fn init(format: LogFormat) {
    init_with(format, env_filter());
}

fn init_with<F: Layer<Registry> + Send + Sync + 'static>(format: LogFormat, filter: F) {
    let _ = match format {
        LogFormat::Json => subscriber(format, filter, std::io::stdout).try_init(),
        LogFormat::Text => subscriber(format, filter, std::io::stderr).try_init(),
    };
}

/// A Lambda function's logs: the format and level its `LoggingConfig` asks
/// for (`AWS_LAMBDA_LOG_FORMAT`, `AWS_LAMBDA_LOG_LEVEL`), unless `RUST_LOG`
/// is set to override the level while debugging. In Lambda `RUST_LOG` takes
/// targets and levels (`info,shared=debug`), not span or field filters: its
/// full syntax needs a regular-expression engine in every binary.
pub fn init_lambda() {
    let var = |name| std::env::var(name).ok();
    let format = lambda_format(var("AWS_LAMBDA_LOG_FORMAT").as_deref());
    let level = lambda_level(var("AWS_LAMBDA_LOG_LEVEL").as_deref());
    init_with(format, lambda_filter(var("RUST_LOG").as_deref(), level));
}

/// `RUST_LOG`'s targets and levels, or `level` for everything when it is
/// unset or not of that form.
fn lambda_filter(rust_log: Option<&str>, level: LevelFilter) -> Targets {
    rust_log
        .and_then(|directives| directives.parse().ok())
        .unwrap_or_else(|| Targets::new().with_default(level))
}

/// `Text` or `JSON` (Lambda's two log formats); JSON unless it says text.
fn lambda_format(raw: Option<&str>) -> LogFormat {
    match raw {
        Some(f) if f.eq_ignore_ascii_case("text") => LogFormat::Text,
        _ => LogFormat::Json,
    }
}

/// Lambda's application log levels as `tracing` levels (`FATAL` is `error`).
fn lambda_level(raw: Option<&str>) -> LevelFilter {
    match raw.map(str::to_ascii_uppercase).as_deref() {
        Some("TRACE") => LevelFilter::TRACE,
        Some("DEBUG") => LevelFilter::DEBUG,
        Some("WARN") => LevelFilter::WARN,
        Some("ERROR" | "FATAL") => LevelFilter::ERROR,
        _ => LevelFilter::INFO,
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::sync::{Arc, Mutex};

    use super::*;

    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn logged_at_trace(format: LogFormat) -> String {
        let captured = Captured::default();
        let writer = captured.clone();
        let sub = subscriber(format, EnvFilter::new("trace"), move || writer.clone());
        tracing::subscriber::with_default(sub, || {
            tracing::trace!(target: "lambda_runtime::layers::api_response", body = "{\"password\":\"hunter22\"}", "raw JSON event received from Lambda");
            tracing::trace!(target: "aws_smithy_runtime::client::orchestrator", request = "token-in-a-queue-body", "transmitting request");
            tracing::trace!(target: "aws_sigv4::http_request::sign", canonical = "x-amz-security-token:session", "signing");
            tracing::trace!(target: "shared::services", "our own trace still shows");
            tracing::info!(target: "lambda_runtime", "runtime info still shows");
        });
        let text = captured.0.lock().unwrap().clone();
        String::from_utf8(text).unwrap()
    }

    #[test]
    fn lambdas_log_in_the_format_and_at_the_level_their_logging_config_names() {
        assert_eq!(lambda_format(Some("Text")), LogFormat::Text);
        assert_eq!(lambda_format(Some("JSON")), LogFormat::Json);
        assert_eq!(lambda_format(None), LogFormat::Json);
        assert_eq!(lambda_level(Some("DEBUG")), LevelFilter::DEBUG);
        assert_eq!(lambda_level(Some("warn")), LevelFilter::WARN);
        assert_eq!(lambda_level(Some("FATAL")), LevelFilter::ERROR);
        assert_eq!(lambda_level(None), LevelFilter::INFO);
    }

    #[test]
    fn rust_log_overrides_a_lambdas_level_with_targets_and_levels() {
        let filter = lambda_filter(Some("warn,shared=debug"), LevelFilter::INFO);
        assert!(filter.would_enable("shared::services", &tracing::Level::DEBUG));
        assert!(!filter.would_enable("aws_smithy_runtime", &tracing::Level::INFO));
        let unset = lambda_filter(None, LevelFilter::WARN);
        assert!(!unset.would_enable("shared", &tracing::Level::INFO));
        assert!(unset.would_enable("shared", &tracing::Level::WARN));
        let unreadable = lambda_filter(Some("shared[span{f=1}]=debug"), LevelFilter::INFO);
        assert!(unreadable.would_enable("shared", &tracing::Level::INFO));
        assert!(!unreadable.would_enable("shared", &tracing::Level::DEBUG));
    }

    #[test]
    fn raw_events_and_sdk_payloads_never_reach_the_logs_even_at_trace() {
        for format in [LogFormat::Json, LogFormat::Text] {
            let logs = logged_at_trace(format);
            for secret in ["hunter22", "token-in-a-queue-body", "x-amz-security-token"] {
                assert!(!logs.contains(secret), "{format:?}: {secret} in {logs}");
            }
            assert!(logs.contains("our own trace still shows"), "{format:?}");
            assert!(logs.contains("runtime info still shows"), "{format:?}");
        }
    }
}
