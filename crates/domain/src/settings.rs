//! An organization's settings for the invitation lifecycle: how long a link lasts, when
//! reminders go out, how long a resent-over link keeps working, what an expired link offers,
//! how many seats there are, and the time zone times without an offset are read in.

use crate::states::stored_names;
use chrono::{DateTime, Duration, NaiveDateTime, TimeZone, Utc};

stored_names!(
    /// What the landing page of an expired link offers.
    ExpiredLink {
        /// "Email me a fresh link" (to the invitation's own address).
        SelfService => "self_service",
        /// "Ask {inviter} for a new invitation": admins are emailed and see the request.
        AskAdmin => "ask_admin",
        /// No button: the page says whom to contact.
        ContactAdmin => "contact_admin",
    }
);

stored_names!(
    /// What a user provisioned by the identity provider (SCIM) becomes.
    ScimProvisioning {
        /// They get the invitation email and accept it, as anyone invited.
        Invite => "invite",
        /// They are an active member at once and sign in through single sign-on.
        Activate => "activate",
    }
);

/// Automatic reminder emails while an invitation is pending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reminders {
    pub enabled: bool,
    /// Days after sending, ascending, at most three.
    pub after_days: Vec<i64>,
    /// One more reminder this many days before expiry (`None`: none).
    pub before_expiry_days: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganizationSettings {
    /// 1–365; expiry counts from when the email was actually sent.
    pub invitation_ttl_days: i64,
    pub reminders: Reminders,
    /// 0–72: after a resend the previous link keeps working this long.
    pub resend_grace_hours: i64,
    pub expired_link: ExpiredLink,
    /// Active members + pending + scheduled invitations may not exceed it (`None`: unlimited).
    pub seat_limit: Option<i64>,
    /// IANA name (`Europe/Berlin`); times given without an offset are read in it.
    pub time_zone: String,
    /// What a user provisioned through SCIM becomes (`activate` needs single sign-on).
    pub scim_provisioning: ScimProvisioning,
}

impl Default for OrganizationSettings {
    fn default() -> Self {
        Self {
            invitation_ttl_days: 7,
            reminders: Reminders {
                enabled: true,
                after_days: vec![3],
                before_expiry_days: Some(1),
            },
            resend_grace_hours: 24,
            expired_link: ExpiredLink::SelfService,
            seat_limit: None,
            time_zone: "UTC".to_string(),
            scim_provisioning: ScimProvisioning::Invite,
        }
    }
}

/// A change to some settings: `None` leaves a field as it is; for the nullable ones
/// `Some(None)` clears it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SettingsChange {
    pub invitation_ttl_days: Option<i64>,
    pub reminders_enabled: Option<bool>,
    pub reminder_after_days: Option<Vec<i64>>,
    pub reminder_before_expiry_days: Option<Option<i64>>,
    pub resend_grace_hours: Option<i64>,
    pub expired_link: Option<String>,
    pub seat_limit: Option<Option<i64>>,
    pub time_zone: Option<String>,
    pub scim_provisioning: Option<String>,
}

/// A value a setting cannot take: the field (dotted for nested ones), a code and a sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingError {
    pub field: &'static str,
    pub code: &'static str,
    pub message: String,
}

fn error(field: &'static str, code: &'static str, message: impl Into<String>) -> SettingError {
    SettingError {
        field,
        code,
        message: message.into(),
    }
}

/// The reminder steps of an invitation sent at `sent_at` and lapsing at `expires_at`: the
/// `after_days` after sending, then `before_expiry_days` before expiry, ascending, without
/// duplicates, each strictly between sending and expiry.
impl Reminders {
    pub fn steps(&self, sent_at: DateTime<Utc>, expires_at: DateTime<Utc>) -> Vec<DateTime<Utc>> {
        if !self.enabled {
            return Vec::new();
        }
        let mut steps: Vec<DateTime<Utc>> = self
            .after_days
            .iter()
            .map(|days| sent_at + Duration::days(*days))
            .chain(
                self.before_expiry_days
                    .map(|days| expires_at - Duration::days(days)),
            )
            .filter(|at| *at > sent_at && *at < expires_at)
            .collect();
        steps.sort();
        steps.dedup();
        steps
    }

    /// When the next reminder is due, after `sent` reminders, the last of them (or the send) at
    /// `after`: the first step not yet used that lies after `after`. At most one reminder goes
    /// out per step, and steps missed while nothing ran are not caught up one by one.
    pub fn next_after(
        &self,
        sent_at: DateTime<Utc>,
        expires_at: DateTime<Utc>,
        after: DateTime<Utc>,
        sent: usize,
    ) -> Option<DateTime<Utc>> {
        self.steps(sent_at, expires_at)
            .into_iter()
            .skip(sent)
            .find(|at| *at > after)
    }
}

/// A local date and time read in an IANA time zone (`2026-12-07T09:00` in `Europe/Berlin`), or
/// an instant with its own offset. `None` for text that is neither, or a local time that does
/// not exist in the zone (skipped by a daylight-saving change); an ambiguous one (repeated by
/// the change) is read as its first occurrence.
pub fn parse_instant(text: &str, time_zone: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Some(at.with_timezone(&Utc));
    }
    let local = [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
    ]
    .iter()
    .find_map(|format| NaiveDateTime::parse_from_str(text, format).ok())?;
    let zone: chrono_tz::Tz = time_zone.parse().ok()?;
    zone.from_local_datetime(&local)
        .earliest()
        .map(|at| at.with_timezone(&Utc))
}

/// The largest seat limit accepted (a typo guard, far above any organization).
pub const MAX_SEATS: i64 = 10_000_000;

impl OrganizationSettings {
    /// These settings with `change` applied, or every value it cannot take.
    pub fn apply(&self, change: &SettingsChange) -> Result<Self, Vec<SettingError>> {
        let mut next = self.clone();
        let mut errors = Vec::new();
        if let Some(days) = change.invitation_ttl_days {
            next.invitation_ttl_days = days;
        }
        if let Some(enabled) = change.reminders_enabled {
            next.reminders.enabled = enabled;
        }
        if let Some(days) = &change.reminder_after_days {
            next.reminders.after_days = days.clone();
        }
        if let Some(days) = change.reminder_before_expiry_days {
            next.reminders.before_expiry_days = days;
        }
        if let Some(hours) = change.resend_grace_hours {
            next.resend_grace_hours = hours;
        }
        if let Some(choice) = &change.expired_link {
            match ExpiredLink::from_stored(choice) {
                Some(choice) => next.expired_link = choice,
                None => errors.push(error(
                    "expired_link",
                    "invalid_choice",
                    "Expired link must be self_service, ask_admin or contact_admin.",
                )),
            }
        }
        if let Some(limit) = change.seat_limit {
            next.seat_limit = limit;
        }
        if let Some(zone) = &change.time_zone {
            next.time_zone = zone.trim().to_string();
        }
        if let Some(choice) = &change.scim_provisioning {
            match ScimProvisioning::from_stored(choice) {
                Some(choice) => next.scim_provisioning = choice,
                None => errors.push(error(
                    "scim_provisioning",
                    "invalid_choice",
                    "SCIM provisioning must be invite or activate.",
                )),
            }
        }
        errors.extend(next.problems());
        if errors.is_empty() {
            Ok(next)
        } else {
            Err(errors)
        }
    }

    /// Every rule the settings break, together (so a form shows all its errors at once).
    fn problems(&self) -> Vec<SettingError> {
        let mut errors = Vec::new();
        let ttl = self.invitation_ttl_days;
        if !(1..=365).contains(&ttl) {
            errors.push(error(
                "invitation_ttl_days",
                "out_of_range",
                "Invitation lifetime must be 1 to 365 days.",
            ));
        }
        let after = &self.reminders.after_days;
        if after.len() > 3 {
            errors.push(error(
                "reminders.after_days",
                "too_many",
                "At most 3 reminder days.",
            ));
        } else if after.iter().any(|d| *d < 1) || after.windows(2).any(|w| w[0] >= w[1]) {
            errors.push(error(
                "reminders.after_days",
                "not_ascending",
                "Reminder days must be whole days from 1, each later than the one before.",
            ));
        } else if (1..=365).contains(&ttl) && after.iter().any(|d| *d >= ttl) {
            errors.push(error(
                "reminders.after_days",
                "after_expiry",
                format!("Reminders must come before the link expires, so within {ttl} days."),
            ));
        }
        if let Some(before) = self.reminders.before_expiry_days {
            if before < 1 || ((1..=365).contains(&ttl) && before >= ttl) {
                errors.push(error(
                    "reminders.before_expiry_days",
                    "out_of_range",
                    format!(
                        "The last reminder must come 1 to {} days before expiry.",
                        (ttl - 1).max(1)
                    ),
                ));
            }
        }
        if !(0..=72).contains(&self.resend_grace_hours) {
            errors.push(error(
                "resend_grace_hours",
                "out_of_range",
                "The previous link may keep working 0 to 72 hours after a resend.",
            ));
        }
        if let Some(limit) = self.seat_limit {
            if !(1..=MAX_SEATS).contains(&limit) {
                errors.push(error(
                    "seat_limit",
                    "out_of_range",
                    format!("Seat limit must be 1 to {MAX_SEATS}, or empty for unlimited."),
                ));
            }
        }
        if self.time_zone.parse::<chrono_tz::Tz>().is_err() {
            errors.push(error(
                "time_zone",
                "unknown_time_zone",
                format!(
                    "\"{}\" is not a time zone. Use a name such as Europe/Berlin or UTC.",
                    self.time_zone
                ),
            ));
        }
        errors
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(result: Result<OrganizationSettings, Vec<SettingError>>) -> Vec<&'static str> {
        result.unwrap_err().into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn the_defaults_are_those_of_the_contract_and_valid() {
        let defaults = OrganizationSettings::default();
        assert_eq!(defaults.invitation_ttl_days, 7);
        assert_eq!(defaults.reminders.after_days, [3]);
        assert_eq!(defaults.reminders.before_expiry_days, Some(1));
        assert_eq!(defaults.resend_grace_hours, 24);
        assert_eq!(defaults.expired_link, ExpiredLink::SelfService);
        assert_eq!(defaults.seat_limit, None);
        assert_eq!(
            defaults.apply(&SettingsChange::default()),
            Ok(defaults.clone())
        );
    }

    #[test]
    fn a_change_touches_only_what_it_names_and_null_clears() {
        let seats = OrganizationSettings {
            seat_limit: Some(50),
            ..Default::default()
        };
        let next = seats
            .apply(&SettingsChange {
                invitation_ttl_days: Some(14),
                reminder_after_days: Some(vec![2, 5, 9]),
                reminder_before_expiry_days: Some(None),
                time_zone: Some(" Europe/Berlin ".into()),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(next.invitation_ttl_days, 14);
        assert_eq!(next.reminders.after_days, [2, 5, 9]);
        assert_eq!(next.reminders.before_expiry_days, None);
        assert_eq!(next.time_zone, "Europe/Berlin");
        assert_eq!(next.seat_limit, Some(50));
        let unlimited = next
            .apply(&SettingsChange {
                seat_limit: Some(None),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(unlimited.seat_limit, None);
    }

    #[test]
    fn every_broken_rule_is_reported_at_once() {
        let broken = OrganizationSettings::default().apply(&SettingsChange {
            invitation_ttl_days: Some(0),
            resend_grace_hours: Some(73),
            expired_link: Some("email_me".into()),
            seat_limit: Some(Some(0)),
            time_zone: Some("Mars/Olympus".into()),
            ..Default::default()
        });
        assert_eq!(
            fields(broken),
            [
                "expired_link",
                "invitation_ttl_days",
                "resend_grace_hours",
                "seat_limit",
                "time_zone"
            ]
        );
    }

    #[test]
    fn reminder_days_are_ascending_few_and_before_expiry() {
        let with = |after: Vec<i64>, before: Option<i64>| {
            OrganizationSettings::default().apply(&SettingsChange {
                reminder_after_days: Some(after),
                reminder_before_expiry_days: Some(before),
                ..Default::default()
            })
        };
        assert!(with(vec![], None).is_ok());
        assert!(with(vec![1, 3, 5], Some(1)).is_ok());
        assert_eq!(fields(with(vec![3, 3], None)), ["reminders.after_days"]);
        assert_eq!(fields(with(vec![5, 2], None)), ["reminders.after_days"]);
        assert_eq!(
            fields(with(vec![1, 2, 3, 4], None)),
            ["reminders.after_days"]
        );
        assert_eq!(fields(with(vec![7], None)), ["reminders.after_days"]);
        assert_eq!(
            fields(with(vec![3], Some(7))),
            ["reminders.before_expiry_days"]
        );
        assert_eq!(
            fields(with(vec![3], Some(0))),
            ["reminders.before_expiry_days"]
        );
    }

    fn day(d: u32, h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, d, h, 0, 0).unwrap()
    }

    #[test]
    fn reminders_go_out_after_sending_and_before_expiry_once_per_step() {
        let reminders = OrganizationSettings::default().reminders;
        // Sent on the 1st, lapsing on the 8th: day 3 after sending, 1 day before expiry.
        assert_eq!(
            reminders.steps(day(1, 9), day(8, 9)),
            vec![day(4, 9), day(7, 9)]
        );
        assert_eq!(
            reminders.next_after(day(1, 9), day(8, 9), day(1, 9), 0),
            Some(day(4, 9))
        );
        assert_eq!(
            reminders.next_after(day(1, 9), day(8, 9), day(4, 9), 1),
            Some(day(7, 9))
        );
        // A reminder sent early (by hand) still leaves the next step.
        assert_eq!(
            reminders.next_after(day(1, 9), day(8, 9), day(2, 9), 1),
            Some(day(7, 9))
        );
        // A reminder sent late, after both steps, is the last one.
        assert_eq!(
            reminders.next_after(day(1, 9), day(8, 9), day(7, 10), 1),
            None
        );
        // A two-day link: day 3 is past expiry and "1 day before" is day 2.
        assert_eq!(reminders.steps(day(1, 9), day(3, 9)), vec![day(2, 9)]);
        let off = Reminders {
            enabled: false,
            ..reminders
        };
        assert!(off.steps(day(1, 9), day(8, 9)).is_empty());
    }

    #[test]
    fn times_without_an_offset_are_read_in_the_organization_time_zone() {
        assert_eq!(
            parse_instant("2026-12-07T09:00", "Europe/Berlin"),
            Some(Utc.with_ymd_and_hms(2026, 12, 7, 8, 0, 0).unwrap())
        );
        assert_eq!(
            parse_instant("2026-12-07T09:00:00Z", "Europe/Berlin"),
            Some(Utc.with_ymd_and_hms(2026, 12, 7, 9, 0, 0).unwrap())
        );
        assert_eq!(
            parse_instant("2026-12-07 09:00", "UTC"),
            Some(Utc.with_ymd_and_hms(2026, 12, 7, 9, 0, 0).unwrap())
        );
        // 02:30 does not exist in Berlin on the last Sunday of March.
        assert_eq!(parse_instant("2026-03-29T02:30", "Europe/Berlin"), None);
        assert_eq!(parse_instant("next monday", "UTC"), None);
    }
}
