//! Prometheus metrics at `/metrics`: request counts and latencies by route and status, the
//! outbox's depth and oldest queued email, and deliveries by outcome. Counters are per
//! instance, as Prometheus expects; the outbox figures come from the shared database.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

/// Upper bounds of the latency histogram, in seconds.
const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    sum: f64,
    count: u64,
}

/// The request method as a label: one of the methods the API serves, else `other`.
pub fn known_method(method: &str) -> &'static str {
    match method {
        "GET" => "GET",
        "HEAD" => "HEAD",
        "POST" => "POST",
        "PUT" => "PUT",
        "PATCH" => "PATCH",
        "DELETE" => "DELETE",
        "OPTIONS" => "OPTIONS",
        _ => "other",
    }
}

#[derive(Default)]
pub struct Metrics {
    /// (method, route pattern, status) → count.
    requests: Mutex<BTreeMap<(String, String, u16), u64>>,
    /// (method, route pattern) → latency histogram.
    latencies: Mutex<BTreeMap<(String, String), Histogram>>,
    emails_sent: AtomicU64,
    emails_retried: AtomicU64,
    emails_failed: AtomicU64,
    emails_superseded: AtomicU64,
}

/// How a delivery attempt ended, for the counters.
#[derive(Debug, Clone, Copy)]
pub enum DeliveryOutcome {
    Sent,
    Retried,
    Failed,
    Superseded,
}

impl Metrics {
    /// Records a request. `route` is the matched pattern (`/api/v1/invitations/{id}`), never
    /// the raw path, so the number of series stays bounded.
    pub fn observe_request(&self, method: &str, route: &str, status: u16, elapsed: Duration) {
        // Labels come from fixed sets: a made-up method is `other`, and a status outside
        // 100–599 is `0`, so no client can add series.
        let method = known_method(method);
        let status = if (100..600).contains(&status) {
            status
        } else {
            0
        };
        // A poisoned lock only means a panic elsewhere mid-update; the counts stay usable.
        let mut requests = self.requests.lock().unwrap_or_else(|e| e.into_inner());
        *requests
            .entry((method.to_string(), route.to_string(), status))
            .or_default() += 1;
        drop(requests);
        let seconds = elapsed.as_secs_f64();
        let mut latencies = self.latencies.lock().unwrap_or_else(|e| e.into_inner());
        let histogram = latencies
            .entry((method.to_string(), route.to_string()))
            .or_default();
        for (i, bound) in BUCKETS.iter().enumerate() {
            if seconds <= *bound {
                histogram.counts[i] += 1;
            }
        }
        histogram.sum += seconds;
        histogram.count += 1;
    }

    /// Series currently held (for tests of label bounds).
    pub fn series(&self) -> usize {
        self.requests
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .len()
    }

    pub fn observe_delivery(&self, outcome: DeliveryOutcome) {
        let counter = match outcome {
            DeliveryOutcome::Sent => &self.emails_sent,
            DeliveryOutcome::Retried => &self.emails_retried,
            DeliveryOutcome::Failed => &self.emails_failed,
            DeliveryOutcome::Superseded => &self.emails_superseded,
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// The exposition text, with the outbox gauges read from the database by the caller.
    pub fn render(&self, outbox_depth: Option<i64>, oldest_queued_age: Option<f64>) -> String {
        let mut out = String::with_capacity(4096);
        let _ = writeln!(
            out,
            "# HELP skillstream_http_requests_total HTTP requests by route and status."
        );
        let _ = writeln!(out, "# TYPE skillstream_http_requests_total counter");
        for ((method, route, status), count) in self
            .requests
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
        {
            let _ = writeln!(
                out,
                "skillstream_http_requests_total{{method=\"{method}\",route=\"{}\",status=\"{status}\"}} {count}",
                escape(route)
            );
        }
        let _ = writeln!(
            out,
            "# HELP skillstream_http_request_duration_seconds HTTP request latency by route."
        );
        let _ = writeln!(
            out,
            "# TYPE skillstream_http_request_duration_seconds histogram"
        );
        for ((method, route), h) in self
            .latencies
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
        {
            let labels = format!("method=\"{method}\",route=\"{}\"", escape(route));
            for (bound, count) in BUCKETS.iter().zip(h.counts) {
                let _ = writeln!(out, "skillstream_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {count}");
            }
            let _ = writeln!(
                out,
                "skillstream_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                h.count
            );
            let _ = writeln!(
                out,
                "skillstream_http_request_duration_seconds_sum{{{labels}}} {}",
                h.sum
            );
            let _ = writeln!(
                out,
                "skillstream_http_request_duration_seconds_count{{{labels}}} {}",
                h.count
            );
        }
        let _ = writeln!(
            out,
            "# HELP skillstream_emails_total Delivery attempts of this instance by outcome."
        );
        let _ = writeln!(out, "# TYPE skillstream_emails_total counter");
        for (outcome, counter) in [
            ("sent", &self.emails_sent),
            ("retried", &self.emails_retried),
            ("failed", &self.emails_failed),
            ("superseded", &self.emails_superseded),
        ] {
            let _ = writeln!(
                out,
                "skillstream_emails_total{{outcome=\"{outcome}\"}} {}",
                counter.load(Ordering::Relaxed)
            );
        }
        if let Some(depth) = outbox_depth {
            let _ = writeln!(
                out,
                "# HELP skillstream_outbox_depth Emails queued or being sent (all instances)."
            );
            let _ = writeln!(out, "# TYPE skillstream_outbox_depth gauge");
            let _ = writeln!(out, "skillstream_outbox_depth {depth}");
            let _ = writeln!(out, "# HELP skillstream_outbox_oldest_queued_age_seconds Age of the oldest email still waiting.");
            let _ = writeln!(
                out,
                "# TYPE skillstream_outbox_oldest_queued_age_seconds gauge"
            );
            let _ = writeln!(
                out,
                "skillstream_outbox_oldest_queued_age_seconds {}",
                oldest_queued_age.unwrap_or(0.0)
            );
        }
        out
    }
}

fn escape(label: &str) -> String {
    label.replace('\\', "\\\\").replace('"', "\\\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_counted_by_route_and_status_with_a_histogram() {
        let metrics = Metrics::default();
        metrics.observe_request("GET", "/api/v1/invitations", 200, Duration::from_millis(3));
        metrics.observe_request("GET", "/api/v1/invitations", 200, Duration::from_millis(30));
        metrics.observe_delivery(DeliveryOutcome::Sent);
        let text = metrics.render(Some(4), Some(12.5));
        assert!(text.contains("skillstream_http_requests_total{method=\"GET\",route=\"/api/v1/invitations\",status=\"200\"} 2"));
        assert!(text.contains("le=\"0.005\"} 1"));
        assert!(text.contains("le=\"0.05\"} 2"));
        assert!(text.contains("skillstream_emails_total{outcome=\"sent\"} 1"));
        assert!(text.contains("skillstream_outbox_depth 4"));
        assert!(text.contains("skillstream_outbox_oldest_queued_age_seconds 12.5"));
    }
}
