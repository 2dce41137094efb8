//! Import, second edition: any spreadsheet (.xlsx, .xls, .ods as well as CSV), a workbook's
//! `sheet`, headers in other words and languages, `column_map` with "ignore", saved maps
//! offered again for the same headers, and clear errors for everything else.

use reqwest::StatusCode;
use serde_json::json;
use skillstream_tests::workbooks::{ods, upload_file, xls, xlsx};
use skillstream_tests::{spawn_app, Member, TestApp};

async fn acme(app: &TestApp) -> Member {
    let admin = app.admin_of("Acme").await;
    app.create_department(&admin, "Sales").await;
    app.create_group(&admin, "007").await;
    admin
}

fn emails(reply: &skillstream_tests::Reply) -> Vec<String> {
    reply.body["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["values"]["email"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn an_xlsx_with_other_headers_goes_through_a_mapping_that_is_saved_and_offered_again() {
    let app = spawn_app().await;
    let admin = acme(&app).await;
    let rows: &[&[&str]] = &[
        &[
            "Email Address",
            "Vorname",
            "Nom",
            "Team",
            "User Group",
            "Employee ID",
        ],
        &[
            "ada@example.com",
            "Ada",
            "Lovelace",
            "Sales",
            "007",
            "00042",
        ],
        &[],
        &["bob@example.com", "Bob", "", "sales", "", "00043"],
    ];
    let book = xlsx(&[("People", rows)]);

    // "Employee ID" is nobody's name for a field: the mapping step gets every header with
    // what it was read as, and nothing is stored.
    let unknown = upload_file(&app, &admin, "people.xlsx", book.clone(), &[]).await;
    assert_eq!(
        unknown.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        unknown.text
    );
    assert_eq!(unknown.code(), "unknown_columns");
    assert!(unknown.body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("\"Employee ID\""));
    assert_eq!(
        unknown.body["error"]["columns"],
        json!([
            {"header": "Email Address", "field": "email"},
            {"header": "Vorname", "field": "first_name"},
            {"header": "Nom", "field": "last_name"},
            {"header": "Team", "field": "department"},
            {"header": "User Group", "field": "group"},
            {"header": "Employee ID", "field": null},
        ])
    );

    let mapped = upload_file(
        &app,
        &admin,
        "people.xlsx",
        book.clone(),
        &[
            ("column_map", r#"{"Employee ID": "ignore"}"#),
            ("save_column_map", "true"),
        ],
    )
    .await;
    assert_eq!(mapped.status, StatusCode::CREATED, "{}", mapped.text);
    assert_eq!(mapped.body["filename"], "people.xlsx");
    assert_eq!(emails(&mapped), ["ada@example.com", "bob@example.com"]);
    // Lines are the sheet's rows: the empty row 3 is skipped but counted.
    assert_eq!(mapped.body["rows"][1]["line"], 4);
    // Text as the sheet shows it: the group "007" keeps its zeros and matches.
    assert_eq!(mapped.body["rows"][0]["values"]["group"], "007");
    assert_eq!(mapped.body["rows"][0]["valid"], true, "{}", mapped.text);
    assert_eq!(mapped.body["rows"][1]["errors"][0]["suggestion"], "Sales");
    assert_eq!(mapped.body["column_map"]["Employee ID"], "ignore");
    assert_eq!(mapped.body["column_map"]["Vorname"], "first_name");

    // The same headers later: the saved map is used without being asked.
    let again = upload_file(&app, &admin, "people-2.xlsx", book, &[]).await;
    assert_eq!(again.status, StatusCode::CREATED, "{}", again.text);
    assert_eq!(again.body["column_map"]["Employee ID"], "ignore");

    // Another organization has no such map.
    let other = app.admin_of("Globex").await;
    let theirs = upload_file(&app, &other, "people.xlsx", xlsx(&[("People", rows)]), &[]).await;
    assert_eq!(theirs.code(), "unknown_columns");

    // The error report keeps the file's columns, in the mapped reading.
    let id = mapped.body["id"].as_i64().unwrap();
    let report = app
        .client
        .get(format!(
            "{}/api/v1/invitation-imports/{id}/errors.csv",
            app.address
        ))
        .bearer_auth(&admin.token)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let mut lines = report.trim_start_matches('\u{feff}').lines();
    assert_eq!(
        lines.next(),
        Some("Email Address,Vorname,Nom,Team,User Group,Employee ID,line,errors")
    );
    assert!(lines
        .next()
        .unwrap()
        .starts_with("bob@example.com,Bob,,sales,,,4,"));
}

#[tokio::test]
async fn an_ods_and_an_xls_read_like_a_csv_and_a_sheet_can_be_chosen() {
    let app = spawn_app().await;
    let admin = acme(&app).await;
    let book = ods(
        "Personnel",
        &[
            &["Courriel", "Prénom", "Département", "Statut"],
            &["ods.ada@example.com", "Ada", "Sales", ""],
        ],
    );
    let preview = upload_file(&app, &admin, "people.ods", book, &[]).await;
    assert_eq!(preview.status, StatusCode::CREATED, "{}", preview.text);
    assert_eq!(emails(&preview), ["ods.ada@example.com"]);
    assert_eq!(preview.body["rows"][0]["values"]["department"], "Sales");
    assert_eq!(preview.body["rows"][0]["valid"], true);

    // The legacy .xls: sheet "Notes" is empty, so "Staff" is read; or named, any case.
    for fields in [vec![], vec![("sheet", "staff")]] {
        let preview = upload_file(
            &app,
            &admin,
            "people.xls",
            xls(),
            &[
                &fields[..],
                &[(
                    "column_map",
                    r#"{"Personalnummer": "ignore", "Eintritt": "ignore"}"#,
                )],
            ]
            .concat(),
        )
        .await;
        assert_eq!(preview.status, StatusCode::CREATED, "{}", preview.text);
        assert_eq!(
            emails(&preview),
            ["xls.ada@example.com", "xls.bob@example.com"]
        );
        assert_eq!(preview.body["rows"][0]["values"]["last_name"], "Lovelace");
    }
    let missing = upload_file(&app, &admin, "people.xls", xls(), &[("sheet", "Payroll")]).await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(missing.code(), "sheet_not_found");
    assert!(missing.body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("\"Notes\", \"Staff\""));
    // The raw body works for a workbook too, with the options in the query string.
    let response = app
        .client
        .post(format!("{}/api/v1/invitation-imports?sheet=Staff&column_map=%7B%22Personalnummer%22%3A%22ignore%22%2C%22Eintritt%22%3A%22ignore%22%7D", app.address))
        .bearer_auth(&admin.token)
        .header("content-type", "application/vnd.ms-excel")
        .body(xls())
        .send()
        .await
        .unwrap();
    let raw = skillstream_tests::read(response).await;
    assert_eq!(raw.status, StatusCode::CREATED, "{}", raw.text);
}

#[tokio::test]
async fn files_that_are_not_lists_of_people_are_named_and_nothing_is_stored() {
    let app = spawn_app().await;
    let admin = acme(&app).await;
    let cases: [(&str, Vec<u8>, &str, &str); 5] = [
        (
            "scan.pdf",
            b"%PDF-1.7\n...".to_vec(),
            "unsupported_file",
            "a PDF document",
        ),
        (
            "photo.png",
            b"\x89PNG\r\n\x1a\n....".to_vec(),
            "unsupported_file",
            "a PNG image",
        ),
        (
            "broken.xlsx",
            b"PK\x03\x04 xl/workbook.xml and then nothing".to_vec(),
            "unreadable_workbook",
            "could not be read",
        ),
        (
            "latin1.csv",
            b"email,first_name\nada@example.com,Jos\xe9\n".to_vec(),
            "not_utf8",
            "UTF-8",
        ),
        (
            "people.csv",
            b"email\nada@example.com\n".to_vec(),
            "invalid_column_map",
            "full_name",
        ),
    ];
    for (name, bytes, code, words) in cases {
        let fields: &[(&str, &str)] = if code == "invalid_column_map" {
            &[("column_map", r#"{"email": "full_name"}"#)]
        } else {
            &[]
        };
        let reply = upload_file(&app, &admin, name, bytes, fields).await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{name}: {}",
            reply.text
        );
        assert_eq!(reply.code(), code, "{name}: {}", reply.text);
        assert!(
            reply.body["error"]["message"]
                .as_str()
                .unwrap()
                .contains(words),
            "{}",
            reply.text
        );
    }
    let list = app.get("/api/v1/invitations", &admin.token).await;
    assert_eq!(list.body["total"], 0);
}

#[tokio::test]
async fn a_file_read_in_the_background_shows_its_progress_then_its_preview_or_why_it_failed() {
    let app = spawn_app().await;
    let admin = acme(&app).await;
    let mut csv = String::from("email,department\n");
    for i in 0..12_000 {
        csv.push_str(&format!("bg{i}@example.com,Sales\n"));
    }
    let started = upload_file(
        &app,
        &admin,
        "big.csv",
        csv.into_bytes(),
        &[("background", "true")],
    )
    .await;
    assert_eq!(started.status, StatusCode::ACCEPTED, "{}", started.text);
    assert_eq!(started.body["progress"]["state"], "checking");
    let id = started.body["id"].as_i64().unwrap();
    let done = app
        .eventually(std::time::Duration::from_secs(30), || async {
            let shown = app
                .get(
                    &format!("/api/v1/invitation-imports/{id}?per_page=1"),
                    &admin.token,
                )
                .await;
            shown.body["progress"].is_null().then_some(shown)
        })
        .await;
    assert_eq!(
        done.body["summary"],
        json!({"total": 12000, "valid": 12000, "invalid": 0})
    );
    assert_eq!(done.body["rows"][0]["values"]["email"], "bg0@example.com");

    // A ragged row past the first few thousand: the import stays, failed, with the reason,
    // and cannot be sent.
    let mut broken = String::from("email,department\n");
    for i in 0..6_000 {
        broken.push_str(&format!("rag{i}@example.com,Sales\n"));
    }
    broken.push_str("late@example.com,Sales,extra\n");
    let started = upload_file(
        &app,
        &admin,
        "broken.csv",
        broken.clone().into_bytes(),
        &[("background", "true")],
    )
    .await;
    let id = started.body["id"].as_i64().unwrap();
    let failed = app
        .eventually(std::time::Duration::from_secs(30), || async {
            let shown = app
                .get(&format!("/api/v1/invitation-imports/{id}"), &admin.token)
                .await;
            (shown.body["progress"]["state"] == "failed").then_some(shown)
        })
        .await;
    assert!(
        failed.body["progress"]["error"]
            .as_str()
            .unwrap()
            .contains("Line 6002"),
        "{}",
        failed.text
    );
    let send = app
        .post(
            &format!("/api/v1/invitation-imports/{id}/send"),
            &admin.token,
            json!({}),
        )
        .await;
    assert_eq!(send.status, StatusCode::CONFLICT);
    assert_eq!(send.code(), "import_not_ready");

    // The same file uploaded and read at once: 422, and no import is left behind.
    let before = app
        .get("/api/v1/invitation-imports", &admin.token)
        .await
        .body["total"]
        .clone();
    let refused = upload_file(&app, &admin, "broken.csv", broken.into_bytes(), &[]).await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.text
    );
    assert_eq!(refused.code(), "ragged_row");
    let after = app
        .get("/api/v1/invitation-imports", &admin.token)
        .await
        .body["total"]
        .clone();
    assert_eq!(before, after);
}
