//! The Node.js helpers the tests run (the OpenID provider in `tests/oidc`, the webhook receiver
//! in `tests/webhooks`): started once per test binary, on a free port, each printing
//! `listening <address>` when ready and exiting when our end of its stdin closes with us.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// Starts `node <script>` in `tests/<folder>` and answers the process and the address it
/// printed. `package` is an npm package the folder must have installed (`make deps`).
pub fn start(folder: &str, script: &str, package: &str) -> (Child, String) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(folder);
    assert!(
        dir.join("node_modules").join(package).exists(),
        "{package} is not installed in tests/{folder}: run `npm ci --prefix tests/{folder}` (make deps)"
    );
    let mut child = Command::new("node")
        .arg(script)
        .current_dir(&dir)
        .env("EXIT_WITH_STDIN", "1")
        .env_remove("PORT")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("node starts tests/{folder}/{script}: {e}"));
    let stdout = child.stdout.take().expect("piped stdout");
    let mut stdout = BufReader::new(stdout);
    let mut line = String::new();
    stdout
        .read_line(&mut line)
        .expect("the helper prints its address");
    // Keep reading what it prints, so its writes never fail on a closed pipe.
    std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
    let address = line
        .trim()
        .strip_prefix("listening ")
        .unwrap_or_else(|| panic!("unexpected output of tests/{folder}/{script}: {line}"))
        .to_string();
    (child, address)
}
