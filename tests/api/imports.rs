//! Bulk invite from CSV: template, upload → preview, send, error report.

use diesel::prelude::*;
use reqwest::StatusCode;
use serde_json::{json, Value};
use skillstream_api::db::schema::{email_outbox, invitation_imports, invitations};
use skillstream_tests::{spawn_app, spawn_app_with, Member, Reply, TestApp};

async fn upload(app: &TestApp, admin: &Member, csv: impl Into<Vec<u8>>) -> Reply {
    upload_to(app, admin, "/api/v1/invitation-imports", csv).await
}

async fn upload_to(app: &TestApp, admin: &Member, path: &str, csv: impl Into<Vec<u8>>) -> Reply {
    let response = app
        .client
        .post(format!("{}{path}", app.address))
        .bearer_auth(&admin.token)
        .header("content-type", "text/csv")
        .body(csv.into())
        .send()
        .await
        .unwrap();
    reply(response).await
}

async fn reply(response: reqwest::Response) -> Reply {
    skillstream_tests::read(response).await
}

async fn send(app: &TestApp, admin: &Member, id: i64, body: Value) -> Reply {
    app.post(
        &format!("/api/v1/invitation-imports/{id}/send"),
        &admin.token,
        body,
    )
    .await
}

async fn count_imports(app: &TestApp) -> i64 {
    app.with_db(|conn| invitation_imports::table.count().get_result(conn).unwrap())
        .await
}

async fn count_invitations(app: &TestApp) -> i64 {
    app.with_db(|conn| invitations::table.count().get_result(conn).unwrap())
        .await
}

fn row(reply: &Reply, line: i64) -> Value {
    reply.body["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["line"] == line)
        .cloned()
        .unwrap_or_else(|| panic!("no row for line {line} in {}", reply.text))
}

fn error_codes(row: &Value) -> Vec<String> {
    row["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap().to_string())
        .collect()
}

async fn acme_with_names(app: &TestApp) -> Member {
    let admin = app.admin_of("Acme").await;
    app.create_department(&admin, "Sales").await;
    app.create_group(&admin, "Managers").await;
    admin
}

#[tokio::test]
async fn the_template_has_the_header_and_an_example_row_that_uploads_cleanly() {
    let app = spawn_app().await;
    let admin = acme_with_names(&app).await;

    let response = app
        .client
        .get(format!("{}/api/v1/invitations/csv-template", app.address))
        .bearer_auth(&admin.token)
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    assert!(response.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("filename="));
    let text = response.text().await.unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("email,first_name,last_name,role,department,group")
    );
    assert_eq!(
        lines.next(),
        Some("jane.doe@example.com,Jane,Doe,learner,Sales,Managers")
    );

    let preview = upload(&app, &admin, text).await;
    assert_eq!(preview.status, StatusCode::CREATED, "{}", preview.text);
    assert_eq!(
        preview.body["summary"],
        json!({ "total": 1, "valid": 1, "invalid": 0 })
    );
}

#[tokio::test]
async fn an_upload_previews_every_row_with_its_line_values_and_errors_and_sends_nothing() {
    let app = spawn_app().await;
    let admin = acme_with_names(&app).await;
    let csv = "email,first_name,last_name,role,department,group\n\
               ada@example.com,Ada,Lovelace,Admin,Sales,Managers\n\
               not-an-email,,,teacher,sales,Manager\n\
               \n\
               bob@example.com,Bob,,,,\n";

    let preview = upload(&app, &admin, csv).await;

    assert_eq!(preview.status, StatusCode::CREATED, "{}", preview.text);
    assert_eq!(
        preview.body["summary"],
        json!({ "total": 3, "valid": 2, "invalid": 1 })
    );
    let ada = row(&preview, 2);
    assert_eq!(ada["valid"], true);
    assert_eq!(ada["values"]["role"], "Admin");
    assert_eq!(ada["values"]["department"], "Sales");
    let bad = row(&preview, 3);
    assert_eq!(
        error_codes(&bad),
        ["invalid_email", "invalid_role", "not_found", "not_found"]
    );
    let department = &bad["errors"][2];
    assert_eq!(department["column"], "department");
    assert_eq!(department["suggestion"], "Sales");
    assert_eq!(
        department["message"],
        "Department \"sales\" does not exist. Did you mean \"Sales\"?"
    );
    assert_eq!(bad["errors"][3]["suggestion"], "Managers");
    assert!(bad["errors"][1]["message"]
        .as_str()
        .unwrap()
        .contains("learner, instructor or admin"));
    assert_eq!(row(&preview, 5)["values"]["email"], "bob@example.com");
    assert_eq!(count_invitations(&app).await, 0);

    let id = preview.body["id"].as_i64().unwrap();
    let again = app
        .get(&format!("/api/v1/invitation-imports/{id}"), &admin.token)
        .await;
    assert_eq!(again.body["rows"], preview.body["rows"]);
    assert_eq!(again.body["summary"], preview.body["summary"]);
}

#[tokio::test]
async fn a_multipart_upload_previews_like_a_raw_one_and_keeps_the_filename() {
    let app = spawn_app().await;
    let admin = acme_with_names(&app).await;
    let csv = "email,department\nada@example.com,Sales\n";
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(csv.as_bytes().to_vec())
            .file_name("people.csv")
            .mime_str("text/csv")
            .unwrap(),
    );
    let response = app
        .client
        .post(format!("{}/api/v1/invitation-imports", app.address))
        .bearer_auth(&admin.token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let multipart = reply(response).await;
    let raw = upload(&app, &admin, csv).await;

    assert_eq!(multipart.status, StatusCode::CREATED, "{}", multipart.text);
    assert_eq!(multipart.body["filename"], "people.csv");
    assert_eq!(multipart.body["rows"], raw.body["rows"]);
}

#[tokio::test]
async fn a_file_saved_by_excel_previews_the_same_as_a_plain_one() {
    let app = spawn_app().await;
    let admin = acme_with_names(&app).await;
    let plain = upload(
        &app,
        &admin,
        "email,first_name,department\nada@example.com,Ada,Sales\nbob@example.com,Bøb,sales\n",
    )
    .await;
    let excel = upload(
        &app,
        &admin,
        b"\xEF\xBB\xBFEmail;First_Name;Department\r\nada@example.com;Ada;Sales\r\nbob@example.com;B\xC3\xB8b;sales\r\n".to_vec(),
    )
    .await;
    assert_eq!(excel.status, StatusCode::CREATED, "{}", excel.text);
    assert_eq!(plain.body["rows"], excel.body["rows"]);
    assert_eq!(plain.body["summary"], excel.body["summary"]);
}

#[tokio::test]
async fn file_level_errors_are_one_clear_error_and_create_no_import() {
    let app = spawn_app().await;
    let admin = acme_with_names(&app).await;
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (b"".to_vec(), "empty_file"),
        (
            b"email,first_name\nada@example.com,Ren\xe9e\n".to_vec(),
            "not_utf8",
        ),
        (b"name,role\nAda,admin\n".to_vec(), "missing_email_column"),
        (
            b"email,phone\nada@example.com,1\n".to_vec(),
            "unknown_columns",
        ),
        (
            b"email,EMAIL\na@example.com,b@example.com\n".to_vec(),
            "duplicate_columns",
        ),
        (
            b"email,role\nada@example.com,admin\nbob@example.com\n".to_vec(),
            "ragged_row",
        ),
        (
            b"email,first_name\nada@example.com,\"Ada\nbob@example.com,Bob\n".to_vec(),
            "unbalanced_quotes",
        ),
    ];
    for (csv, code) in cases {
        let reply = upload(&app, &admin, csv).await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{code}: {}",
            reply.text
        );
        assert_eq!(reply.code(), code);
        assert!(!reply.body["error"]["message"].as_str().unwrap().is_empty());
    }
    let not_utf8 = upload(&app, &admin, b"email\n\xff\n".to_vec()).await;
    assert!(not_utf8.body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("CSV UTF-8"));
    assert_eq!(count_imports(&app).await, 0);
}

#[tokio::test]
async fn files_over_the_row_or_size_limit_are_refused() {
    let app = spawn_app_with(|s| {
        s.imports.max_rows = 3;
        s.imports.max_bytes = 1024;
    })
    .await;
    let admin = app.admin_of("Acme").await;
    let rows = upload(
        &app,
        &admin,
        "email\na@example.com\nb@example.com\nc@example.com\nd@example.com\n",
    )
    .await;
    assert_eq!(rows.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(rows.code(), "too_many_rows");

    let big = format!("email\n{}", "someone@example.com\n".repeat(100));
    let size = upload(&app, &admin, big).await;
    assert_eq!(size.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(size.code(), "file_too_large");
    assert_eq!(count_imports(&app).await, 0);
}

#[tokio::test]
async fn row_rules_cover_names_duplicates_pending_invitations_and_members() {
    let app = spawn_app().await;
    let admin = acme_with_names(&app).await;
    app.invite(&admin, json!({ "email": "pending@example.com" }))
        .await;
    app.member_of(admin.organization_id, "member@example.com", "learner")
        .await;
    let long = "x".repeat(101);
    let csv = format!(
        "email,first_name,last_name\n\
         a@example.com,{long},ok\n\
         b@example.com,\"Bad\tname\",ok\n\
         A@EXAMPLE.com,,\n\
         Pending@example.com,,\n\
         member@Example.com,,\n"
    );
    let preview = upload(&app, &admin, csv).await;
    assert_eq!(error_codes(&row(&preview, 2)), ["too_long"]);
    assert_eq!(error_codes(&row(&preview, 3)), ["invalid_characters"]);
    let duplicate = row(&preview, 4);
    assert_eq!(error_codes(&duplicate), ["duplicate_email"]);
    assert!(duplicate["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("line 2"));
    assert_eq!(
        error_codes(&row(&preview, 5)),
        ["invitation_already_pending"]
    );
    assert_eq!(error_codes(&row(&preview, 6)), ["already_a_member"]);
}

#[tokio::test]
async fn send_refuses_while_rows_have_errors_and_skip_invalid_sends_the_valid_ones() {
    let app = spawn_app().await;
    let admin = acme_with_names(&app).await;
    let preview = upload(
        &app,
        &admin,
        "email,first_name,role,department,group\nada@example.com,Ada,instructor,Sales,Managers\nbad-email,,,,\nbob@example.com,,,,\n",
    )
    .await;
    let id = preview.body["id"].as_i64().unwrap();

    let refused = send(&app, &admin, id, json!({})).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert_eq!(refused.code(), "import_has_errors");
    assert_eq!(refused.body["error"]["invalid_rows"], 1);
    assert!(refused.body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("1 row"));
    assert_eq!(count_invitations(&app).await, 0);

    let sent = send(&app, &admin, id, json!({ "skip_invalid": true })).await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.text);
    assert_eq!(sent.body["created"], 2);
    assert_eq!(sent.body["skipped"], 1);
    assert_eq!(sent.body["skipped_lines"], json!([3]));

    let listed = app.get("/api/v1/invitations?q=ada", &admin.token).await;
    let ada = &listed.body["items"][0];
    assert_eq!(ada["role"], "instructor");
    assert_eq!(ada["department"], "Sales");
    assert_eq!(ada["group"], "Managers");
    assert_eq!(ada["first_name"], "Ada");
    assert_eq!(ada["status"], "pending");
    assert_eq!(ada["email_delivery"]["status"], "queued");
    let queued: i64 = app
        .with_db(|conn| {
            email_outbox::table
                .filter(email_outbox::status.eq("queued"))
                .count()
                .get_result(conn)
                .unwrap()
        })
        .await;
    assert_eq!(queued, 2);
    // A sent invitation's link works like a single invitation's.
    let id = ada["id"].as_i64().unwrap();
    let token = app.link_token(id).await;
    let look = app.landing(&token).await;
    assert_eq!(look.body["email"], "ada@example.com");
}

#[tokio::test]
async fn sending_twice_or_concurrently_creates_nothing_new_and_returns_the_first_result() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let csv: String = std::iter::once("email".to_string())
        .chain((0..50).map(|i| format!("user{i}@example.com")))
        .collect::<Vec<_>>()
        .join("\n");
    let id = upload(&app, &admin, csv).await.body["id"].as_i64().unwrap();

    let replies =
        futures::future::join_all((0..4).map(|_| send(&app, &admin, id, json!({})))).await;
    let again = send(&app, &admin, id, json!({})).await;

    for reply in replies.iter().chain(std::iter::once(&again)) {
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        assert_eq!(reply.body["created"], 50);
        assert_eq!(reply.body["sent_at"], replies[0].body["sent_at"]);
    }
    assert_eq!(count_invitations(&app).await, 50);
    let shown = app
        .get(&format!("/api/v1/invitation-imports/{id}"), &admin.token)
        .await;
    assert_eq!(shown.body["status"], "sent");
    assert_eq!(shown.body["result"]["created"], 50);
}

#[tokio::test]
async fn a_department_renamed_between_preview_and_send_turns_its_rows_into_errors() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let sales = app.create_department(&admin, "Sales").await;
    let id = upload(
        &app,
        &admin,
        "email,department\nada@example.com,Sales\nbob@example.com,\n",
    )
    .await
    .body["id"]
        .as_i64()
        .unwrap();
    app.patch(
        &format!("/api/v1/departments/{sales}"),
        &admin.token,
        json!({ "name": "Sales EMEA" }),
    )
    .await;

    let refused = send(&app, &admin, id, json!({})).await;

    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert_eq!(refused.body["error"]["invalid_rows"], 1);
    let shown = app
        .get(
            &format!("/api/v1/invitation-imports/{id}?errors_only=true"),
            &admin.token,
        )
        .await;
    assert_eq!(shown.body["rows_total"], 1);
    let row = &shown.body["rows"][0];
    assert_eq!(row["line"], 2);
    assert_eq!(row["errors"][0]["code"], "not_found");
    assert_eq!(row["errors"][0]["suggestion"], "Sales EMEA");
    let sent = send(&app, &admin, id, json!({ "skip_invalid": true })).await;
    assert_eq!(sent.body["created"], 1);
}

#[tokio::test]
async fn someone_invited_between_preview_and_send_is_skipped_not_invited_twice() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let id = upload(&app, &admin, "email\nada@example.com\nbob@example.com\n")
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    app.invite(&admin, json!({ "email": "ADA@example.com" }))
        .await;

    let sent = send(&app, &admin, id, json!({ "skip_invalid": true })).await;

    assert_eq!(sent.body["created"], 1);
    assert_eq!(sent.body["skipped_lines"], json!([2]));
    assert_eq!(count_invitations(&app).await, 2);
}

#[tokio::test]
async fn the_error_report_has_the_original_columns_line_and_errors_with_formulas_neutralised() {
    let app = spawn_app().await;
    let admin = acme_with_names(&app).await;
    let csv = "Email;First_Name;Department\nok@example.com;Ok;Sales\n=HYPERLINK(\"http://evil\");@SUM(A1);+Sales\n";
    let id = upload(&app, &admin, csv).await.body["id"].as_i64().unwrap();

    let response = app
        .client
        .get(format!(
            "{}/api/v1/invitation-imports/{id}/errors.csv",
            app.address
        ))
        .bearer_auth(&admin.token)
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains(".csv"));
    let text = response.text().await.unwrap();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(
        &records[0].iter().collect::<Vec<_>>(),
        &["Email", "First_Name", "Department", "line", "errors"]
    );
    assert_eq!(records.len(), 2, "only rows with errors: {text}");
    let bad = &records[1];
    assert_eq!(&bad[0], "'=HYPERLINK(\"http://evil\")");
    assert_eq!(&bad[1], "'@SUM(A1)");
    assert_eq!(&bad[2], "'+Sales");
    assert_eq!(&bad[3], "3");
    assert!(
        bad[4].contains("email:") && bad[4].contains("department:"),
        "{}",
        &bad[4]
    );
}

#[tokio::test]
async fn a_5000_row_file_with_errors_from_row_4000_reports_them_all() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let mut csv = String::from("email,role\n");
    for i in 0..5000 {
        if i >= 4000 && i % 10 == 0 {
            csv.push_str(&format!("user{i}@example.com,boss\n"));
        } else {
            csv.push_str(&format!("user{i}@example.com,learner\n"));
        }
    }
    let preview = upload(&app, &admin, csv).await;
    assert_eq!(preview.status, StatusCode::CREATED);
    assert_eq!(
        preview.body["summary"],
        json!({ "total": 5000, "valid": 4900, "invalid": 100 })
    );
    let id = preview.body["id"].as_i64().unwrap();

    let errors = app
        .get(
            &format!("/api/v1/invitation-imports/{id}?errors_only=true&per_page=1000"),
            &admin.token,
        )
        .await;
    let lines: Vec<i64> = errors.body["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["line"].as_i64().unwrap())
        .collect();
    let expected: Vec<i64> = (4000..5000)
        .filter(|i| i % 10 == 0)
        .map(|i| i + 2)
        .collect();
    assert_eq!(lines, expected);

    let page = app
        .get(
            &format!("/api/v1/invitation-imports/{id}?per_page=100&page=50"),
            &admin.token,
        )
        .await;
    assert_eq!(page.body["rows"].as_array().unwrap().len(), 100);
    assert_eq!(page.body["rows"][0]["line"], 4902);
    assert_eq!(page.body["total_pages"], 50);
}

#[tokio::test]
async fn another_organization_s_import_is_not_found() {
    let app = spawn_app().await;
    let a = app.admin_of("Acme").await;
    let b = app.admin_of("Globex").await;
    let id = upload(&app, &b, "email\nx@example.com\n").await.body["id"]
        .as_i64()
        .unwrap();
    assert_eq!(
        app.get(&format!("/api/v1/invitation-imports/{id}"), &a.token)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        send(&app, &a, id, json!({})).await.status,
        StatusCode::NOT_FOUND
    );
    let report = app
        .get(
            &format!("/api/v1/invitation-imports/{id}/errors.csv"),
            &a.token,
        )
        .await;
    assert_eq!(report.status, StatusCode::NOT_FOUND);
    assert_eq!(count_invitations(&app).await, 0);
}

#[tokio::test]
async fn an_import_older_than_a_day_cannot_be_sent() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let id = upload(&app, &admin, "email\nx@example.com\n").await.body["id"]
        .as_i64()
        .unwrap();
    app.with_db(move |conn| {
        diesel::update(invitation_imports::table.find(id))
            .set(
                invitation_imports::expires_at.eq(skillstream_api::db::to_db(
                    chrono::Utc::now() - chrono::Duration::minutes(1),
                )),
            )
            .execute(conn)
            .unwrap()
    })
    .await;
    let reply = send(&app, &admin, id, json!({})).await;
    assert_eq!(reply.status, StatusCode::GONE);
    assert_eq!(reply.code(), "import_expired");
}

#[tokio::test]
async fn learners_cannot_import() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let learner = app
        .member_of(admin.organization_id, "l@example.com", "learner")
        .await;
    assert_eq!(
        upload(&app, &learner, "email\nx@example.com\n")
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}

/// Another organization's import id is refused before its row is locked: a send that names it
/// answers 404 at once, even while that import is locked by its own organization's send.
/// (SQLite takes no row locks, so this runs on PostgreSQL only.)
#[tokio::test]
async fn sending_another_organizations_import_never_waits_on_its_lock() {
    let app = spawn_app().await;
    let skillstream_api::db::DatabaseTarget::Postgres(url) = app.settings.database.clone() else {
        return;
    };
    let acme = app.admin_of("Acme").await;
    let globex = app.admin_of("Globex").await;
    let uploaded = upload(&app, &globex, "email\nada@example.com\n").await;
    let id = uploaded.body["id"].as_i64().unwrap();
    let (locked_tx, locked_rx) = std::sync::mpsc::channel();
    let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
    let holder = std::thread::spawn(move || {
        use diesel::prelude::*;
        let mut conn = diesel::PgConnection::establish(&url).unwrap();
        conn.transaction::<_, diesel::result::Error, _>(|conn| {
            diesel::sql_query(format!(
                "SELECT id FROM invitation_imports WHERE id = {id} FOR UPDATE"
            ))
            .execute(conn)?;
            locked_tx.send(()).unwrap();
            let _ = release_rx.recv_timeout(std::time::Duration::from_secs(30));
            Ok(())
        })
        .unwrap();
    });
    locked_rx.recv().unwrap();
    let path = format!("/api/v1/invitation-imports/{id}/send");
    let send = app.post(&path, &acme.token, json!({}));
    let answer = tokio::time::timeout(std::time::Duration::from_secs(10), send)
        .await
        .expect("answered without waiting for the other organization's lock");
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    release_tx.send(()).unwrap();
    holder.join().unwrap();
}

/// Previews are not kept for ever: after `IMPORT_RETENTION_DAYS` an unsent preview is gone and
/// a sent import keeps only its summary.
#[tokio::test]
async fn old_previews_are_swept_and_sent_imports_keep_their_summary() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let csv = "email\nada@example.com\nnot-an-email\n";
    let old_preview = upload(&app, &admin, csv).await.body["id"].as_i64().unwrap();
    let old_sent = upload(&app, &admin, "email\ngrace@example.com\n")
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    let sent = app
        .post(
            &format!("/api/v1/invitation-imports/{old_sent}/send"),
            &admin.token,
            json!({}),
        )
        .await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.text);
    let fresh = upload(&app, &admin, csv).await.body["id"].as_i64().unwrap();
    let swept = app
        .with_db(move |conn| {
            use skillstream_api::db::schema::invitation_imports;
            let long_ago =
                skillstream_api::db::to_db(chrono::Utc::now() - chrono::Duration::days(31));
            diesel::update(
                invitation_imports::table
                    .filter(invitation_imports::id.eq_any([old_preview, old_sent])),
            )
            .set(invitation_imports::created_at.eq(long_ago))
            .execute(conn)
            .unwrap();
            skillstream_store::housekeeping::sweep(
                conn,
                chrono::Utc::now(),
                chrono::Duration::days(30),
            )
            .unwrap()
        })
        .await;
    assert_eq!((swept.import_previews, swept.sent_import_rows), (1, 1));

    let gone = app
        .get(
            &format!("/api/v1/invitation-imports/{old_preview}"),
            &admin.token,
        )
        .await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    let kept = app
        .get(
            &format!("/api/v1/invitation-imports/{old_sent}"),
            &admin.token,
        )
        .await;
    assert_eq!(kept.status, StatusCode::OK, "{}", kept.text);
    assert_eq!(kept.body["summary"]["total"], 1);
    assert_eq!(kept.body["rows"].as_array().map(Vec::len), Some(0));
    let recent = app
        .get(&format!("/api/v1/invitation-imports/{fresh}"), &admin.token)
        .await;
    assert_eq!(recent.body["rows"].as_array().map(Vec::len), Some(2));
}

#[tokio::test]
async fn a_review_can_start_with_the_rows_to_fix() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let csv = "email\nada@example.com\nnot-an-address\nbob@example.com\ncy@example.com\nalso bad\n";
    let id = upload(&app, &admin, csv).await.body["id"].as_i64().unwrap();
    let lines = |page: &Value| -> Vec<i64> {
        page["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["line"].as_i64().unwrap())
            .collect()
    };

    let first = app
        .get(
            &format!("/api/v1/invitation-imports/{id}?errors_first=true&per_page=3"),
            &admin.token,
        )
        .await;
    let second = app
        .get(
            &format!("/api/v1/invitation-imports/{id}?errors_first=true&per_page=3&page=2"),
            &admin.token,
        )
        .await;
    let plain = app
        .get(
            &format!("/api/v1/invitation-imports/{id}?per_page=3"),
            &admin.token,
        )
        .await;

    // Lines 3 and 6 have errors: they come first, then the others, each in file order.
    assert_eq!(lines(&first.body), [3, 6, 2], "{}", first.text);
    assert_eq!(lines(&second.body), [4, 5]);
    assert_eq!(first.body["rows_total"], 5);
    assert_eq!(lines(&plain.body), [2, 3, 4]);
}

#[tokio::test]
async fn a_preview_row_whose_domain_looks_mistyped_carries_a_warning_and_stays_valid() {
    let app = spawn_app().await;
    let admin = acme_with_names(&app).await;
    let csv = "email\nbob@gmial.com\nann@example.com\n";

    let preview = upload(&app, &admin, csv).await;

    assert_eq!(preview.status, StatusCode::CREATED, "{}", preview.text);
    assert_eq!(
        preview.body["summary"],
        json!({ "total": 2, "valid": 2, "invalid": 0 })
    );
    let bob = row(&preview, 2);
    assert_eq!(bob["valid"], true);
    assert_eq!(bob["warnings"][0]["column"], "email");
    assert_eq!(bob["warnings"][0]["code"], "possible_typo");
    assert_eq!(bob["warnings"][0]["suggestion"], "bob@gmail.com");
    assert!(row(&preview, 3).get("warnings").is_none());
}
