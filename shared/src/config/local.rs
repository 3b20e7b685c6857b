//! What only a local run reads: the local gateway's addresses, where the
//! embedded adapters keep files, and which backend to use. A deployed
//! function never parses these.

use std::collections::HashMap;
use std::net::SocketAddr;

use super::{invalid, ConfigError, Reader};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// Embedded adapters in this process.
    Memory,
    /// The AWS SDK clients (`AWS_ENDPOINT_URL_*` for emulators).
    Aws,
}

#[derive(Clone, Debug)]
pub struct LocalConfig {
    pub backend: Backend,
    /// `LOCAL_HTTP_ADDR`: the HTTP API (port 0 picks a free one).
    pub http_addr: SocketAddr,
    /// `LOCAL_WS_ADDR`: the WebSocket API and its `@connections` management API.
    pub ws_addr: SocketAddr,
    /// `LOCAL_OUTBOX_DIR`: delivered emails as `.eml` files.
    pub outbox_dir: String,
    /// `LOCAL_BLOB_DIR`: uploaded objects of the memory backend.
    pub blob_dir: String,
}

impl LocalConfig {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_map(&std::env::vars().collect())
    }

    pub fn from_map(vars: &HashMap<String, String>) -> Result<Self, ConfigError> {
        let r = Reader { vars };
        Ok(Self {
            backend: r.backend()?,
            http_addr: r.addr("LOCAL_HTTP_ADDR", "127.0.0.1:3000")?,
            ws_addr: r.addr("LOCAL_WS_ADDR", "127.0.0.1:3001")?,
            outbox_dir: r.outbox_dir(),
            blob_dir: r.string("LOCAL_BLOB_DIR", ".local/blobs"),
        })
    }

    /// Where the local blob endpoint serves uploads and downloads.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.http_addr)
    }
}

impl Reader<'_> {
    fn backend(&self) -> Result<Backend, ConfigError> {
        match self.get("BACKEND").unwrap_or("memory") {
            "memory" => Ok(Backend::Memory),
            "aws" => Ok(Backend::Aws),
            other => Err(invalid(
                "BACKEND",
                format!("expected memory or aws, got {other:?}"),
            )),
        }
    }

    fn addr(&self, var: &'static str, default: &str) -> Result<SocketAddr, ConfigError> {
        let raw = self.get(var).unwrap_or(default);
        raw.parse()
            .map_err(|_| invalid(var, format!("expected host:port, got {raw:?}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_value_names_its_variable() {
        for (var, value) in [("LOCAL_WS_ADDR", "nope"), ("BACKEND", "postgres")] {
            let vars = [(var.to_string(), value.to_string())].into();
            let err = LocalConfig::from_map(&vars).unwrap_err();
            assert_eq!(err.var, var);
        }
    }

    #[test]
    fn defaults_serve_the_memory_backend_on_3000_and_3001() {
        let local = LocalConfig::from_map(&HashMap::new()).unwrap();
        assert_eq!(local.backend, Backend::Memory);
        assert_eq!(local.base_url(), "http://127.0.0.1:3000");
        assert_eq!(local.ws_addr.port(), 3001);
    }
}
