//! Metrics for operators as CloudWatch Embedded Metric Format: JSON log lines
//! that CloudWatch turns into metrics in the `ThinkTank` namespace, with the
//! function's name as a dimension (README, "Metrics"). The code counts with
//! the `metrics` macros; a deployed function flushes after each invocation.
//! Locally nothing is installed and the counts go nowhere.

use metrics_cloudwatch_embedded::Collector;

pub const NAMESPACE: &str = "ThinkTank";

/// Installs the process-wide collector for `function` and counts its cold start.
pub fn init(function: &str) -> Option<&'static Collector> {
    let collector = metrics_cloudwatch_embedded::Builder::new()
        .cloudwatch_namespace(NAMESPACE)
        .with_dimension("function", function.to_string())
        .init()
        .inspect_err(|e| tracing::warn!(error = %e, "metrics are off"))
        .ok()?;
    metrics::counter!("cold_starts").increment(1);
    Some(collector)
}

/// Writes what was counted since the last flush (nothing if nothing was).
pub fn flush(collector: Option<&'static Collector>) {
    if let Some(collector) = collector {
        if let Err(e) = collector.flush(std::io::stdout()) {
            tracing::warn!(error = %e, "writing the metrics failed");
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;

    /// Every metric value and dimension of the flushed EMF documents.
    fn flushed(collector: &Collector) -> Vec<Value> {
        let mut out = Vec::new();
        collector.flush(&mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        text.lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    #[test]
    fn counts_are_flushed_as_embedded_metric_documents_for_the_function() {
        let collector = init("login").expect("the only collector of this process");
        metrics::counter!("security_events", "event" => "login_failure").increment(2);
        let documents = flushed(collector);
        let aws = |d: &Value| d["_aws"]["CloudWatchMetrics"][0].clone();
        assert!(documents.iter().all(|d| aws(d)["Namespace"] == NAMESPACE));
        assert!(documents.iter().all(|d| d["function"] == "login"));
        let cold = documents.iter().find(|d| d["cold_starts"] == 1);
        assert!(cold.is_some(), "{documents:?}");
        let failures = documents
            .iter()
            .find(|d| d["event"] == "login_failure")
            .expect("the event is a dimension");
        assert_eq!(failures["security_events"], 2);
        assert!(flushed(collector).is_empty(), "a flush empties the counts");
    }
}
