//! SCIM as identity providers drive it: Okta's and Microsoft Entra ID's request sequences
//! replayed from fixtures (`tests/scim/fixtures`), Entra's periodic PATCHes, and groups mapped
//! onto user groups.

use super::scim::{accept, member_row, Idp};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use skillstream_tests::spawn_app;
use std::collections::HashMap;

/// Replays an identity provider's request sequence from a fixture: each step's status and
/// expected values (JSON pointers; `{name}` stands for a saved id).
async fn replay(idp: &Idp<'_>, fixture: &str) {
    let steps: Vec<Value> = serde_json::from_str(fixture).unwrap();
    let mut saved: HashMap<String, String> = HashMap::new();
    let fill = |text: &str, saved: &HashMap<String, String>| {
        saved.iter().fold(text.to_string(), |t, (k, v)| {
            t.replace(&format!("{{{k}}}"), v)
        })
    };
    for step in steps {
        let name = step["step"].as_str().unwrap();
        let method = Method::from_bytes(step["method"].as_str().unwrap().as_bytes()).unwrap();
        let path = fill(step["path"].as_str().unwrap(), &saved);
        let body = step
            .get("body")
            .map(|b| serde_json::from_str::<Value>(&fill(&b.to_string(), &saved)).unwrap());
        let reply = idp.send(method, &path, body.as_ref()).await;
        assert_eq!(
            reply.status.as_u16(),
            step["status"].as_u64().unwrap() as u16,
            "{name}: {}",
            reply.text
        );
        if let Some(expect) = step["expect"].as_object() {
            for (pointer, wanted) in expect {
                let wanted: Value =
                    serde_json::from_str(&fill(&wanted.to_string(), &saved)).unwrap();
                // JSON pointers escape `/` only; the extension URN has none.
                assert_eq!(
                    reply.body.pointer(pointer),
                    Some(&wanted),
                    "{name}: {pointer} in {}",
                    reply.text
                );
            }
        }
        if let Some(save) = step["save"].as_object() {
            for (key, pointer) in save {
                let value = reply.body.pointer(pointer.as_str().unwrap()).unwrap();
                saved.insert(key.clone(), value.as_str().unwrap().to_string());
            }
        }
    }
}

#[tokio::test]
async fn okta_request_sequence_is_served_as_okta_expects() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let idp = Idp::of(&app, &admin).await;
    replay(&idp, include_str!("../scim/fixtures/okta.json")).await;
    // Deactivated then reactivated: the invitation was cancelled and sent again.
    let events = app
        .get("/api/v1/audit-events?actor_type=scim", &admin.token)
        .await;
    let actions: Vec<&str> = events.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for action in [
        "invitation.created",
        "invitation.updated",
        "invitation.cancelled",
        "group.created",
        "group.updated",
        "group.deleted",
    ] {
        assert!(actions.contains(&action), "{action} in {actions:?}");
    }
    assert!(events.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["actor"]["type"] == "scim" && e["actor"]["name"] == "Okta"));
}

#[tokio::test]
async fn entra_request_sequence_with_its_known_deviations_is_accepted() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    app.create_department(&admin, "Sales").await;
    app.create_department(&admin, "Marketing").await;
    let idp = Idp::of(&app, &admin).await;
    let before = app.get("/api/v1/audit-events", &admin.token).await.body["total"].clone();
    replay(&idp, include_str!("../scim/fixtures/entra.json")).await;
    assert!(
        app.get("/api/v1/audit-events", &admin.token).await.body["total"].as_i64()
            > before.as_i64()
    );
}

#[tokio::test]
async fn entra_periodic_active_true_changes_nothing() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let idp = Idp::of(&app, &admin).await;
    let id = idp.provision("eve@example.com").await;
    let total = app.get("/api/v1/audit-events", &admin.token).await.body["total"].clone();
    for _ in 0..3 {
        let reply = idp
            .patch(
                &format!("/scim/v2/Users/{id}"),
                json!([{ "op": "Replace", "path": "active", "value": "True" }]),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK);
    }
    assert_eq!(
        app.get("/api/v1/audit-events", &admin.token).await.body["total"],
        total
    );
    let pending = app
        .get("/api/v1/invitations?status=pending", &admin.token)
        .await;
    assert_eq!(pending.body["items"][0]["send_count"], 1);
}

#[tokio::test]
async fn groups_map_onto_user_groups_and_pending_members_join_on_acceptance() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let idp = Idp::of(&app, &admin).await;
    let member = idp.provision("gil@example.com").await;
    accept(&app, &admin, "gil@example.com").await;
    let pending = idp.provision("hal@example.com").await;

    let group = idp
        .post(
            "/scim/v2/Groups",
            json!({ "displayName": "Sales", "members": [{ "value": member }, { "value": "31337" }] }),
        )
        .await;
    assert_eq!(group.status, StatusCode::CREATED, "{}", group.text);
    let group_id = group.body["id"].as_str().unwrap().to_string();
    assert_eq!(
        group.body["members"],
        json!([{ "value": member, "type": "User",
        "$ref": format!("{}/scim/v2/Users/{member}", app.settings.public_url) }])
    );
    let gil = member_row(&app, &admin, "gil@example.com").await;
    assert_eq!(gil["groups"][0]["name"], "Sales", "{gil}");

    let added = idp
        .patch(
            &format!("/scim/v2/Groups/{group_id}"),
            json!([{ "op": "add", "path": "members", "value": [{ "value": pending }, { "value": "nope" }] }]),
        )
        .await;
    assert_eq!(added.status, StatusCode::OK, "{}", added.text);
    assert_eq!(added.body["members"].as_array().unwrap().len(), 2);
    accept(&app, &admin, "hal@example.com").await;
    let hal = member_row(&app, &admin, "hal@example.com").await;
    assert_eq!(hal["groups"][0]["name"], "Sales", "{hal}");
    let user = idp.get(&format!("/scim/v2/Users/{pending}")).await;
    assert_eq!(user.body["groups"][0]["display"], "Sales");

    let found = idp
        .get("/scim/v2/Groups?filter=displayName%20eq%20%22Sales%22&excludedAttributes=members")
        .await;
    assert_eq!(found.body["totalResults"], 1);
    assert!(found.body["Resources"][0]["members"].is_null());

    let removed = idp
        .patch(
            &format!("/scim/v2/Groups/{group_id}"),
            json!([{ "op": "remove", "path": format!("members[value eq \"{member}\"]") }]),
        )
        .await;
    assert_eq!(removed.body["members"].as_array().unwrap().len(), 1);
    assert_eq!(
        member_row(&app, &admin, "gil@example.com").await["groups"],
        json!([])
    );

    // An admin's own group can be linked and filled, not deleted.
    app.create_group(&admin, "Support").await;
    let duplicate = idp
        .post("/scim/v2/Groups", json!({ "displayName": "Support" }))
        .await;
    assert_eq!(duplicate.status, StatusCode::CONFLICT);
    let support = idp
        .get("/scim/v2/Groups?filter=displayName%20eq%20%22Support%22")
        .await;
    let support_id = support.body["Resources"][0]["id"].as_str().unwrap();
    let refused = idp.delete(&format!("/scim/v2/Groups/{support_id}")).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let deleted = idp.delete(&format!("/scim/v2/Groups/{group_id}")).await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    let groups = app.get("/api/v1/groups", &admin.token).await;
    assert!(!groups.text.contains("Sales"), "{}", groups.text);
}
