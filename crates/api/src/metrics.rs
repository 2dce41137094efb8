//! Prometheus metrics at `/metrics` (OpenMetrics text, through the `prometheus-client` crate):
//! request counts and latencies by route and status, the outbox's depth and oldest queued
//! email, and deliveries by outcome. Counters are per instance, as Prometheus expects; the
//! outbox figures come from the shared database at each scrape.
//!
//! Every label comes from a fixed set, so no client can add series: the method is one the API
//! serves or `other`, the route is a matched pattern or `unmatched`, the status a real one.

use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeLabelSet, EncodeMetric};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::ConstGauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Upper bounds of the latency histogram, in seconds.
const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

/// The content type of [`Metrics::render`]'s text.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: &'static str,
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: &'static str,
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutcomeLabels {
    outcome: &'static str,
}

type HistogramFamily = Family<RouteLabels, Histogram, fn() -> Histogram>;

fn latency_histogram() -> Histogram {
    Histogram::new(BUCKETS)
}

/// The outbox figures of the current scrape, read from the database by the handler.
#[derive(Debug, Default)]
struct OutboxGauges(Mutex<Option<(i64, f64)>>);

impl Collector for OutboxGauges {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        let figures = *self.0.lock().unwrap_or_else(|e| e.into_inner());
        // Without the database there is nothing true to say: the gauges are left out.
        let Some((depth, oldest_age)) = figures else {
            return Ok(());
        };
        let depth = ConstGauge::new(depth);
        depth.encode(encoder.encode_descriptor(
            "skillstream_outbox_depth",
            "Emails queued or being sent (all instances).",
            None,
            depth.metric_type(),
        )?)?;
        let age = ConstGauge::new(oldest_age);
        age.encode(encoder.encode_descriptor(
            "skillstream_outbox_oldest_queued_age_seconds",
            "Age of the oldest email still waiting.",
            None,
            age.metric_type(),
        )?)?;
        Ok(())
    }
}

pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latencies: HistogramFamily,
    emails: Family<OutcomeLabels, Counter>,
    webhooks: Family<OutcomeLabels, Counter>,
    webhook_latency: Histogram,
    outbox: Arc<OutboxGauges>,
    /// One scrape at a time: the outbox figures are set, then encoded.
    scrape: Mutex<()>,
}

/// How a delivery attempt ended, for the counters.
#[derive(Debug, Clone, Copy)]
pub enum DeliveryOutcome {
    Sent,
    Retried,
    Failed,
    Superseded,
}

impl DeliveryOutcome {
    const ALL: [Self; 4] = [Self::Sent, Self::Retried, Self::Failed, Self::Superseded];

    fn label(self) -> &'static str {
        match self {
            Self::Sent => "sent",
            Self::Retried => "retried",
            Self::Failed => "failed",
            Self::Superseded => "superseded",
        }
    }
}

/// How a webhook delivery attempt ended, for the counters.
#[derive(Debug, Clone, Copy)]
pub enum WebhookOutcome {
    Delivered,
    Rejected,
    NoAnswer,
}

impl WebhookOutcome {
    const ALL: [Self; 3] = [Self::Delivered, Self::Rejected, Self::NoAnswer];

    fn label(self) -> &'static str {
        match self {
            Self::Delivered => "delivered",
            Self::Rejected => "rejected",
            Self::NoAnswer => "no_answer",
        }
    }
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

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::default();
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "skillstream_http_requests",
            "HTTP requests by route and status.",
            requests.clone(),
        );
        let latencies = HistogramFamily::new_with_constructor(latency_histogram);
        registry.register(
            "skillstream_http_request_duration_seconds",
            "HTTP request latency by route.",
            latencies.clone(),
        );
        let emails = Family::<OutcomeLabels, Counter>::default();
        registry.register(
            "skillstream_emails",
            "Delivery attempts of this instance by outcome.",
            emails.clone(),
        );
        // Every outcome shows from the start, at 0.
        for outcome in DeliveryOutcome::ALL {
            let _ = emails.get_or_create(&OutcomeLabels {
                outcome: outcome.label(),
            });
        }
        let webhooks = Family::<OutcomeLabels, Counter>::default();
        registry.register(
            "skillstream_webhook_deliveries",
            "Webhook delivery attempts of this instance by outcome: delivered (2xx), rejected (another status), no_answer (timeout, refused, blocked).",
            webhooks.clone(),
        );
        for outcome in WebhookOutcome::ALL {
            let _ = webhooks.get_or_create(&OutcomeLabels {
                outcome: outcome.label(),
            });
        }
        let webhook_latency = latency_histogram();
        registry.register(
            "skillstream_webhook_delivery_duration_seconds",
            "How long receivers took to answer (all endpoints: no per-endpoint label).",
            webhook_latency.clone(),
        );
        let outbox = Arc::new(OutboxGauges::default());
        registry.register_collector(Box::new(outbox.clone()));
        Self {
            registry,
            requests,
            latencies,
            emails,
            webhooks,
            webhook_latency,
            outbox,
            scrape: Mutex::new(()),
        }
    }
}

impl Metrics {
    /// Records a request. `route` is the matched pattern (`/api/v1/invitations/{id}`), never
    /// the raw path.
    pub fn observe_request(&self, method: &str, route: &str, status: u16, elapsed: Duration) {
        let method = known_method(method);
        let status = if (100..600).contains(&status) {
            status
        } else {
            0
        };
        self.requests
            .get_or_create(&RequestLabels {
                method,
                route: route.to_string(),
                status,
            })
            .inc();
        self.latencies
            .get_or_create(&RouteLabels {
                method,
                route: route.to_string(),
            })
            .observe(elapsed.as_secs_f64());
    }

    pub fn observe_delivery(&self, outcome: DeliveryOutcome) {
        self.emails
            .get_or_create(&OutcomeLabels {
                outcome: outcome.label(),
            })
            .inc();
    }

    pub fn observe_webhook(&self, outcome: WebhookOutcome, elapsed: Duration) {
        self.webhooks
            .get_or_create(&OutcomeLabels {
                outcome: outcome.label(),
            })
            .inc();
        self.webhook_latency.observe(elapsed.as_secs_f64());
    }

    /// The exposition text, with the outbox gauges read from the database by the caller
    /// (`None` when the database could not be read).
    pub fn render(&self, outbox_depth: Option<i64>, oldest_queued_age: Option<f64>) -> String {
        let _one_scrape = self.scrape.lock().unwrap_or_else(|e| e.into_inner());
        *self.outbox.0.lock().unwrap_or_else(|e| e.into_inner()) =
            outbox_depth.map(|depth| (depth, oldest_queued_age.unwrap_or(0.0)));
        let mut out = String::with_capacity(8192);
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.registry);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_stay_within_fixed_sets() {
        let metrics = Metrics::default();
        for i in 0..50 {
            metrics.observe_request(&format!("PROBE{i}"), "unmatched", 404, Duration::ZERO);
        }
        metrics.observe_request("GET", "/api/v1/invitations", 200, Duration::from_millis(3));
        let text = metrics.render(Some(2), Some(1.5));
        assert!(text.contains(
            r#"skillstream_http_requests_total{method="other",route="unmatched",status="404"} 50"#
        ));
        assert!(!text.contains("PROBE"));
        assert!(text.contains(r#"skillstream_emails_total{outcome="failed"} 0"#));
        assert!(text.contains("skillstream_outbox_depth 2"));
        metrics.observe_webhook(WebhookOutcome::Delivered, Duration::from_millis(4));
        let text = metrics.render(Some(2), Some(1.5));
        assert!(text.contains(r#"skillstream_webhook_deliveries_total{outcome="delivered"} 1"#));
        assert!(text.contains(r#"skillstream_webhook_deliveries_total{outcome="no_answer"} 0"#));
        assert!(text.trim_end().ends_with("# EOF"));
        let without_database = metrics.render(None, None);
        assert!(!without_database.contains("skillstream_outbox_depth"));
    }
}
