//! The invitation's life: `scheduled` → `pending` → `accepted` | `cancelled`, with `expired`
//! derived from `expires_at` and the instant the caller passes in. A scheduled invitation is
//! stored as pending with a `send_at` (so one address has at most one of either).

use chrono::{DateTime, Duration, Utc};
use std::fmt;

/// Days an invitation stays usable after it was (re)sent; an organization setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvitationTtl(u16);

impl InvitationTtl {
    pub const DEFAULT_DAYS: u16 = 7;
    pub const MAX_DAYS: u16 = 365;

    /// Between 1 and 365 days.
    pub fn from_days(days: i64) -> Option<Self> {
        u16::try_from(days)
            .ok()
            .filter(|d| (1..=Self::MAX_DAYS).contains(d))
            .map(Self)
    }

    pub fn days(self) -> u16 {
        self.0
    }

    pub fn expiry_from(self, sent_at: DateTime<Utc>) -> DateTime<Utc> {
        sent_at + Duration::days(i64::from(self.0))
    }
}

impl Default for InvitationTtl {
    fn default() -> Self {
        Self(Self::DEFAULT_DAYS)
    }
}

/// What the database holds. `Expired` is only stored when a newer invitation to the same
/// address supersedes a lapsed pending one (the unique pending index needs the old row out of
/// the way); otherwise expiry is read from `expires_at`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "diesel", derive(diesel::AsExpression, diesel::FromSqlRow))]
#[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
pub enum StoredStatus {
    Pending,
    Accepted,
    Cancelled,
    Expired,
}

impl StoredStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            StoredStatus::Pending => "pending",
            StoredStatus::Accepted => "accepted",
            StoredStatus::Cancelled => "cancelled",
            StoredStatus::Expired => "expired",
        }
    }

    pub fn from_stored(s: &str) -> Option<Self> {
        match s {
            "pending" => Some(StoredStatus::Pending),
            "accepted" => Some(StoredStatus::Accepted),
            "cancelled" => Some(StoredStatus::Cancelled),
            "expired" => Some(StoredStatus::Expired),
            _ => None,
        }
    }
}

crate::sql::text_enum!(StoredStatus);

/// What people see.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum InvitationStatus {
    Scheduled,
    Pending,
    Expired,
    Accepted,
    Cancelled,
}

impl InvitationStatus {
    pub const ALL: [InvitationStatus; 5] = [
        InvitationStatus::Scheduled,
        InvitationStatus::Pending,
        InvitationStatus::Expired,
        InvitationStatus::Accepted,
        InvitationStatus::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            InvitationStatus::Scheduled => "scheduled",
            InvitationStatus::Pending => "pending",
            InvitationStatus::Expired => "expired",
            InvitationStatus::Accepted => "accepted",
            InvitationStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|status| status.as_str() == s.trim())
    }
}

impl fmt::Display for InvitationStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum InvitationError {
    #[error("This invitation has already been accepted, so it cannot be {0}.")]
    AlreadyAccepted(&'static str),
    #[error("This invitation has been cancelled, so it cannot be {0}.")]
    AlreadyCancelled(&'static str),
    #[error("This invitation has expired. Ask an administrator to resend it.")]
    Expired,
    #[error("This invitation was replaced by a newer one.")]
    Superseded,
    #[error("This invitation has not been sent yet, so it cannot be {0}. Send it now first.")]
    Scheduled(&'static str),
    #[error("This invitation has already been sent, so its send time cannot be changed.")]
    AlreadySent,
}

impl InvitationError {
    pub fn code(&self) -> &'static str {
        match self {
            InvitationError::AlreadyAccepted(_) => "invitation_already_accepted",
            InvitationError::AlreadyCancelled(_) => "invitation_cancelled",
            InvitationError::Expired => "invitation_expired",
            InvitationError::Superseded => "invitation_superseded",
            InvitationError::Scheduled(_) => "invitation_scheduled",
            InvitationError::AlreadySent => "invitation_already_sent",
        }
    }
}

/// The part of an invitation the rules look at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Invitation {
    pub stored: StoredStatus,
    pub expires_at: DateTime<Utc>,
    /// Waiting for its scheduled send (stored as pending with a `send_at`).
    pub scheduled: bool,
}

/// What a resend changes: a fresh expiry, computed from the instant of the resend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Resent {
    pub expires_at: DateTime<Utc>,
}

impl Invitation {
    /// The status people see at `now`: a pending invitation past `expires_at` reads as expired.
    pub fn status(&self, now: DateTime<Utc>) -> InvitationStatus {
        match self.stored {
            StoredStatus::Pending if self.scheduled => InvitationStatus::Scheduled,
            StoredStatus::Pending if now >= self.expires_at => InvitationStatus::Expired,
            StoredStatus::Pending => InvitationStatus::Pending,
            StoredStatus::Expired => InvitationStatus::Expired,
            StoredStatus::Accepted => InvitationStatus::Accepted,
            StoredStatus::Cancelled => InvitationStatus::Cancelled,
        }
    }

    /// Resend is allowed for pending and expired invitations; the new expiry runs from `now`.
    pub fn resend(
        &self,
        now: DateTime<Utc>,
        ttl: InvitationTtl,
    ) -> Result<Resent, InvitationError> {
        match self.stored {
            StoredStatus::Accepted => Err(InvitationError::AlreadyAccepted("resent")),
            StoredStatus::Cancelled => Err(InvitationError::AlreadyCancelled("resent")),
            StoredStatus::Pending if self.scheduled => Err(InvitationError::Scheduled("resent")),
            StoredStatus::Pending | StoredStatus::Expired => Ok(Resent {
                expires_at: ttl.expiry_from(now),
            }),
        }
    }

    /// Cancel is allowed for pending and expired invitations.
    pub fn cancel(&self, _now: DateTime<Utc>) -> Result<(), InvitationError> {
        match self.stored {
            StoredStatus::Accepted => Err(InvitationError::AlreadyAccepted("cancelled")),
            StoredStatus::Cancelled => Err(InvitationError::AlreadyCancelled("cancelled")),
            StoredStatus::Pending | StoredStatus::Expired => Ok(()),
        }
    }

    /// A scheduled invitation's send time can change, or it can be sent at once, until it is
    /// sent.
    pub fn reschedule(&self) -> Result<(), InvitationError> {
        match self.stored {
            StoredStatus::Pending if self.scheduled => Ok(()),
            StoredStatus::Accepted => Err(InvitationError::AlreadyAccepted("rescheduled")),
            StoredStatus::Cancelled => Err(InvitationError::AlreadyCancelled("rescheduled")),
            StoredStatus::Pending | StoredStatus::Expired => Err(InvitationError::AlreadySent),
        }
    }

    /// The link of a sent, pending invitation can be handed out (copy link).
    pub fn share_link(&self, now: DateTime<Utc>) -> Result<(), InvitationError> {
        match self.status(now) {
            InvitationStatus::Pending => Ok(()),
            InvitationStatus::Scheduled => Err(InvitationError::Scheduled("shared")),
            InvitationStatus::Expired => Err(InvitationError::Expired),
            InvitationStatus::Accepted => Err(InvitationError::AlreadyAccepted("shared")),
            InvitationStatus::Cancelled => Err(InvitationError::AlreadyCancelled("shared")),
        }
    }

    /// Acceptance needs a pending invitation that has not expired at `now`.
    pub fn accept(&self, now: DateTime<Utc>) -> Result<(), InvitationError> {
        match self.status(now) {
            InvitationStatus::Pending => Ok(()),
            InvitationStatus::Scheduled => Err(InvitationError::Scheduled("accepted")),
            InvitationStatus::Expired => Err(InvitationError::Expired),
            InvitationStatus::Accepted => Err(InvitationError::AlreadyAccepted("accepted again")),
            InvitationStatus::Cancelled => Err(InvitationError::AlreadyCancelled("accepted")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, day, 12, 0, 0).unwrap()
    }

    fn pending_until(day: u32) -> Invitation {
        Invitation {
            stored: StoredStatus::Pending,
            expires_at: at(day),
            scheduled: false,
        }
    }

    #[test]
    fn the_default_expiry_is_seven_days() {
        assert_eq!(InvitationTtl::default().expiry_from(at(1)), at(8));
    }

    #[test]
    fn ttl_must_be_between_one_and_365_days() {
        assert!(InvitationTtl::from_days(0).is_none());
        assert!(InvitationTtl::from_days(366).is_none());
        assert_eq!(
            InvitationTtl::from_days(30).map(InvitationTtl::days),
            Some(30)
        );
    }

    #[test]
    fn a_pending_invitation_reads_as_expired_once_its_expiry_passes() {
        let invitation = pending_until(8);
        assert_eq!(invitation.status(at(7)), InvitationStatus::Pending);
        assert_eq!(invitation.status(at(8)), InvitationStatus::Expired);
        assert_eq!(invitation.status(at(20)), InvitationStatus::Expired);
    }

    #[test]
    fn resend_of_an_expired_invitation_sets_a_fresh_expiry() {
        let resent = pending_until(8)
            .resend(at(20), InvitationTtl::default())
            .unwrap();
        assert_eq!(resent.expires_at, at(27));
    }

    #[test]
    fn resend_of_an_accepted_invitation_is_refused() {
        let accepted = Invitation {
            stored: StoredStatus::Accepted,
            expires_at: at(8),
            scheduled: false,
        };
        assert_eq!(
            accepted.resend(at(2), InvitationTtl::default()),
            Err(InvitationError::AlreadyAccepted("resent"))
        );
        assert!(accepted.cancel(at(2)).is_err());
    }

    #[test]
    fn cancelled_invitations_can_be_neither_resent_nor_cancelled_again() {
        let cancelled = Invitation {
            stored: StoredStatus::Cancelled,
            expires_at: at(8),
            scheduled: false,
        };
        assert!(cancelled.resend(at(2), InvitationTtl::default()).is_err());
        assert_eq!(
            cancelled.cancel(at(2)),
            Err(InvitationError::AlreadyCancelled("cancelled"))
        );
    }

    #[test]
    fn expired_invitations_can_be_cancelled() {
        assert_eq!(pending_until(8).cancel(at(10)), Ok(()));
    }

    #[test]
    fn only_an_unexpired_pending_invitation_can_be_accepted() {
        assert_eq!(pending_until(8).accept(at(7)), Ok(()));
        assert_eq!(
            pending_until(8).accept(at(9)),
            Err(InvitationError::Expired)
        );
    }

    #[test]
    fn a_scheduled_invitation_is_neither_resent_shared_nor_accepted_until_sent() {
        let scheduled = Invitation {
            scheduled: true,
            ..pending_until(20)
        };
        assert_eq!(scheduled.status(at(2)), InvitationStatus::Scheduled);
        assert_eq!(scheduled.status(at(25)), InvitationStatus::Scheduled);
        assert!(scheduled.resend(at(2), InvitationTtl::default()).is_err());
        assert!(scheduled.share_link(at(2)).is_err());
        assert!(scheduled.accept(at(2)).is_err());
        assert_eq!(scheduled.reschedule(), Ok(()));
        assert_eq!(scheduled.cancel(at(2)), Ok(()));
        assert_eq!(
            pending_until(8).reschedule(),
            Err(InvitationError::AlreadySent)
        );
    }
}
