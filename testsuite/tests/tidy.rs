//! Tidy checks over the whole workspace (see `testsuite::tidy`): every Rust file starts with a
//! `//!` header, no file is over [`MAX_FILE_LINES`], no function is over
//! [`MAX_FUNCTION_LINES`] unless it is listed in `LONG_FUNCTIONS` below, and every page in
//! `docs/` is linked from somewhere. Each failure says what to do.

use std::path::{Path, PathBuf};

use testsuite::tidy::{self, MAX_FILE_LINES, MAX_FUNCTION_LINES};

/// Functions over the limit that predate this check, as `(path, function)`. The list only
/// shrinks: splitting one of them makes the test ask to remove its row, and a new long
/// function is not added here but split (a table or generated code would be the exception,
/// with a comment saying so).
const LONG_FUNCTIONS: &[(&str, &str)] = &[
    // Tables: one arm per member, token or message; splitting them would scatter one fact.
    // The visitor's one dispatch over every node kind (ARCHITECTURE.md, "The visitor").
    ("krl-syntax/src/visit.rs", "walk_children"),
    ("krl-syntax/src/lexer.rs", "lexeme"),
    ("krl-syntax/src/messages.rs", "unexpected_token"),
    // End-to-end scenarios: one story per test, step after step.
    (
        "krl-cli/tests/http_api.rs",
        "ui_context_flush_preflight_and_unknown_routes",
    ),
    ("krl-cli/tests/lsp.rs", "speaks_lsp_over_stdio"),
    (
        "krl-cli/tests/lsp_tour.rs",
        "every_feature_on_a_ruleset_using_a_module",
    ),
    (
        "krl-cli/tests/lsp_tour.rs",
        "every_feature_on_the_system_rulesets",
    ),
    (
        "krl-cli/tests/system_http.rs",
        "system_rulesets_over_http_across_engines_and_restarts",
    ),
    (
        "krl-jit/tests/system.rs",
        "wrangler_creates_a_child_that_gets_a_ruleset_a_channel_and_is_deleted",
    ),
    (
        "krl-jit/tests/system.rs",
        "wrangler_events_raise_what_the_reference_raises",
    ),
    (
        "krl-jit/tests/system.rs",
        "two_picos_subscribe_send_events_across_and_cancel",
    ),
];

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the testsuite crate lives in the workspace")
        .to_path_buf()
}

fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()))
}

#[test]
fn every_rust_file_starts_with_a_module_header() {
    let root = workspace_root();
    let missing: Vec<String> = tidy::files_with_suffix(&root, ".rs")
        .iter()
        .filter(|path| !read(path).starts_with("//!"))
        .map(|path| relative(&root, path))
        .collect();
    assert!(
        missing.is_empty(),
        "these files need a `//!` header saying what the module is for:\n{}",
        missing.join("\n")
    );
}

#[test]
fn no_rust_file_is_too_long() {
    let root = workspace_root();
    let long: Vec<String> = tidy::files_with_suffix(&root, ".rs")
        .iter()
        .filter_map(|path| {
            let lines = read(path).lines().count();
            (lines > MAX_FILE_LINES).then(|| format!("{} ({lines} lines)", relative(&root, path)))
        })
        .collect();
    assert!(
        long.is_empty(),
        "split these files into modules of at most {MAX_FILE_LINES} lines:\n{}",
        long.join("\n")
    );
}

#[test]
fn no_function_is_too_long() {
    let root = workspace_root();
    let mut long = Vec::new();
    let mut listed_and_found = Vec::new();
    for path in tidy::files_with_suffix(&root, ".rs") {
        let rel = relative(&root, &path);
        for function in tidy::functions(&read(&path)) {
            if function.lines <= MAX_FUNCTION_LINES {
                continue;
            }
            if LONG_FUNCTIONS.contains(&(rel.as_str(), function.name.as_str())) {
                listed_and_found.push((rel.clone(), function.name));
            } else {
                long.push(format!(
                    "{rel}:{} `{}` ({} lines)",
                    function.line, function.name, function.lines
                ));
            }
        }
    }
    assert!(
        long.is_empty(),
        "split these functions to at most {MAX_FUNCTION_LINES} lines:\n{}",
        long.join("\n")
    );
    let fixed: Vec<String> = LONG_FUNCTIONS
        .iter()
        .filter(|(path, name)| !listed_and_found.iter().any(|(p, n)| p == path && n == name))
        .map(|(path, name)| format!("{path} `{name}`"))
        .collect();
    assert!(
        fixed.is_empty(),
        "these functions are no longer over the limit (or moved): remove them from LONG_FUNCTIONS:\n{}",
        fixed.join("\n")
    );
}

#[test]
fn every_doc_is_linked_from_somewhere() {
    let root = workspace_root();
    let mut texts = Vec::new();
    for suffix in [".md", ".rs", ".toml"] {
        for path in tidy::files_with_suffix(&root, suffix) {
            texts.push((path.clone(), read(&path)));
        }
    }
    let orphans: Vec<String> = tidy::files_with_suffix(&root.join("docs"), ".md")
        .iter()
        .filter(|doc| {
            let name = doc
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            !texts
                .iter()
                .any(|(path, text)| path != *doc && text.contains(&name))
        })
        .map(|doc| relative(&root, doc))
        .collect();
    assert!(
        orphans.is_empty(),
        "nothing links to these docs: link them from README.md, ARCHITECTURE.md or the page they belong to, or delete them:\n{}",
        orphans.join("\n")
    );
}
