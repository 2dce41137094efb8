//! Import, second edition: fixing a preview in place (a row's cells, a suggestion applied to
//! every cell with the same value) and the import history with email progress.

use reqwest::StatusCode;
use serde_json::{json, Value};
use skillstream_tests::workbooks::upload_file;
use skillstream_tests::{spawn_app, spawn_app_with, Member, Reply, TestApp};

async fn preview(app: &TestApp, admin: &Member, csv: &str) -> Reply {
    let reply = upload_file(app, admin, "people.csv", csv.as_bytes().to_vec(), &[]).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    reply
}

fn row(reply: &Reply, line: i64) -> Value {
    let shown = reply.body["rows"].as_array().unwrap();
    shown.iter().find(|r| r["line"] == line).cloned().unwrap()
}

async fn edit(app: &TestApp, admin: &Member, id: i64, line: i64, body: Value) -> Reply {
    app.patch(
        &format!("/api/v1/invitation-imports/{id}/rows/{line}"),
        &admin.token,
        body,
    )
    .await
}

#[tokio::test]
async fn a_row_edited_in_the_preview_is_rechecked_at_once_with_the_rows_sharing_its_address() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    app.create_department(&admin, "Sales").await;
    let csv = "email,department\nada@example.com,sales\nbob@example.com,Sales\nbob@example.com,\ncid@example,Sales\n";
    let upload = preview(&app, &admin, csv).await;
    let id = upload.body["id"].as_i64().unwrap();
    assert_eq!(
        upload.body["summary"],
        json!({"total": 4, "valid": 1, "invalid": 3})
    );
    assert_eq!(row(&upload, 4)["errors"][0]["code"], "duplicate_email");

    // The department fixed: the row is valid and the counts follow.
    let fixed = edit(&app, &admin, id, 2, json!({"department": "Sales"})).await;
    assert_eq!(fixed.status, StatusCode::OK, "{}", fixed.text);
    assert_eq!(fixed.body["line"], 2);
    assert_eq!(fixed.body["valid"], true);
    assert_eq!(fixed.body["action"], "invite");
    assert_eq!(fixed.body["values"]["department"], "Sales");
    assert_eq!(
        fixed.body["summary"],
        json!({"total": 4, "valid": 2, "invalid": 2})
    );
    assert_eq!(fixed.body["others"], json!([]));

    // The duplicate's address changed: it is valid, and so is the row it duplicated.
    let moved = edit(&app, &admin, id, 4, json!({"email": "bea@example.com"})).await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.text);
    assert_eq!(moved.body["valid"], true, "{}", moved.text);
    assert_eq!(moved.body["summary"]["invalid"], 1);
    // Giving another row the first row's address makes the later one the duplicate.
    let clash = edit(&app, &admin, id, 5, json!({"email": "ADA@example.com"})).await;
    assert_eq!(
        clash.body["errors"][0]["code"], "duplicate_email",
        "{}",
        clash.text
    );
    assert!(clash.body["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("line 2"));

    // The stored preview says the same, and the send goes by it.
    let shown = app
        .get(
            &format!("/api/v1/invitation-imports/{id}?errors_first=true"),
            &admin.token,
        )
        .await;
    assert_eq!(shown.body["rows"][0]["line"], 5);
    assert_eq!(shown.body["summary"]["invalid"], 1);
    let fixed = edit(&app, &admin, id, 5, json!({"email": "cid@example.com"})).await;
    assert_eq!(fixed.body["valid"], true);
    let sent = app
        .post(
            &format!("/api/v1/invitation-imports/{id}/send"),
            &admin.token,
            json!({}),
        )
        .await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.text);
    assert_eq!(sent.body["created"], 4);
    let invited = app
        .get(
            &format!("/api/v1/invitations?import_id={id}&q=bea@"),
            &admin.token,
        )
        .await;
    assert_eq!(invited.body["total"], 1);

    // A sent import is no longer edited.
    let late = edit(&app, &admin, id, 2, json!({"first_name": "Ada"})).await;
    assert_eq!(late.status, StatusCode::CONFLICT);
    assert_eq!(late.code(), "import_already_sent");
}

#[tokio::test]
async fn bad_edits_are_refused_clearly_and_other_organizations_see_nothing() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let upload = preview(&app, &admin, "email\nada@example.com\n").await;
    let id = upload.body["id"].as_i64().unwrap();
    let unknown = edit(&app, &admin, id, 2, json!({"phone": "123"})).await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unknown.field_error("phone").is_some(), "{}", unknown.text);
    let number = edit(&app, &admin, id, 2, json!({"first_name": 42})).await;
    assert_eq!(number.status, StatusCode::UNPROCESSABLE_ENTITY);
    let no_line = edit(&app, &admin, id, 99, json!({"first_name": "Ada"})).await;
    assert_eq!(no_line.status, StatusCode::NOT_FOUND);
    let broken = app
        .client
        .patch(format!(
            "{}/api/v1/invitation-imports/{id}/rows/2",
            app.address
        ))
        .bearer_auth(&admin.token)
        .header("content-type", "application/json")
        .body("{\"first_name\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(broken.status(), StatusCode::BAD_REQUEST);
    let bad_column = app
        .post(
            &format!("/api/v1/invitation-imports/{id}/apply-suggestion"),
            &admin.token,
            json!({"column": "salary", "from": "1", "to": "2"}),
        )
        .await;
    assert_eq!(bad_column.status, StatusCode::UNPROCESSABLE_ENTITY);

    let other = app.admin_of("Globex").await;
    let theirs = edit(&app, &other, id, 2, json!({"first_name": "Mallory"})).await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND);
    let applied = app
        .post(
            &format!("/api/v1/invitation-imports/{id}/apply-suggestion"),
            &other.token,
            json!({"column": "email", "from": "ada@example.com", "to": "eve@example.com"}),
        )
        .await;
    assert_eq!(applied.status, StatusCode::NOT_FOUND);
    let history = app.get("/api/v1/invitation-imports", &other.token).await;
    assert_eq!(history.body["total"], 0);
}

#[tokio::test]
async fn a_suggestion_applied_to_all_fixes_every_cell_with_that_value_and_keeps_other_errors() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    app.create_department(&admin, "Sales").await;
    let csv = "email,department,role\n\
               a@example.com,sales,\n\
               b@example.com,sales,\n\
               a@example.com,sales,\n\
               c@example.com,sales,boss\n\
               d@example.com,Sales,\n";
    let upload = preview(&app, &admin, csv).await;
    let id = upload.body["id"].as_i64().unwrap();
    assert_eq!(row(&upload, 2)["errors"][0]["suggestion"], "Sales");
    // The preview offers it for every such cell at once.
    assert_eq!(
        upload.body["suggestions"],
        json!([{"column": "department", "from": "sales", "to": "Sales", "cells": 4}])
    );
    let applied = app
        .post(
            &format!("/api/v1/invitation-imports/{id}/apply-suggestion"),
            &admin.token,
            json!({"column": "department", "from": "sales", "to": "Sales"}),
        )
        .await;
    assert_eq!(applied.status, StatusCode::OK, "{}", applied.text);
    assert_eq!(applied.body["fixed"], 4);
    // Line 4 is still a duplicate of line 2, line 5 still has a bad role.
    assert_eq!(
        applied.body["summary"],
        json!({"total": 5, "valid": 3, "invalid": 2})
    );
    let shown = app
        .get(
            &format!("/api/v1/invitation-imports/{id}?errors_only=true"),
            &admin.token,
        )
        .await;
    let codes: Vec<(i64, Vec<&str>)> = shown.body["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let codes = r["errors"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["code"].as_str().unwrap())
                .collect();
            (r["line"].as_i64().unwrap(), codes)
        })
        .collect();
    assert_eq!(
        codes,
        vec![(4, vec!["duplicate_email"]), (5, vec!["invalid_role"])]
    );
    // Nothing left to apply.
    let again = app
        .post(
            &format!("/api/v1/invitation-imports/{id}/apply-suggestion"),
            &admin.token,
            json!({"column": "department", "from": "sales", "to": "Sales"}),
        )
        .await;
    assert_eq!(again.body["fixed"], 0);
}

#[tokio::test]
async fn the_history_lists_every_import_with_who_when_mode_counts_and_email_progress() {
    // Emails are written to the mail folder by the worker.
    let app = spawn_app_with(|s| s.outbox_worker = true).await;
    let admin = app.admin_of("Acme").await;
    let first = preview(
        &app,
        &admin,
        "email\nh1@example.com\nh2@example.com\nnot-an-address\n",
    )
    .await;
    let first_id = first.body["id"].as_i64().unwrap();
    let sent = app
        .post(
            &format!("/api/v1/invitation-imports/{first_id}/send"),
            &admin.token,
            json!({"skip_invalid": true}),
        )
        .await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.text);
    let second = upload_file(
        &app,
        &admin,
        "update.csv",
        b"email,status\nh1@example.com,\n".to_vec(),
        &[("mode", "update_only")],
    )
    .await;
    let second_id = second.body["id"].as_i64().unwrap();

    let history = app
        .get("/api/v1/invitation-imports?per_page=10", &admin.token)
        .await;
    assert_eq!(history.status, StatusCode::OK, "{}", history.text);
    assert_eq!(history.body["total"], 2);
    let items = history.body["items"].as_array().unwrap();
    assert_eq!(items[0]["id"], second_id, "newest first");
    assert_eq!(items[0]["mode"], "update_only");
    assert_eq!(items[0]["status"], "previewed");
    assert_eq!(items[0]["file_name"], "update.csv");
    assert_eq!(items[0]["result"], Value::Null);
    let item = &items[1];
    assert_eq!(item["id"], first_id);
    assert_eq!(item["file_name"], "people.csv");
    assert_eq!(item["created_by"]["id"], admin.user_id);
    assert_eq!(item["created_by"]["name"], admin.email);
    assert_eq!(item["mode"], "invite_new");
    assert_eq!(item["status"], "sent");
    assert_eq!(
        item["summary"],
        json!({"total": 3, "valid": 2, "invalid": 1})
    );
    assert_eq!(item["result"]["created"], 2);
    assert_eq!(item["result"]["skipped"], 1);
    let emails = &item["emails"];
    assert_eq!(
        emails["queued"].as_i64().unwrap()
            + emails["sent"].as_i64().unwrap()
            + emails["failed"].as_i64().unwrap(),
        2,
        "{emails}"
    );
    assert!(item["created_at"].as_str().is_some());
    // The emails go out: the history follows.
    let delivered = app
        .eventually(std::time::Duration::from_secs(20), || async {
            let history = app.get("/api/v1/invitation-imports", &admin.token).await;
            let sent = history.body["items"][1]["emails"]["sent"]
                .as_i64()
                .unwrap_or(0);
            (sent == 2).then_some(sent)
        })
        .await;
    assert_eq!(delivered, 2);
}
