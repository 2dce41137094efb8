//! Totals of the invitations list, kept for a moment. Counting 100,000 invitations costs tens
//! of milliseconds on every page request; the page itself costs well under one. A total may be
//! up to `TTL` old on another instance; this instance forgets an organization's totals as soon
//! as it changes one of its invitations.

use skillstream_domain::InvitationStatus;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub const TTL: Duration = Duration::from_secs(2);

/// The filters a total depends on: organization, status, and the search's LIKE pattern.
pub type Key = (i64, Option<InvitationStatus>, Option<String>);

#[derive(Debug, Default)]
pub struct CountCache {
    /// Total, when it was counted, and whether a request is counting it again.
    entries: Mutex<HashMap<Key, (i64, Instant, bool)>>,
}

/// What a request should do about a total.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup {
    /// Use it.
    Fresh(i64),
    /// Use it, and count again: this request is the one that refreshes it.
    Refresh(i64),
    /// Nothing known: count.
    Missing,
}

impl CountCache {
    /// A total younger than `TTL` is fresh. An older one is still served while exactly one
    /// request counts again, so an expiry never sends every concurrent request to count at once.
    pub fn get(&self, key: &Key) -> Lookup {
        // A poisoned lock only means a panic elsewhere mid-update; the entries stay usable.
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        match entries.get_mut(key) {
            None => Lookup::Missing,
            Some((total, at, _)) if at.elapsed() < TTL => Lookup::Fresh(*total),
            // A refresh that never came back (its request failed) is retried after a while.
            Some((total, at, refreshing)) if *refreshing && at.elapsed() < TTL * 3 => {
                Lookup::Fresh(*total)
            }
            Some((total, _, refreshing)) => {
                *refreshing = true;
                Lookup::Refresh(*total)
            }
        }
    }

    pub fn put(&self, key: Key, total: i64) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() > 10_000 {
            entries.retain(|_, (_, at, _)| at.elapsed() < TTL);
        }
        entries.insert(key, (total, Instant::now(), false));
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
        cache.put((1, Some(InvitationStatus::Pending), None), 10);
        cache.put((2, None, None), 3);
        assert_eq!(
            cache.get(&(1, Some(InvitationStatus::Pending), None)),
            Lookup::Fresh(10)
        );
        cache.forget(1);
        assert_eq!(
            cache.get(&(1, Some(InvitationStatus::Pending), None)),
            Lookup::Missing
        );
        assert_eq!(cache.get(&(2, None, None)), Lookup::Fresh(3));
    }

    #[test]
    fn an_old_total_is_refreshed_by_one_request_while_the_others_use_it() {
        let cache = CountCache::default();
        let key = (1, None, None);
        cache.put(key.clone(), 10);
        cache.entries.lock().unwrap().get_mut(&key).unwrap().1 -= TTL;
        assert_eq!(cache.get(&key), Lookup::Refresh(10));
        assert_eq!(cache.get(&key), Lookup::Fresh(10));
        cache.put(key.clone(), 11);
        assert_eq!(cache.get(&key), Lookup::Fresh(11));
    }
}
