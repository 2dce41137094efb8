//! A real webhook receiver for the tests: `tests/webhooks/receiver.mjs`, which verifies every
//! delivery with the Standard Webhooks reference library (npm `standardwebhooks`). Started once
//! per test binary on a free port; each test opens inboxes of its own.

use serde_json::{json, Value};
use std::process::Child;
use std::sync::OnceLock;

pub struct Receiver {
    pub address: String,
    _process: std::sync::Mutex<Child>,
}

static RECEIVER: OnceLock<Receiver> = OnceLock::new();

/// The shared receiver, started on first use.
pub fn receiver() -> &'static Receiver {
    RECEIVER.get_or_init(|| {
        let (child, address) =
            crate::node_service::start("webhooks", "receiver.mjs", "standardwebhooks");
        Receiver {
            address,
            _process: std::sync::Mutex::new(child),
        }
    })
}

/// One endpoint's inbox at the receiver.
#[derive(Debug, Clone)]
pub struct Inbox {
    pub id: String,
    /// The URL to register as the webhook endpoint.
    pub url: String,
    control: String,
}

impl Receiver {
    /// A new inbox; `behaviour` may set `secrets`, `status`, `sleep_ms`, `fail_first`.
    pub async fn inbox(&self, behaviour: Value) -> Inbox {
        let reply: Value = reqwest::Client::new()
            .post(format!("{}/inboxes", self.address))
            .json(&behaviour)
            .send()
            .await
            .expect("the receiver answers")
            .json()
            .await
            .expect("JSON");
        let id = reply["id"].as_str().expect("an inbox id").to_string();
        Inbox {
            url: reply["url"].as_str().expect("a hook URL").to_string(),
            control: format!("{}/inboxes/{id}", self.address),
            id,
        }
    }
}

impl Inbox {
    /// Changes how it answers (`secrets`, `status`, `sleep_ms`, `fail_first`).
    pub async fn set(&self, behaviour: Value) {
        reqwest::Client::new()
            .patch(&self.control)
            .json(&behaviour)
            .send()
            .await
            .expect("the receiver answers");
    }

    /// Uses these secrets to verify deliveries.
    pub async fn trust(&self, secrets: &[&str]) {
        self.set(json!({ "secrets": secrets })).await;
    }

    /// Every delivery received, in order: `webhook_id`, `type`, `data`, `verified`,
    /// `verified_with` (indexes of the secrets that verified it), `answered`, `received_ms`.
    pub async fn deliveries(&self) -> Vec<Value> {
        let reply: Value = reqwest::Client::new()
            .get(&self.control)
            .send()
            .await
            .expect("the receiver answers")
            .json()
            .await
            .expect("JSON");
        reply["deliveries"].as_array().cloned().unwrap_or_default()
    }

    /// Waits until `check` holds for the deliveries (polling, at most `within`).
    pub async fn wait_for(
        &self,
        within: std::time::Duration,
        check: impl Fn(&[Value]) -> bool,
    ) -> Vec<Value> {
        let until = std::time::Instant::now() + within;
        loop {
            let deliveries = self.deliveries().await;
            if check(&deliveries) {
                return deliveries;
            }
            assert!(
                std::time::Instant::now() < until,
                "the receiver's deliveries never met the condition: {deliveries:#?}"
            );
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }
}
