//! Totals of the invitations list, kept for a moment. Counting 100,000 invitations costs tens
//! of milliseconds on every page request; the page itself costs well under one. A total may be
//! up to `TTL` old on another instance; this instance forgets an organization's totals as soon
//! as it changes one of its invitations.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub const TTL: Duration = Duration::from_secs(2);

/// The filters a total depends on.
pub type Key = (i64, Option<&'static str>, Option<String>);

#[derive(Debug, Default)]
pub struct CountCache {
    entries: Mutex<HashMap<Key, (i64, Instant)>>,
}

impl CountCache {
    pub fn get(&self, key: &Key) -> Option<i64> {
        // A poisoned lock only means a panic elsewhere mid-update; the entries stay usable.
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries
            .get(key)
            .filter(|(_, at)| at.elapsed() < TTL)
            .map(|(total, _)| *total)
    }

    pub fn put(&self, key: Key, total: i64) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() > 10_000 {
            entries.retain(|_, (_, at)| at.elapsed() < TTL);
        }
        entries.insert(key, (total, Instant::now()));
    }

    /// Forgets the organization's totals after one of its invitations changed.
    pub fn forget(&self, organization_id: i64) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.retain(|(org, _, _), _| *org != organization_id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_total_is_kept_until_its_organization_changes() {
        let cache = CountCache::default();
        cache.put((1, Some("pending"), None), 10);
        cache.put((2, None, None), 3);
        assert_eq!(cache.get(&(1, Some("pending"), None)), Some(10));
        cache.forget(1);
        assert_eq!(cache.get(&(1, Some("pending"), None)), None);
        assert_eq!(cache.get(&(2, None, None)), Some(3));
    }
}
