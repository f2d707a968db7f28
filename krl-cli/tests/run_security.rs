//! `krl run`'s exposure (docs/security.md): the admin token in the banner and in
//! `<home>/run.json` (owner-only, removed on a clean exit), the client commands finding both
//! there, `/api` refused without the token, rulesets readable only from the given folders,
//! and the warning for a network listener without a token.

#[path = "support/krl_run.rs"]
mod krl_run;

use std::process::Command;

use krl_run::{KrlRun, temp_dir};

const RULESET: &str =
    "ruleset test.here {\n  meta { shares hi }\n  global { hi = function() { \"hi\" } }\n}\n";

/// A `krl` client command with no URL or token from the environment: only `--home`.
fn client(home: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_krl"))
        .args(args)
        .env_remove("KRL_URL")
        .env_remove("KRL_TOKEN")
        .env("PICO_ENGINE_HOME", home)
        .output()
        .expect("krl runs")
}

#[test]
fn the_token_lives_in_run_json_and_clients_use_it() {
    let dir = temp_dir("run-token");
    let rulesets = dir.join("rulesets");
    std::fs::create_dir_all(&rulesets).expect("a folder");
    std::fs::write(rulesets.join("here.krl"), RULESET).expect("write");
    std::fs::write(
        dir.join("elsewhere.krl"),
        RULESET.replace("test.here", "test.elsewhere"),
    )
    .expect("write");
    let home = dir.join("home");
    let engine = KrlRun::start(
        0,
        &[
            rulesets.to_str().expect("utf-8"),
            "--home",
            home.to_str().expect("utf-8"),
        ],
    );
    let token = engine.token.clone().expect("a token in the banner");
    assert_eq!(token.len(), 64);

    let state: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(home.join("run.json")).expect("run.json"))
            .expect("JSON");
    assert_eq!(state["url"], engine.url.as_str());
    assert_eq!(state["token"], token.as_str());
    assert!(state["pid"].is_u64());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(home.join("run.json"))
            .expect("run.json")
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "run.json is readable by others: {mode:o}");
    }

    // `/api` without the token is refused; the client finds URL and token in run.json.
    let refused = ureq::get(&format!("{}/api/picos", engine.url)).call();
    assert!(matches!(refused, Err(ureq::Error::Status(401, _))));
    let listed = client(&home, &["pico", "ls"]);
    let text = String::from_utf8_lossy(&listed.stdout);
    assert!(
        listed.status.success() && text.contains("(root)"),
        "{text}{}",
        String::from_utf8_lossy(&listed.stderr)
    );
    let answered = client(&home, &["query", &engine.eci, "test.here/hi"]);
    assert_eq!(String::from_utf8_lossy(&answered.stdout).trim(), "hi");
    // A wrong token gets a clear refusal.
    let wrong = client(&home, &["logs", "--token", "nope"]);
    assert_eq!(wrong.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("admin token"));

    // Rulesets come only from the given folders and the home.
    let flush = |path: &std::path::Path| {
        let url = format!("{}/api/flush?url=file://{}", engine.url, path.display());
        let answer = ureq::get(&url)
            .set("Authorization", &format!("Bearer {token}"))
            .call()
            .expect("an answer");
        answer.into_string().expect("text")
    };
    assert!(flush(&rulesets.join("here.krl")).contains("\"rid\":\"test.here\""));
    assert!(flush(&dir.join("elsewhere.krl")).contains("not one the engine may read"));

    let (status, _) = engine.stop();
    assert!(status.success());
    assert!(
        !home.join("run.json").exists(),
        "run.json is removed on a clean exit"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_network_listener_without_a_token_is_warned_about() {
    let engine = KrlRun::start(0, &["--memory", "--host", "0.0.0.0", "--no-token"]);
    assert_eq!(engine.token, None);
    // Served, so the signal handlers are in place before the stop.
    let port = engine.port;
    let answer = ureq::get(&format!("http://127.0.0.1:{port}/api/picos")).call();
    assert!(answer.is_ok(), "no token: /api is open");
    let (_, stderr) = engine.stop();
    assert!(
        stderr.contains("WARNING") && stderr.contains("without an admin token"),
        "{stderr}"
    );
}
