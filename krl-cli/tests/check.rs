//! `krl check` end to end: `--deny warnings`, `krl.toml` lint levels, allow comments,
//! `--module-path` and `--format sarif`. Each test writes its rulesets to a fresh folder.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A folder under the target directory, emptied first.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("check").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create scratch folder");
    dir
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("create folder");
    }
    std::fs::write(&path, text).expect("write file");
    path
}

fn krl_check(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_krl"))
        .arg("check")
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run krl")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

const UNUSED: &str = "ruleset t.unused {\n  global {\n    unused = 1\n  }\n}\n";

#[test]
fn warnings_pass_unless_denied() {
    let dir = scratch("deny");
    let file = write(&dir, "t.unused.krl", UNUSED);
    let file = file.to_str().expect("utf-8 path");
    let plain = krl_check(&[file]);
    assert_eq!(plain.status.code(), Some(0), "{}", stderr(&plain));
    assert!(stderr(&plain).contains("W0101"), "{}", stderr(&plain));
    let denied = krl_check(&["--deny", "warnings", file]);
    assert_eq!(denied.status.code(), Some(1), "{}", stderr(&denied));
}

#[test]
fn krl_toml_sets_levels_for_files_below_it() {
    let dir = scratch("toml");
    write(&dir, "krl.toml", "[lints]\nunused-declaration = \"deny\"\n");
    let denied = write(&dir, "rules/deep/t.unused.krl", UNUSED);
    let output = krl_check(&[denied.to_str().expect("utf-8 path")]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(stderr(&output).contains("[W0101] Error"), "{}", stderr(&output));

    write(&dir, "krl.toml", "[lints]\nW0101 = \"allow\"\n");
    let output = krl_check(&[denied.to_str().expect("utf-8 path")]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(!stderr(&output).contains("W0101"), "{}", stderr(&output));

    write(&dir, "krl.toml", "[lints]\nno-such-lint = \"allow\"\n");
    let output = krl_check(&[denied.to_str().expect("utf-8 path")]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("no-such-lint"), "{}", stderr(&output));
}

#[test]
fn allow_comments_silence_one_place_or_the_file() {
    let dir = scratch("allow");
    let line = write(
        &dir,
        "t.line.krl",
        "ruleset t.line {\n  global {\n    // krl:allow(unused-declaration)\n    quiet = 1\n    loud = 2\n  }\n}\n",
    );
    let output = krl_check(&["--deny", "warnings", line.to_str().expect("utf-8 path")]);
    let text = stderr(&output);
    assert!(text.contains("`loud`") && !text.contains("`quiet`"), "{text}");
    assert_eq!(output.status.code(), Some(1), "{text}");

    let file = write(
        &dir,
        "t.file.krl",
        "// krl:allow(unused-declaration)\nruleset t.file {\n  global {\n    quiet = 1\n    loud = 2\n  }\n}\n",
    );
    let output = krl_check(&["--deny", "warnings", file.to_str().expect("utf-8 path")]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

#[test]
fn modules_are_found_next_to_the_ruleset_or_on_the_module_path() {
    let dir = scratch("modules");
    let module = "ruleset io.x.lib {\n  meta {\n    provides greeting\n  }\n  global {\n    greeting = \"hi\"\n  }\n}\n";
    let user = "ruleset io.x.app {\n  meta {\n    use module io.x.lib alias lib\n    shares hello\n  }\n  global {\n    hello = function() { lib:greeting }\n  }\n}\n";
    let app = write(&dir, "app/io.x.app.krl", user);
    let app = app.to_str().expect("utf-8 path");
    // Not found here is a warning: the engine finds modules in its registry at install time.
    let missing = krl_check(&[app]);
    assert_eq!(missing.status.code(), Some(0), "{}", stderr(&missing));
    assert!(
        stderr(&missing).contains("[E0216] Warning"),
        "{}",
        stderr(&missing)
    );
    assert!(
        stderr(&missing).contains("cannot find module `io.x.lib`; its uses are not checked"),
        "{}",
        stderr(&missing)
    );
    let denied = krl_check(&["--deny", "warnings", app]);
    assert_eq!(denied.status.code(), Some(1), "{}", stderr(&denied));

    write(&dir, "lib/io.x.lib.krl", module);
    let lib_dir = dir.join("lib");
    let found = krl_check(&["--module-path", lib_dir.to_str().expect("utf-8 path"), app]);
    assert_eq!(found.status.code(), Some(0), "{}", stderr(&found));

    write(&dir, "app/io.x.lib.krl", module);
    let beside = krl_check(&[app]);
    assert_eq!(beside.status.code(), Some(0), "{}", stderr(&beside));
}

#[test]
fn sarif_is_one_valid_log() {
    let dir = scratch("sarif");
    let file = write(
        &dir,
        "t.sarif.krl",
        "ruleset t.sarif {\n  global {\n    unused = 1\n    broken = nme\n  }\n}\n",
    );
    let output = krl_check(&["--format", "sarif", file.to_str().expect("utf-8 path")]);
    assert_eq!(output.status.code(), Some(1));
    let log: serde_json::Value = serde_json::from_slice(&output.stdout).expect("stdout is JSON");
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "krl");
    let results = run["results"].as_array().expect("results");
    let summary: Vec<(String, String, u64, u64)> = results
        .iter()
        .map(|result| {
            let region = &result["locations"][0]["physicalLocation"]["region"];
            (
                result["ruleId"].as_str().unwrap_or_default().to_string(),
                result["level"].as_str().unwrap_or_default().to_string(),
                region["startLine"].as_u64().unwrap_or_default(),
                region["startColumn"].as_u64().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("W0101".to_string(), "warning".to_string(), 3, 5),
            ("W0101".to_string(), "warning".to_string(), 4, 5),
            ("E0201".to_string(), "error".to_string(), 4, 14),
        ]
    );
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    for result in results {
        let idx = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[idx]["id"], result["ruleId"]);
    }
}

#[test]
fn a_select_one_typo_from_a_raised_event_is_a_note_across_files() {
    let dir = scratch("unraised");
    write(
        &dir,
        "t.sensor.krl",
        "ruleset t.sensor {\n  rule reading {\n    select when sensor reading\n    fired {\n      raise sensor event \"threshold_exceeded\"\n    }\n  }\n}\n",
    );
    write(
        &dir,
        "t.alarm.krl",
        "ruleset t.alarm {\n  rule alarm {\n    select when sensor threshhold_exceeded\n    send_directive(\"alarm\")\n  }\n}\n",
    );
    let output = krl_check(&[dir.to_str().expect("utf-8 path")]);
    // A note is no problem, not even with `--deny warnings`.
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stderr(&output);
    assert!(
        text.contains("[W0115] Advice: no checked ruleset raises `sensor:threshhold_exceeded`"),
        "{text}"
    );
    assert!(
        text.contains("did you mean `sensor threshold_exceeded`"),
        "{text}"
    );
    assert!(text.contains("0 errors, 0 warnings, 1 note"), "{text}");
    let denied = krl_check(&["--deny", "warnings", dir.to_str().expect("utf-8 path")]);
    assert_eq!(denied.status.code(), Some(0), "{}", stderr(&denied));
}

/// Too many arguments is an error for every callee, a used module's functions included.
#[test]
fn extra_arguments_to_a_used_module_function_are_an_error() {
    let dir = scratch("module_arity");
    let module = "ruleset io.x.units {\n  meta {\n    provides to_celsius, beep\n  }\n  global {\n    to_celsius = function(f) { (f - 32) * 5 / 9 }\n    beep = defaction(times) { noop() }\n  }\n}\n";
    let user = "ruleset io.x.thermo {\n  meta {\n    use module io.x.units alias units\n    shares c\n  }\n  global {\n    c = function(f) { [units:to_celsius(f), units:to_celsius(f, 2)] }\n  }\n  rule r {\n    select when t r\n    units:beep(1, 2)\n  }\n}\n";
    write(&dir, "io.x.units.krl", module);
    let app = write(&dir, "io.x.thermo.krl", user);
    let output = krl_check(&[app.to_str().expect("utf-8 path")]);
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(
        text.contains("`units:to_celsius` takes 1 argument but 2 were given"),
        "{text}"
    );
    assert!(
        text.contains("`units:beep` takes 1 argument but 2 were given"),
        "{text}"
    );
    assert!(
        text.contains("pico-engine silently drops the extra arguments"),
        "{text}"
    );
    assert!(text.contains("2 errors, 0 warnings"), "{text}");
}

#[test]
fn the_pico_data_store_is_a_module_every_ruleset_finds() {
    let app = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../testsuite/rulesets/address_book.krl"
    );
    // Denied warnings: a module not found would be E0216 and fail the check.
    let found = krl_check(&["--deny", "warnings", app]);
    assert_eq!(found.status.code(), Some(0), "{}", stderr(&found));

    let dir = scratch("pds");
    let typo = "ruleset io.x.pds_user {\n  meta {\n    use module io.picolabs.pds alias pds\n    shares contact\n  }\n  global {\n    contact = function() { pds:itemz(\"book\") }\n  }\n}\n";
    let user = write(&dir, "io.x.pds_user.krl", typo);
    let checked = krl_check(&[user.to_str().expect("utf-8 path")]);
    assert_eq!(checked.status.code(), Some(1), "{}", stderr(&checked));
    assert!(
        stderr(&checked).contains("the module `io.picolabs.pds` does not provide `itemz`"),
        "{}",
        stderr(&checked)
    );
}

#[test]
fn did_o_is_a_module_every_ruleset_finds() {
    let app = concat!(env!("CARGO_MANIFEST_DIR"), "/../testsuite/rulesets/did_chat.krl");
    // Denied warnings: a module not found would be E0216 and fail the check.
    let found = krl_check(&["--deny", "warnings", app]);
    assert_eq!(found.status.code(), Some(0), "{}", stderr(&found));

    let dir = scratch("did-o");
    let typo = "ruleset io.x.did_user {\n  meta {\n    use module io.picolabs.did-o alias didx\n    shares contacts\n  }\n  global {\n    contacts = function() { didx:didMapp() }\n  }\n}\n";
    let user = write(&dir, "io.x.did_user.krl", typo);
    let checked = krl_check(&[user.to_str().expect("utf-8 path")]);
    assert_eq!(checked.status.code(), Some(1), "{}", stderr(&checked));
    assert!(
        stderr(&checked).contains("the module `io.picolabs.did-o` does not provide `didMapp`"),
        "{}",
        stderr(&checked)
    );
}
