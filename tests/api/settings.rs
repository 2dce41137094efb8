//! Admin → Organization → Settings: the invitation lifecycle settings.

use chrono::{DateTime, Utc};
use reqwest::StatusCode;
use serde_json::json;
use skillstream_tests::spawn_app;

const PATH: &str = "/api/v1/organization/settings";

#[tokio::test]
async fn an_organization_starts_with_the_default_settings() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;

    let settings = app.get(PATH, &admin.token).await;

    assert_eq!(settings.status, StatusCode::OK);
    assert_eq!(
        settings.body,
        json!({
            "invitation_ttl_days": 7,
            "reminders": { "enabled": true, "after_days": [3], "before_expiry_days": 1 },
            "resend_grace_hours": 24,
            "expired_link": "self_service",
            "seat_limit": null,
            "time_zone": "UTC",
            "scim_provisioning": "invite"
        })
    );
}

#[tokio::test]
async fn a_change_touches_only_the_fields_it_names_and_is_an_event_with_old_and_new_values() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;

    let changed = app
        .patch(
            PATH,
            &admin.token,
            json!({
                "invitation_ttl_days": 14,
                "reminders": { "after_days": [2, 5] },
                "seat_limit": 50,
                "expired_link": "ask_admin",
                "time_zone": "Europe/Berlin"
            }),
        )
        .await;

    assert_eq!(changed.status, StatusCode::OK, "{}", changed.text);
    assert_eq!(changed.body["invitation_ttl_days"], 14);
    assert_eq!(
        changed.body["reminders"],
        json!({ "enabled": true, "after_days": [2, 5], "before_expiry_days": 1 })
    );
    assert_eq!(changed.body["seat_limit"], 50);
    assert_eq!(changed.body["resend_grace_hours"], 24);
    assert_eq!(app.get(PATH, &admin.token).await.body, changed.body);

    let events = app
        .get(
            "/api/v1/audit-events?action=organization.settings_changed",
            &admin.token,
        )
        .await;
    assert_eq!(events.body["total"], 1);
    let event = &events.body["items"][0];
    assert_eq!(event["actor"]["type"], "member");
    assert_eq!(event["target"]["type"], "organization");
    assert_eq!(
        event["details"]["changes"],
        json!({
            "invitation_ttl_days": { "from": 7, "to": 14 },
            "reminders.after_days": { "from": [3], "to": [2, 5] },
            "seat_limit": { "from": null, "to": 50 },
            "expired_link": { "from": "self_service", "to": "ask_admin" },
            "time_zone": { "from": "UTC", "to": "Europe/Berlin" }
        })
    );

    // null clears a nullable setting; the same values again change nothing and log nothing.
    let cleared = app
        .patch(
            PATH,
            &admin.token,
            json!({ "seat_limit": null, "reminders": { "before_expiry_days": null } }),
        )
        .await;
    assert_eq!(cleared.body["seat_limit"], json!(null));
    assert_eq!(cleared.body["reminders"]["before_expiry_days"], json!(null));
    app.patch(PATH, &admin.token, json!({ "invitation_ttl_days": 14 }))
        .await;
    let events = app
        .get(
            "/api/v1/audit-events?action=organization.settings_changed",
            &admin.token,
        )
        .await;
    assert_eq!(events.body["total"], 2);
}

#[tokio::test]
async fn every_value_a_setting_cannot_take_is_a_field_error_and_nothing_changes() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;

    let refused = app
        .patch(
            PATH,
            &admin.token,
            json!({
                "invitation_ttl_days": 400,
                "reminders": { "after_days": [5, 2] },
                "resend_grace_hours": -1,
                "expired_link": "email_me",
                "time_zone": "Mars/Olympus"
            }),
        )
        .await;

    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.code(), "validation_failed");
    for field in [
        "invitation_ttl_days",
        "reminders.after_days",
        "resend_grace_hours",
        "expired_link",
        "time_zone",
    ] {
        assert!(
            refused.field_error(field).is_some(),
            "{field}: {}",
            refused.text
        );
    }
    assert_eq!(
        refused.field_error("time_zone").unwrap()["message"],
        "\"Mars/Olympus\" is not a time zone. Use a name such as Europe/Berlin or UTC."
    );
    assert_eq!(
        app.get(PATH, &admin.token).await.body["invitation_ttl_days"],
        7
    );

    let late = app
        .patch(
            PATH,
            &admin.token,
            json!({ "reminders": { "after_days": [7] } }),
        )
        .await;
    assert_eq!(
        late.field_error("reminders.after_days").unwrap()["code"],
        "after_expiry"
    );

    // A setting that cannot be empty refuses null (leaving it out keeps it).
    for body in [
        json!({ "time_zone": null }),
        json!({ "invitation_ttl_days": null }),
        json!({ "reminders": { "after_days": null } }),
    ] {
        let refused = app.patch(PATH, &admin.token, body.clone()).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    }
    assert_eq!(app.get(PATH, &admin.token).await.body["time_zone"], "UTC");

    let unknown = app
        .patch(PATH, &admin.token, json!({ "ttl_days": 3 }))
        .await;
    assert_eq!(
        unknown.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        unknown.text
    );
    assert_eq!(unknown.code(), "invalid_body");
    assert!(unknown.body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("ttl_days"));
}

#[tokio::test]
async fn only_admins_see_or_change_settings_and_only_their_own_organizations() {
    let app = spawn_app().await;
    let acme = app.admin_of("Acme").await;
    let globex = app.admin_of("Globex").await;
    let learner = app
        .member_of(acme.organization_id, "learner@acme.example.com", "learner")
        .await;

    assert_eq!(
        app.get(PATH, &learner.token).await.status,
        StatusCode::FORBIDDEN
    );
    let tried = app
        .patch(PATH, &learner.token, json!({ "seat_limit": 1 }))
        .await;
    assert_eq!(tried.status, StatusCode::FORBIDDEN);

    app.patch(PATH, &globex.token, json!({ "seat_limit": 3 }))
        .await;
    assert_eq!(
        app.get(PATH, &acme.token).await.body["seat_limit"],
        json!(null)
    );
    assert_eq!(app.get(PATH, &globex.token).await.body["seat_limit"], 3);
}

#[tokio::test]
async fn a_new_invitation_lasts_as_long_as_the_setting_says() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    app.patch(PATH, &admin.token, json!({ "invitation_ttl_days": 30 }))
        .await;

    let invitation = app
        .invite(&admin, json!({ "email": "long@example.com" }))
        .await;

    let at =
        |field: &str| -> DateTime<Utc> { invitation[field].as_str().unwrap().parse().unwrap() };
    assert_eq!((at("expires_at") - at("sent_at")).num_days(), 30);
}
