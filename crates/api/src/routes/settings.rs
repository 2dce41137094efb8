//! Admin → Organization → Settings: the invitation lifecycle settings of the organization
//! (`GET/PATCH /api/v1/organization/settings`). The rules are the domain's
//! (`skillstream_domain::settings`); a change is written with its `organization.settings_changed`
//! event.

use crate::auth::Admin;
use crate::error::{ApiResult, ErrorBody};
use crate::state::AppState;
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use skillstream_domain::settings::{
    ExpiredLink, OrganizationSettings, ScimProvisioning, SettingsChange,
};
use utoipa::ToSchema;

/// Automatic reminder emails while an invitation is pending.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReminderSettings {
    pub enabled: bool,
    /// Days after sending, ascending, at most 3 values, each before the link expires.
    #[schema(example = json!([3]))]
    pub after_days: Vec<i64>,
    /// One more reminder this many days before expiry; null: none.
    #[schema(example = 1)]
    pub before_expiry_days: Option<i64>,
}

/// The organization's invitation lifecycle settings.
#[derive(Debug, Serialize, ToSchema)]
pub struct Settings {
    /// 1–365; expiry counts from when the email was actually sent.
    #[schema(example = 7)]
    pub invitation_ttl_days: i64,
    pub reminders: ReminderSettings,
    /// 0–72: after a resend the previous link keeps working this long.
    #[schema(example = 24)]
    pub resend_grace_hours: i64,
    /// What the landing page of an expired link offers.
    pub expired_link: ExpiredLink,
    /// Active members + pending + scheduled invitations may not exceed it; null: unlimited.
    pub seat_limit: Option<i64>,
    /// IANA time zone; times given without an offset (a CSV's `send_at`) are read in it.
    #[schema(example = "Europe/Berlin")]
    pub time_zone: String,
    /// What a user provisioned by the identity provider (SCIM) becomes: `invite` (they get the
    /// invitation email and accept it) or `activate` (active at once, signing in through single
    /// sign-on, which must be set up).
    pub scim_provisioning: ScimProvisioning,
}

impl From<OrganizationSettings> for Settings {
    fn from(s: OrganizationSettings) -> Self {
        Self {
            invitation_ttl_days: s.invitation_ttl_days,
            reminders: ReminderSettings {
                enabled: s.reminders.enabled,
                after_days: s.reminders.after_days,
                before_expiry_days: s.reminders.before_expiry_days,
            },
            resend_grace_hours: s.resend_grace_hours,
            expired_link: s.expired_link,
            seat_limit: s.seat_limit,
            time_zone: s.time_zone,
            scim_provisioning: s.scim_provisioning,
        }
    }
}

/// The reminder fields to change; the ones left out stay as they are.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReminderSettingsChange {
    #[serde(default, deserialize_with = "crate::routes::json_int::not_null")]
    #[schema(nullable = false)]
    pub enabled: Option<bool>,
    #[serde(default, deserialize_with = "crate::routes::json_int::present_list")]
    #[schema(nullable = false, max_items = 3, example = json!([2, 5]))]
    pub after_days: Option<Vec<i64>>,
    /// null: no reminder before expiry.
    #[serde(default, deserialize_with = "crate::routes::json_int::nullable")]
    #[schema(value_type = Option<i64>, minimum = 1, maximum = 364)]
    pub before_expiry_days: Option<Option<i64>>,
}

/// Body of `PATCH /api/v1/organization/settings`: only the fields present change.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SettingsPatch {
    #[serde(default, deserialize_with = "crate::routes::json_int::present")]
    #[schema(nullable = false, minimum = 1, maximum = 365, example = 14)]
    pub invitation_ttl_days: Option<i64>,
    #[serde(default, deserialize_with = "crate::routes::json_int::not_null")]
    #[schema(nullable = false)]
    pub reminders: Option<ReminderSettingsChange>,
    #[serde(default, deserialize_with = "crate::routes::json_int::present")]
    #[schema(nullable = false, minimum = 0, maximum = 72)]
    pub resend_grace_hours: Option<i64>,
    #[serde(default, deserialize_with = "crate::routes::json_int::not_null")]
    #[schema(nullable = false, value_type = Option<ExpiredLink>)]
    pub expired_link: Option<String>,
    /// null: unlimited.
    #[serde(default, deserialize_with = "crate::routes::json_int::nullable")]
    #[schema(value_type = Option<i64>, minimum = 1, maximum = 10_000_000)]
    pub seat_limit: Option<Option<i64>>,
    #[serde(default, deserialize_with = "crate::routes::json_int::not_null")]
    #[schema(nullable = false, example = "Europe/Berlin")]
    pub time_zone: Option<String>,
    /// `activate` is refused (422 `sso_not_configured`) unless single sign-on is set up.
    #[serde(default, deserialize_with = "crate::routes::json_int::not_null")]
    #[schema(nullable = false, value_type = Option<ScimProvisioning>)]
    pub scim_provisioning: Option<String>,
}

impl From<SettingsPatch> for SettingsChange {
    fn from(p: SettingsPatch) -> Self {
        let reminders = p.reminders.unwrap_or_default();
        Self {
            invitation_ttl_days: p.invitation_ttl_days,
            reminders_enabled: reminders.enabled,
            reminder_after_days: reminders.after_days,
            reminder_before_expiry_days: reminders.before_expiry_days,
            resend_grace_hours: p.resend_grace_hours,
            expired_link: p.expired_link,
            seat_limit: p.seat_limit,
            time_zone: p.time_zone,
            scim_provisioning: p.scim_provisioning,
        }
    }
}

#[utoipa::path(get, path = "/api/v1/organization/settings", tag = "Organization settings",
    responses((status = 200, body = Settings), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get_settings(admin: Admin, state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let ctx = admin.ctx(&state);
    let settings = state
        .db(move |conn| Ok(skillstream_app::settings::get(conn, &ctx)?))
        .await?;
    Ok(HttpResponse::Ok().json(Settings::from(settings)))
}

#[utoipa::path(patch, path = "/api/v1/organization/settings", tag = "Organization settings",
    request_body = SettingsPatch,
    responses(
        (status = 200, description = "The settings after the change", body = Settings),
        (status = 400, description = "Not JSON", body = ErrorBody),
        (status = 422, description = "`validation_failed`: every value a setting cannot take, as field errors (`reminders.after_days`, …); `invalid_body`: a field that is not a setting", body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update_settings(
    admin: Admin,
    state: web::Data<AppState>,
    body: web::Json<serde_json::Map<String, serde_json::Value>>,
) -> ApiResult<HttpResponse> {
    let body: SettingsPatch = crate::routes::json_int::patch_body(body.into_inner())?;
    let change = SettingsChange::from(body);
    let ctx = admin.ctx(&state);
    let settings = state
        .db(move |conn| Ok(skillstream_app::settings::update(conn, &ctx, &change)?))
        .await?;
    Ok(HttpResponse::Ok().json(Settings::from(settings)))
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/api/v1/organization/settings")
            .get(get_settings)
            .patch(update_settings),
    );
}
