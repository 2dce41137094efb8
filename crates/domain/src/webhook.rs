//! Webhooks: which events an endpoint subscribes to, where one message is, why an endpoint is
//! disabled, and when a failed delivery is tried again.

use crate::event::Action;
use crate::states::stored_names;
use chrono::{DateTime, Duration, Utc};

stored_names!(
    /// Where one message to one endpoint is.
    WebhookMessageStatus {
        /// Waiting for its first or next attempt.
        Pending => "pending",
        /// Claimed by a worker under a lease.
        Delivering => "delivering",
        /// The receiver answered 2xx.
        Delivered => "delivered",
        /// Retried for the whole retry window without success.
        Failed => "failed",
    }
);

stored_names!(
    /// Why an endpoint receives nothing.
    DisabledReason {
        /// An admin turned it off.
        Manual => "manual",
        /// The receiver answered 410 Gone.
        Gone => "gone",
        /// Every delivery failed for [`disable_after_failing`].
        Failing => "failing",
    }
);

/// An endpoint failing without a single success for this long is disabled (and admins told).
pub fn disable_after_failing() -> Duration {
    Duration::days(3)
}

/// A message is retried for this long after it was created, then marked failed.
pub fn retry_window() -> Duration {
    Duration::days(3)
}

/// How long the previous secret still signs after a rotation.
pub fn previous_secret_lifetime() -> Duration {
    Duration::hours(24)
}

/// The longest wait between two attempts.
pub fn max_retry_delay() -> Duration {
    Duration::hours(6)
}

/// The wait before attempt `attempts + 1` after `attempts` failed ones: `base · 2^(attempts-1)`,
/// at most [`max_retry_delay`], scaled by `jitter` (a factor drawn by the caller from
/// 0.75..1.25, so endpoints recovering at once are not hit by every retry in the same second).
pub fn retry_delay(attempts: i32, base: std::time::Duration, jitter: f64) -> Duration {
    let base_ms = base.as_millis().max(1) as f64;
    let exponent = attempts.clamp(1, 40) - 1;
    let max_ms = max_retry_delay().num_milliseconds() as f64;
    let ms = (base_ms * 2f64.powi(exponent)).min(max_ms) * jitter.clamp(0.5, 1.5);
    Duration::milliseconds(ms as i64)
}

/// When the message created at `created_at`, after `attempts` failed attempts, is tried next;
/// none once the retry window is over (the message has failed).
pub fn next_attempt(
    created_at: DateTime<Utc>,
    attempts: i32,
    now: DateTime<Utc>,
    base: std::time::Duration,
    jitter: f64,
) -> Option<DateTime<Utc>> {
    let at = now + retry_delay(attempts, base, jitter);
    (at <= created_at + retry_window()).then_some(at)
}

/// The events an endpoint receives: every one (`*`) or a list of actions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subscription {
    All,
    Actions(Vec<Action>),
}

/// Why a subscription list was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SubscriptionError {
    #[error("Choose at least one event, or \"*\" for all.")]
    Empty,
    #[error("\"{0}\" is not an event of the catalogue.")]
    Unknown(String),
    #[error("\"*\" already means every event; list nothing else with it.")]
    StarWithOthers,
}

impl Subscription {
    /// Parses what an admin lists: `["*"]`, or known actions (duplicates are dropped, the
    /// order kept). `webhook.test` is not subscribed to: a test goes to the endpoint tested.
    pub fn parse<S: AsRef<str>>(names: &[S]) -> Result<Self, SubscriptionError> {
        if names.is_empty() {
            return Err(SubscriptionError::Empty);
        }
        if names.iter().any(|n| n.as_ref().trim() == "*") {
            return if names.len() == 1 {
                Ok(Self::All)
            } else {
                Err(SubscriptionError::StarWithOthers)
            };
        }
        let mut actions = Vec::new();
        for name in names {
            let name = name.as_ref().trim();
            let action = Action::from_stored(name)
                .filter(|a| *a != Action::WebhookTest)
                .ok_or_else(|| SubscriptionError::Unknown(name.chars().take(100).collect()))?;
            if !actions.contains(&action) {
                actions.push(action);
            }
        }
        Ok(Self::Actions(actions))
    }

    pub fn matches(&self, action: Action) -> bool {
        match self {
            Self::All => action != Action::WebhookTest,
            Self::Actions(actions) => actions.contains(&action),
        }
    }

    /// The names, as the API shows them.
    pub fn names(&self) -> Vec<String> {
        match self {
            Self::All => vec!["*".into()],
            Self::Actions(actions) => actions.iter().map(|a| a.as_str().to_string()).collect(),
        }
    }

    /// As stored: a JSON array of names (`["*"]` for all), which the database can search for
    /// `"action"` when it fans an import's events out.
    pub fn to_stored(&self) -> String {
        let quoted: Vec<String> = self.names().iter().map(|n| format!("\"{n}\"")).collect();
        format!("[{}]", quoted.join(","))
    }

    /// Reads what [`Subscription::to_stored`] wrote; unknown names (an action since removed)
    /// are skipped.
    pub fn from_stored(stored: &str) -> Self {
        let names: Vec<&str> = stored
            .trim_matches(|c| c == '[' || c == ']')
            .split(',')
            .map(|n| n.trim().trim_matches('"'))
            .filter(|n| !n.is_empty())
            .collect();
        if names.contains(&"*") {
            return Self::All;
        }
        Self::Actions(names.into_iter().filter_map(Action::from_stored).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_star_subscribes_to_everything_but_tests() {
        let all = Subscription::parse(&["*"]).unwrap();
        assert!(all.matches(Action::InvitationAccepted));
        assert!(!all.matches(Action::WebhookTest));
        assert_eq!(all.to_stored(), r#"["*"]"#);
        assert_eq!(Subscription::from_stored(r#"["*"]"#), all);
    }

    #[test]
    fn a_list_round_trips_and_matches_only_its_actions() {
        let some = Subscription::parse(&[
            "invitation.accepted",
            " invitation.created",
            "invitation.accepted",
        ])
        .unwrap();
        assert_eq!(some.names(), ["invitation.accepted", "invitation.created"]);
        assert!(some.matches(Action::InvitationCreated));
        assert!(!some.matches(Action::InvitationCancelled));
        assert_eq!(Subscription::from_stored(&some.to_stored()), some);
    }

    #[test]
    fn bad_lists_are_refused() {
        assert_eq!(
            Subscription::parse::<&str>(&[]),
            Err(SubscriptionError::Empty)
        );
        assert_eq!(
            Subscription::parse(&["invitation.nope"]),
            Err(SubscriptionError::Unknown("invitation.nope".into()))
        );
        assert_eq!(
            Subscription::parse(&["*", "invitation.created"]),
            Err(SubscriptionError::StarWithOthers)
        );
        assert!(Subscription::parse(&["webhook.test"]).is_err());
    }

    #[test]
    fn retries_back_off_exponentially_up_to_a_cap_and_stop_after_the_window() {
        let base = std::time::Duration::from_secs(5);
        assert_eq!(retry_delay(1, base, 1.0), Duration::seconds(5));
        assert_eq!(retry_delay(2, base, 1.0), Duration::seconds(10));
        assert_eq!(retry_delay(5, base, 1.0), Duration::seconds(80));
        assert_eq!(retry_delay(30, base, 1.0), max_retry_delay());
        assert_eq!(retry_delay(1, base, 0.8), Duration::seconds(4));
        let created = Utc::now();
        assert!(next_attempt(created, 3, created + Duration::hours(1), base, 1.0).is_some());
        assert!(next_attempt(created, 30, created + Duration::days(3), base, 1.0).is_none());
    }
}
