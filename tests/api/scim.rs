//! SCIM 2.0 provisioning (`/scim/v2`): tokens, discovery, Users and Groups as Okta and
//! Microsoft Entra ID drive them (their request sequences replayed from fixtures), the member
//! lifecycle they cause, seats and events.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use skillstream_tests::{read, spawn_app, Member, Reply, TestApp};

pub(crate) const USER: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
const ENTERPRISE: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const PATCH_OP: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

/// An identity provider calling with an organization's SCIM token.
pub(crate) struct Idp<'a> {
    pub(crate) app: &'a TestApp,
    pub(crate) token: String,
}

impl<'a> Idp<'a> {
    pub(crate) async fn of(app: &'a TestApp, admin: &Member) -> Idp<'a> {
        let created = app
            .post(
                "/api/v1/scim-tokens",
                &admin.token,
                json!({ "name": "Okta" }),
            )
            .await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
        Idp {
            app,
            token: created.body["token"].as_str().unwrap().to_string(),
        }
    }

    pub(crate) async fn send(&self, method: Method, path: &str, body: Option<&Value>) -> Reply {
        let mut request = self
            .app
            .client
            .request(method, format!("{}{path}", self.app.address))
            .bearer_auth(&self.token);
        if let Some(body) = body {
            request = request
                .header("content-type", "application/scim+json")
                .body(body.to_string());
        }
        read(request.send().await.unwrap()).await
    }

    pub(crate) async fn get(&self, path: &str) -> Reply {
        self.send(Method::GET, path, None).await
    }

    pub(crate) async fn post(&self, path: &str, body: Value) -> Reply {
        self.send(Method::POST, path, Some(&body)).await
    }

    pub(crate) async fn patch(&self, path: &str, operations: Value) -> Reply {
        let body = json!({ "schemas": [PATCH_OP], "Operations": operations });
        self.send(Method::PATCH, path, Some(&body)).await
    }

    pub(crate) async fn delete(&self, path: &str) -> Reply {
        self.send(Method::DELETE, path, None).await
    }

    /// Provisions a user; answers its SCIM id.
    pub(crate) async fn provision(&self, email: &str) -> String {
        let reply = self
            .post(
                "/scim/v2/Users",
                json!({ "schemas": [USER], "userName": email, "active": true,
                        "name": { "givenName": "Pat", "familyName": "Doe" } }),
            )
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
        reply.body["id"].as_str().unwrap().to_string()
    }
}

/// Accepts the pending invitation to `email` with a password; answers the new member's session.
pub(crate) async fn accept(app: &TestApp, admin: &Member, email: &str) -> String {
    let listed = app
        .get(&format!("/api/v1/invitations?q={email}"), &admin.token)
        .await;
    let id = listed.body["items"][0]["id"]
        .as_i64()
        .expect("an invitation");
    let token = app.link_token(id).await;
    let accepted = app
        .request(
            Method::POST,
            &format!("/api/v1/public/invitations/{token}/accept"),
            None,
            Some(&json!({ "password": "a long enough password" })),
        )
        .await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.text);
    accepted.body["access_token"].as_str().unwrap().to_string()
}

pub(crate) async fn member_row(app: &TestApp, admin: &Member, email: &str) -> Value {
    let users = app
        .get(&format!("/api/v1/users?q={email}"), &admin.token)
        .await;
    users.body["items"][0].clone()
}

#[tokio::test]
async fn only_the_scim_token_opens_scim_and_errors_use_the_scim_schema() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    for token in [None, Some(admin.token.as_str()), Some("scim_forged")] {
        let reply = app
            .request(Method::GET, "/scim/v2/Users", token, None)
            .await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{token:?}");
        assert_eq!(
            reply.body["schemas"][0],
            "urn:ietf:params:scim:api:messages:2.0:Error"
        );
        assert_eq!(reply.body["status"], "401");
        assert!(reply.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/scim+json"));
    }
    let api_token = app
        .post("/api/v1/api-tokens", &admin.token, json!({ "name": "hr" }))
        .await;
    let api_token = api_token.body["token"].as_str().unwrap();
    assert_eq!(
        app.get("/scim/v2/Users", api_token).await.status,
        StatusCode::UNAUTHORIZED
    );

    let idp = Idp::of(&app, &admin).await;
    assert_eq!(idp.get("/scim/v2/Users").await.status, StatusCode::OK);
    let id = app.get("/api/v1/scim-tokens", &admin.token).await.body[0]["id"]
        .as_i64()
        .unwrap();
    app.delete(&format!("/api/v1/scim-tokens/{id}"), &admin.token)
        .await;
    assert_eq!(
        idp.get("/scim/v2/Users").await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn discovery_answers_without_a_token_and_names_the_departments_with_one() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    app.create_department(&admin, "Sales").await;
    for path in [
        "/scim/v2/ServiceProviderConfig",
        "/scim/v2/ResourceTypes",
        "/scim/v2/Schemas",
        "/scim/v2/ResourceTypes/User",
        &format!("/scim/v2/Schemas/{USER}"),
    ] {
        let reply = app.request(Method::GET, path, None, None).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}: {}", reply.text);
    }
    let config = app
        .request(Method::GET, "/scim/v2/ServiceProviderConfig", None, None)
        .await;
    assert_eq!(config.body["patch"]["supported"], true);
    assert_eq!(config.body["bulk"]["supported"], false);
    assert_eq!(
        app.request(Method::POST, "/scim/v2/Schemas", None, Some(&json!({})))
            .await
            .status,
        StatusCode::METHOD_NOT_ALLOWED
    );

    let idp = Idp::of(&app, &admin).await;
    let enterprise = idp.get(&format!("/scim/v2/Schemas/{ENTERPRISE}")).await;
    assert_eq!(
        enterprise.body["attributes"][0]["canonicalValues"],
        json!(["Sales"])
    );
    let anonymous = app
        .request(
            Method::GET,
            &format!("/scim/v2/Schemas/{ENTERPRISE}"),
            None,
            None,
        )
        .await;
    assert!(anonymous.body["attributes"][0]["canonicalValues"].is_null());
}

#[tokio::test]
async fn a_provisioned_user_is_invited_and_keeps_its_id_when_the_invitation_is_accepted() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let idp = Idp::of(&app, &admin).await;
    let created = idp
        .post(
            "/scim/v2/Users",
            json!({ "schemas": [USER], "userName": "Ada@Example.com", "externalId": "okta-1",
                    "name": { "givenName": "Ada", "familyName": "Lovelace" }, "active": true }),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let id = created.body["id"].as_str().unwrap().to_string();
    assert!(created.headers["location"]
        .to_str()
        .unwrap()
        .ends_with(&format!("/scim/v2/Users/{id}")));
    assert_eq!(created.body["active"], true);
    assert_eq!(created.body["emails"][0]["value"], "Ada@Example.com");

    // Pending: listed as an invitation with the names, not yet a member.
    let invitations = app
        .get("/api/v1/invitations?status=pending", &admin.token)
        .await;
    assert_eq!(invitations.body["total"], 1, "{}", invitations.text);
    assert_eq!(invitations.body["items"][0]["first_name"], "Ada");

    // Found by userName without case, by externalId, by email.
    for filter in [
        "userName eq \"ada@example.com\"",
        "externalId eq \"okta-1\"",
        "emails.value eq \"ADA@example.com\"",
    ] {
        let found = idp
            .get(&format!(
                "/scim/v2/Users?filter={}",
                filter.replace(" ", "%20").replace("\"", "%22")
            ))
            .await;
        assert_eq!(found.body["totalResults"], 1, "{filter}: {}", found.text);
        assert_eq!(found.body["Resources"][0]["id"], id.as_str());
    }
    let duplicate = idp
        .post(
            "/scim/v2/Users",
            json!({ "schemas": [USER], "userName": "ada@example.COM" }),
        )
        .await;
    assert_eq!(duplicate.status, StatusCode::CONFLICT);
    assert_eq!(duplicate.body["scimType"], "uniqueness");

    accept(&app, &admin, "ada@example.com").await;
    let after = idp.get(&format!("/scim/v2/Users/{id}")).await;
    assert_eq!(after.status, StatusCode::OK);
    assert_eq!(after.body["active"], true);
    assert_eq!(after.body["name"]["familyName"], "Lovelace");
    assert_eq!(
        member_row(&app, &admin, "ada@example.com").await["status"],
        "active"
    );
}

#[tokio::test]
async fn provisioning_an_address_already_invited_reuses_the_invitation() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    app.invite(&admin, json!({ "email": "bo@example.com" }))
        .await;
    let idp = Idp::of(&app, &admin).await;
    idp.provision("bo@example.com").await;
    let invitations = app
        .get("/api/v1/invitations?status=pending", &admin.token)
        .await;
    assert_eq!(invitations.body["total"], 1, "{}", invitations.text);
    assert_eq!(invitations.body["items"][0]["first_name"], "Pat");
}

#[tokio::test]
async fn delete_deactivates_for_good_then_a_new_post_reactivates_the_same_member() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let idp = Idp::of(&app, &admin).await;
    let id = idp.provision("cy@example.com").await;
    let session = accept(&app, &admin, "cy@example.com").await;
    assert_eq!(app.get("/api/v1/me", &session).await.status, StatusCode::OK);

    let deleted = idp.delete(&format!("/scim/v2/Users/{id}")).await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT, "{}", deleted.text);
    assert_eq!(
        idp.get(&format!("/scim/v2/Users/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    let member = member_row(&app, &admin, "cy@example.com").await;
    assert_eq!(member["status"], "deactivated");
    assert_eq!(
        app.get("/api/v1/me", &session).await.status,
        StatusCode::UNAUTHORIZED
    );
    let signed_in = app.login("cy@example.com", "a long enough password").await;
    assert_ne!(signed_in.status, StatusCode::OK);

    let again = idp
        .post(
            "/scim/v2/Users",
            json!({ "schemas": [USER], "userName": "cy@example.com", "active": true }),
        )
        .await;
    assert_eq!(again.status, StatusCode::CREATED, "{}", again.text);
    assert_eq!(again.body["active"], true);
    let member_again = member_row(&app, &admin, "cy@example.com").await;
    assert_eq!(member_again["status"], "active");
    assert_eq!(member_again["id"], member["id"]);
    // Sessions stay ended.
    assert_eq!(
        app.get("/api/v1/me", &session).await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn active_false_cancels_a_pending_invitation_and_true_sends_a_new_one() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let idp = Idp::of(&app, &admin).await;
    let id = idp.provision("di@example.com").await;
    let off = idp
        .patch(
            &format!("/scim/v2/Users/{id}"),
            json!([{ "op": "replace", "path": "active", "value": false }]),
        )
        .await;
    assert_eq!(off.status, StatusCode::OK, "{}", off.text);
    assert_eq!(off.body["active"], false);
    let cancelled = app
        .get("/api/v1/invitations?status=cancelled", &admin.token)
        .await;
    assert_eq!(cancelled.body["total"], 1);
    let on = idp
        .patch(
            &format!("/scim/v2/Users/{id}"),
            json!([{ "op": "replace", "path": "active", "value": true }]),
        )
        .await;
    assert_eq!(on.body["active"], true);
    let pending = app
        .get("/api/v1/invitations?status=pending", &admin.token)
        .await;
    assert_eq!(pending.body["total"], 1);
}

#[tokio::test]
async fn an_unknown_department_is_refused_naming_the_closest_one() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    app.create_department(&admin, "Engineering").await;
    let idp = Idp::of(&app, &admin).await;
    let reply = idp
        .post(
            "/scim/v2/Users",
            json!({ "schemas": [USER, ENTERPRISE], "userName": "fay@example.com",
                    ENTERPRISE: { "department": "Enginering" } }),
        )
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.body["scimType"], "invalidValue");
    assert!(
        reply.body["detail"]
            .as_str()
            .unwrap()
            .contains("\"Engineering\""),
        "{}",
        reply.text
    );
    // Nothing was written.
    let invitations = app.get("/api/v1/invitations", &admin.token).await;
    assert_eq!(invitations.body["total"], 0);
    // The department's name is read without case.
    let ok = idp
        .post(
            "/scim/v2/Users",
            json!({ "schemas": [USER, ENTERPRISE], "userName": "fay@example.com",
                    ENTERPRISE: { "department": "engineering" } }),
        )
        .await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.text);
    assert_eq!(ok.body[ENTERPRISE]["department"], "Engineering");
}

#[tokio::test]
async fn malformed_requests_get_clear_scim_errors() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let idp = Idp::of(&app, &admin).await;
    let broken = app
        .client
        .post(format!("{}/scim/v2/Users", app.address))
        .bearer_auth(&idp.token)
        .header("content-type", "application/scim+json")
        .body("{\"userName\": ")
        .send()
        .await
        .unwrap();
    let broken = read(broken).await;
    assert_eq!(broken.status, StatusCode::BAD_REQUEST);
    assert_eq!(broken.body["scimType"], "invalidSyntax");
    let not_email = idp
        .post("/scim/v2/Users", json!({ "userName": "not an address" }))
        .await;
    assert_eq!(not_email.body["scimType"], "invalidValue");
    let filter = idp
        .get("/scim/v2/Users?filter=userName%20co%20%22a%22")
        .await;
    assert_eq!(filter.status, StatusCode::BAD_REQUEST);
    assert_eq!(filter.body["scimType"], "invalidFilter");
    let missing = idp.get("/scim/v2/Users/424242").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let bad_op = idp
        .patch("/scim/v2/Users/1", json!([{ "op": "move", "path": "x" }]))
        .await;
    assert_eq!(bad_op.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn lists_page_with_start_index_and_count() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let idp = Idp::of(&app, &admin).await;
    for n in 0..5 {
        idp.provision(&format!("p{n}@example.com")).await;
    }
    let page = idp.get("/scim/v2/Users?startIndex=3&count=2").await;
    assert_eq!(page.body["totalResults"], 5);
    assert_eq!(page.body["startIndex"], 3);
    assert_eq!(page.body["itemsPerPage"], 2);
    assert_eq!(page.body["Resources"][0]["userName"], "p2@example.com");
    let none = idp.get("/scim/v2/Users?count=0").await;
    assert_eq!(none.body["totalResults"], 5);
    assert_eq!(none.body["Resources"], json!([]));
}

#[tokio::test]
async fn the_same_address_can_be_provisioned_in_two_organizations() {
    let app = spawn_app().await;
    let acme = app.admin_of("Acme").await;
    let globex = app.admin_of("Globex").await;
    let a = Idp::of(&app, &acme).await;
    let g = Idp::of(&app, &globex).await;
    let in_acme = a.provision("ivy@example.com").await;
    g.provision("ivy@example.com").await;
    // Each organization sees only its own.
    assert_eq!(
        g.get(&format!("/scim/v2/Users/{in_acme}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(g.get("/scim/v2/Users").await.body["totalResults"], 1);
}

#[tokio::test]
async fn over_the_seat_limit_scim_answers_403_saying_so() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let limited = app
        .patch(
            "/api/v1/organization/settings",
            &admin.token,
            json!({ "seat_limit": 2 }),
        )
        .await;
    assert_eq!(limited.status, StatusCode::OK, "{}", limited.text);
    let idp = Idp::of(&app, &admin).await;
    idp.provision("jo@example.com").await;
    let refused = idp
        .post("/scim/v2/Users", json!({ "userName": "kim@example.com" }))
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.text);
    assert!(refused.body["detail"]
        .as_str()
        .unwrap()
        .contains("seat limit"));
}

#[tokio::test]
async fn activate_mode_creates_active_members_who_sign_in_through_sso() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let org = admin.organization_id;
    // Arranged directly: saving SSO needs a live identity provider (see sso.rs for that path).
    app.with_db(move |conn| {
        use diesel::prelude::*;
        use skillstream_api::db::schema::organizations;
        diesel::update(organizations::table.find(org))
            .set(organizations::scim_provisioning.eq("activate"))
            .execute(conn)
            .unwrap();
    })
    .await;
    let idp = Idp::of(&app, &admin).await;
    let id = idp.provision("lu@example.com").await;
    let member = member_row(&app, &admin, "lu@example.com").await;
    assert_eq!(member["status"], "active");
    assert_eq!(
        app.get("/api/v1/invitations", &admin.token).await.body["total"],
        0
    );
    let events = app
        .get("/api/v1/audit-events?action=member.created", &admin.token)
        .await;
    assert_eq!(events.body["items"][0]["actor"]["type"], "scim");
    assert_eq!(events.body["items"][0]["target"]["email"], "lu@example.com");

    // A new userName changes the member's address.
    let renamed = idp
        .patch(
            &format!("/scim/v2/Users/{id}"),
            json!([{ "op": "replace", "path": "userName", "value": "lucy@example.com" }]),
        )
        .await;
    assert_eq!(renamed.status, StatusCode::OK, "{}", renamed.text);
    assert_eq!(
        member_row(&app, &admin, "lucy@example.com").await["id"],
        member["id"]
    );
}

#[tokio::test]
async fn a_new_user_name_sends_the_pending_invitation_to_the_new_address() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let idp = Idp::of(&app, &admin).await;
    let id = idp.provision("mo@example.com").await;
    idp.provision("taken@example.com").await;
    let clash = idp
        .patch(
            &format!("/scim/v2/Users/{id}"),
            json!([{ "op": "replace", "path": "userName", "value": "TAKEN@example.com" }]),
        )
        .await;
    assert_eq!(clash.status, StatusCode::CONFLICT);
    let moved = idp
        .send(
            Method::PUT,
            &format!("/scim/v2/Users/{id}"),
            Some(
                &json!({ "schemas": [USER], "userName": "maurice@example.com",
                          "name": { "givenName": "Maurice" } }),
            ),
        )
        .await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.text);
    assert_eq!(moved.body["id"], id.as_str());
    let pending = app
        .get("/api/v1/invitations?status=pending&q=maurice", &admin.token)
        .await;
    assert_eq!(pending.body["total"], 1, "{}", pending.text);
    let old = app
        .get("/api/v1/invitations?status=cancelled&q=mo@", &admin.token)
        .await;
    assert_eq!(old.body["total"], 1);
}
