//! How long a failed sign-in takes for an unknown address, a member with a password and a
//! member without one (single sign-on only): the medians must be within 20 % of each other,
//! or response times would tell who has an account.
//!
//!     cargo bench -p skillstream-tests --bench sign_in_timing        # ROUNDS=N (default 150)
#![allow(clippy::unwrap_used, clippy::expect_used)]

use skillstream_tests::spawn_app_with;
use std::time::Instant;

fn median(mut times: Vec<f64>) -> f64 {
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

#[tokio::main]
async fn main() {
    let rounds: usize = std::env::var("ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(150);
    let app = spawn_app_with(|s| {
        s.rate_limits.login_per_email = 0;
        s.rate_limits.login_per_ip = 0;
    })
    .await;
    let admin = app.admin_of("Acme").await;
    let sso_only = app
        .member_without_password(admin.organization_id, "sso.only@acme.example.com")
        .await;
    let kinds = [
        ("unknown address", "nobody@acme.example.com".to_string()),
        ("member with a password", admin.email.clone()),
        ("member without a password (SSO)", sso_only.email.clone()),
    ];
    let mut times = vec![Vec::new(); kinds.len()];
    // Interleaved, so a busy moment of the machine falls on every kind alike.
    for _ in 0..rounds {
        for (i, (_, email)) in kinds.iter().enumerate() {
            let started = Instant::now();
            let reply = app.login(email, "not the password").await;
            times[i].push(started.elapsed().as_secs_f64() * 1000.0);
            assert_eq!(reply.status, reqwest::StatusCode::UNAUTHORIZED);
        }
    }
    let medians: Vec<f64> = times.into_iter().map(median).collect();
    let reference = medians[0];
    println!("failed sign-in, median of {rounds} each:");
    for ((what, _), m) in kinds.iter().zip(&medians) {
        println!(
            "  {what:34} {m:6.2} ms  ({:+.1} % against an unknown address)",
            (m / reference - 1.0) * 100.0
        );
    }
    let spread = medians.iter().cloned().fold(f64::MIN, f64::max)
        / medians.iter().cloned().fold(f64::MAX, f64::min);
    println!("largest / smallest median: {spread:.3} (target ≤ 1.20)");
}
