//! How the app talks to its database, where that is visible only from the database's side.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::Text;
use skillstream_api::db::{read_page, DbConnection};
use skillstream_tests::spawn_app;

#[derive(QueryableByName)]
struct Setting {
    #[diesel(sql_type = Text)]
    plan_cache_mode: String,
}

fn plan_cache_mode(conn: &mut DbConnection) -> String {
    diesel::sql_query("SHOW plan_cache_mode")
        .get_result::<Setting>(conn)
        .unwrap()
        .plan_cache_mode
}

/// Pages (`LIMIT $n OFFSET $m`) that are not searched are read with PostgreSQL's generic
/// plans, in a read-only transaction that takes the setting with it when it ends, whether the
/// work succeeded or not: the next user of the pooled connection plans as usual. SQLite has
/// no plan cache, so there the work simply runs.
#[tokio::test]
async fn pages_are_read_with_generic_plans_that_end_with_the_page() {
    let app = spawn_app().await;
    let postgres = matches!(
        app.settings.database,
        skillstream_api::db::DatabaseTarget::Postgres(_)
    );
    app.with_db(move |conn| {
        let inside = read_page(conn, false, |conn| {
            Ok::<_, diesel::result::Error>(if postgres {
                plan_cache_mode(conn)
            } else {
                "ran".to_string()
            })
        })
        .unwrap();
        if !postgres {
            assert_eq!(inside, "ran");
            return;
        }
        assert_eq!(inside, "force_generic_plan");
        assert_eq!(plan_cache_mode(conn), "auto");

        // A searched page is planned for its text.
        let searched = read_page(conn, true, |conn| {
            Ok::<_, diesel::result::Error>(plan_cache_mode(conn))
        })
        .unwrap();
        assert_eq!(searched, "auto");

        // A failure inside rolls back and also ends the setting; nothing can be written there.
        let written = read_page(conn, false, |conn| {
            conn.batch_execute("CREATE TABLE not_here (id int)")
        });
        assert!(
            written.is_err(),
            "a write ran in the read-only page transaction"
        );
        assert_eq!(plan_cache_mode(conn), "auto");
        conn.batch_execute("SELECT 1").unwrap();
    })
    .await;
}
