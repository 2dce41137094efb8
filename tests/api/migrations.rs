//! Every migration's `down.sql` undoes its `up.sql`, on the backend under test.

use diesel::prelude::*;
use diesel_migrations::MigrationHarness;
use skillstream_api::db::{self, DbConnection, POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS};
use skillstream_tests::spawn_app;

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = diesel::sql_types::Text)]
    name: String,
}

fn tables(conn: &mut DbConnection) -> Vec<String> {
    let sql = match conn {
        DbConnection::Sqlite(_) => "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
        DbConnection::Postgres(_) => "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
    };
    diesel::sql_query(sql)
        .load::<Name>(conn)
        .unwrap()
        .into_iter()
        .map(|n| n.name)
        .filter(|n| n != "__diesel_schema_migrations")
        .collect()
}

#[tokio::test]
async fn every_migration_reverts_cleanly_and_applies_again() {
    let app = spawn_app().await;
    app.with_db(|conn| {
        assert!(tables(conn).contains(&"invitations".to_string()));
        match conn {
            DbConnection::Sqlite(c) => {
                c.revert_all_migrations(SQLITE_MIGRATIONS).unwrap();
            }
            DbConnection::Postgres(c) => {
                c.revert_all_migrations(POSTGRES_MIGRATIONS).unwrap();
            }
        }
        assert_eq!(
            tables(conn),
            Vec::<String>::new(),
            "down.sql files leave tables behind"
        );
        db::run_migrations(conn).unwrap();
        assert!(!db::migrations_pending(conn).unwrap());
        assert!(tables(conn).contains(&"invitation_imports".to_string()));
    })
    .await;
}
