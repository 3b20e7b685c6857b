//! A real round trip to each dependency, timed.

use std::collections::BTreeMap;
use std::time::Instant;

use serde::Serialize;

use crate::app::{Blobs, Core, Mail};
use crate::ports::Probe;

#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Check {
    pub status: &'static str,
    pub latency_ms: f64,
}

#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Health {
    pub status: &'static str,
    pub version: &'static str,
    pub checks: BTreeMap<&'static str, Check>,
}

impl Health {
    pub fn is_ok(&self) -> bool {
        self.status == "ok"
    }
}

async fn check(probe: &dyn Probe) -> Check {
    let started = Instant::now();
    let result = probe.ping().await;
    let latency_ms = (started.elapsed().as_secs_f64() * 1000.0 * 100.0).round() / 100.0;
    if let Err(e) = &result {
        tracing::warn!(error.cause_chain = ?e, "health check failed");
    }
    Check {
        status: if result.is_ok() { "ok" } else { "down" },
        latency_ms,
    }
}

/// The health check: the table, the queue and the bucket.
#[derive(Clone, Copy)]
pub struct HealthCheck<'a> {
    core: &'a Core,
    mail: Mail<'a>,
    blobs: Blobs<'a>,
}

crate::service!(HealthCheck<'a> { mail: Mail<'a>, blobs: Blobs<'a> });

impl HealthCheck<'_> {
    pub async fn health(&self) -> Health {
        let (table, queue, bucket) = tokio::join!(
            check(self.core.store.as_ref()),
            check(self.mail.probe()),
            check(self.blobs.0),
        );
        let checks = BTreeMap::from([("table", table), ("queue", queue), ("bucket", bucket)]);
        let ok = checks.values().all(|c| c.status == "ok");
        Health {
            status: if ok { "ok" } else { "degraded" },
            version: self.core.settings.version,
            checks,
        }
    }
}
