//! `skillstream`: serve (default), migrate, create-admin, stop-enforcing-sso, openapi.

use skillstream_api::bootstrap::{create_admin, first_start, stop_enforcing_sso};
use skillstream_api::config::{Environment, SecretOrigin, Settings, Source};
use skillstream_api::startup::{open_database, Application};
use std::process::ExitCode;

const USAGE: &str = "\
Usage: skillstream [COMMAND]

Commands:
  serve                 run migrations, then serve the API, the web app and the docs (default)
  migrate               run pending database migrations and exit
  create-admin --org NAME --email EMAIL --password PASSWORD
                        make EMAIL an admin of organization NAME (created if missing)
  stop-enforcing-sso --org NAME
                        let members of organization NAME sign in with passwords again
                        (for when the identity provider is down or misconfigured)
  openapi               print the OpenAPI document (YAML)

Configuration comes from environment variables; see README.md.";

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("LOG")
                .unwrap_or_else(|_| "info,actix_server=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async move {
        let local = tokio::task::LocalSet::new();
        local.run_until(dispatch(args)).await
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn dispatch(args: Vec<String>) -> anyhow::Result<()> {
    match args.first().map(String::as_str) {
        None | Some("serve") => serve().await,
        Some("migrate") => {
            let (settings, _) = Settings::load(&Environment)?;
            open_database(&settings).await?;
            println!(
                "Migrations are up to date ({}).",
                settings.database.backend_name()
            );
            Ok(())
        }
        Some("create-admin") => {
            let flag = |name: &str| {
                args.iter()
                    .position(|a| a == name)
                    .and_then(|i| args.get(i + 1))
                    .cloned()
                    .ok_or_else(|| anyhow::anyhow!("missing {name}\n\n{USAGE}"))
            };
            let (org, email, password) = (flag("--org")?, flag("--email")?, flag("--password")?);
            let (settings, _) = Settings::load(&Environment)?;
            let pool = open_database(&settings).await?;
            let org_name = org.clone();
            let admin = tokio::task::spawn_blocking(move || -> anyhow::Result<_> {
                let mut conn = pool.get()?;
                Ok(create_admin(&mut conn, &org, &email, &password)?)
            })
            .await??;
            println!(
                "{} is an admin of organization \"{org_name}\" (id {}).",
                admin.email, admin.organization_id
            );
            Ok(())
        }
        Some("stop-enforcing-sso") => {
            let org = args
                .iter()
                .position(|a| a == "--org")
                .and_then(|i| args.get(i + 1))
                .cloned()
                .ok_or_else(|| anyhow::anyhow!("missing --org\n\n{USAGE}"))?;
            let (settings, _) = Settings::load(&Environment)?;
            let pool = open_database(&settings).await?;
            let name = org.clone();
            let found = tokio::task::spawn_blocking(move || -> anyhow::Result<bool> {
                let mut conn = pool.get()?;
                Ok(stop_enforcing_sso(&mut conn, &name)?)
            })
            .await??;
            anyhow::ensure!(found, "there is no organization named \"{org}\"");
            println!("Members of \"{org}\" can sign in with their passwords again; single sign-on stays available.");
            Ok(())
        }
        Some("openapi") => {
            print!("{}", skillstream_api::openapi::yaml()?);
            Ok(())
        }
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            Ok(())
        }
        Some(other) => anyhow::bail!("unknown command {other:?}\n\n{USAGE}"),
    }
}

async fn serve() -> anyhow::Result<()> {
    let (settings, origin) = Settings::load(&Environment)?;
    match origin {
        SecretOrigin::Generated => tracing::warn!(
            path = %settings.data_dir.join("jwt_secret").display(),
            "JWT_SECRET is not set: generated one and stored it in the data folder. Set JWT_SECRET in production."
        ),
        SecretOrigin::StoredFile => {
            tracing::warn!("JWT_SECRET is not set: using the secret stored in the data folder.")
        }
        SecretOrigin::Environment => {}
    }
    let app = Application::build(settings).await?;
    // Read after binding: on `BIND_ADDR=…:0` it names the port the system chose.
    let public_url = app.settings().public_url.clone();
    let pool = app.pool();
    let org = Environment
        .get("ORG_NAME")
        .unwrap_or_else(|| "SkillStream".into());
    let email = Environment
        .get("ADMIN_EMAIL")
        .unwrap_or_else(|| "admin@example.com".into());
    let password = Environment.get("ADMIN_PASSWORD");
    let first = tokio::task::spawn_blocking(move || -> anyhow::Result<_> {
        let mut conn = pool.get()?;
        Ok(first_start(&mut conn, &org, &email, password.as_deref())?)
    })
    .await??;
    println!("SkillStream is running at {public_url} (API docs: {public_url}/docs/)");
    if let Some(first) = first {
        println!(
            "First start: created organization \"{}\" and its admin.",
            first.organization
        );
        match first.generated_password {
            Some(password) => println!("Sign in as {} with password {password}", first.email),
            None => println!(
                "Sign in as {} with the password in ADMIN_PASSWORD.",
                first.email
            ),
        }
    } else {
        println!("Sign in with an admin account (create one with: skillstream create-admin --org NAME --email EMAIL --password PASSWORD).");
    }
    app.run_until_stopped().await?;
    Ok(())
}
