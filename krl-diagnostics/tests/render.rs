//! Snapshot tests of every renderer in `krl_diagnostics::render`, one per kind of diagnostic
//! they must handle.

use krl_diagnostics::render::{to_github, to_json, to_short, to_terminal};
use krl_diagnostics::{Code, Diagnostic, FileSpan, Severity, SourceDb, Span, codes};

// Codes owned by krl-check, spelled out here so these tests do not wait for the registry.
const UNKNOWN_NAME: Code = Code {
    id: "E0201",
    name: "unknown-name",
};
const UNUSED_DECLARATION: Code = Code {
    id: "W0101",
    name: "unused-declaration",
};

const HELLO: &str = "ruleset hello {\n  global {\n    greeting = \"hi \" + nme\n  }\n}\n";

/// The span of the first `needle` in `haystack`.
fn find(haystack: &str, needle: &str) -> Span {
    let start = haystack.find(needle).expect("needle in test source") as u32;
    Span::new(start, start + needle.len() as u32)
}

/// All four renderings side by side, so one snapshot shows that they agree.
fn render_all(d: &Diagnostic, db: &SourceDb) -> String {
    let json = serde_json::to_string_pretty(&to_json(d, db)).expect("json values serialise");
    format!(
        "--- terminal ---\n{}--- short ---\n{}\n--- github ---\n{}\n--- json ---\n{json}\n",
        to_terminal(d, db, false),
        to_short(d, db),
        to_github(d, db),
    )
}

#[test]
fn single_label_error() {
    let mut db = SourceDb::new();
    let file = db.add("hello.krl", HELLO);
    let d = Diagnostic::error(
        UNKNOWN_NAME,
        FileSpan::new(file, find(HELLO, "nme")),
        "unknown name `nme`",
    )
    .with_label("not declared in this ruleset");
    insta::assert_snapshot!(render_all(&d, &db));
}

#[test]
fn warning_with_help_and_note() {
    let mut db = SourceDb::new();
    let file = db.add("hello.krl", HELLO);
    let d = Diagnostic::warning(
        UNUSED_DECLARATION,
        FileSpan::new(file, find(HELLO, "greeting")),
        "`greeting` is declared but never used",
    )
    .with_label("declared here")
    .with_help("remove the declaration or share it with `shares greeting`")
    .with_note("global declarations are only visible to the ruleset's own rules and functions");
    insta::assert_snapshot!(render_all(&d, &db));
}

#[test]
fn related_label_in_second_file() {
    let lib =
        "ruleset lib {\n  meta { provides greet }\n  global { greet = function(n) { \"hi \" + n } }\n}\n";
    let app = "ruleset app {\n  meta { use module lib }\n  global { x = lib:greet(1, 2) }\n}\n";
    let mut db = SourceDb::new();
    let lib_file = db.add("lib.krl", lib);
    let app_file = db.add("app.krl", app);
    let d = Diagnostic::error(
        codes::UNEXPECTED_TOKEN,
        FileSpan::new(app_file, find(app, "2")),
        "too many arguments",
    )
    .with_label("`greet` takes one argument")
    .with_related(FileSpan::new(lib_file, find(lib, "function(n)")), "defined here")
    .with_related(
        FileSpan::new(app_file, find(app, "use module lib")),
        "imported here",
    );
    insta::assert_snapshot!(render_all(&d, &db));
}

#[test]
fn empty_span_at_end_of_file() {
    let text = "ruleset hello {\n  rule a { select when a b }\n";
    let mut db = SourceDb::new();
    let file = db.add("hello.krl", text);
    let eof = Span::empty(text.len() as u32);
    let d = Diagnostic::error(
        codes::UNEXPECTED_EOF,
        FileSpan::new(file, eof),
        "unexpected end of file",
    )
    .with_label("expected `}`")
    .with_related(FileSpan::new(file, find(text, "{")), "to close this `{`");
    insta::assert_snapshot!(render_all(&d, &db));
}

#[test]
fn span_out_of_range() {
    let text = "ruleset hello {}\n";
    let mut db = SourceDb::new();
    let file = db.add("hello.krl", text);
    // Backwards and past the end, as a stale span from an edited file might be.
    let span = Span { start: 500, end: 3 };
    let d = Diagnostic::error(
        codes::INVALID_CHARACTER,
        FileSpan::new(file, span),
        "invalid character `@`",
    );
    insta::assert_snapshot!(render_all(&d, &db));
}

#[test]
fn non_ascii_crlf_and_special_characters() {
    let text = "ruleset café {\r\n  global { s = \"😀\" @ x }\r\n}\r\n";
    let mut db = SourceDb::new();
    let file = db.add("dir,with:odd%name/café.krl", text);
    let d = Diagnostic::new(
        codes::INVALID_CHARACTER,
        Severity::Info,
        FileSpan::new(file, find(text, "@")),
        "invalid character `@`: 100% sure,\nreally",
    );
    insta::assert_snapshot!(render_all(&d, &db));
}

#[test]
fn hint_without_label() {
    let mut db = SourceDb::new();
    let file = db.add("hello.krl", HELLO);
    let d = Diagnostic::new(
        UNUSED_DECLARATION,
        Severity::Hint,
        FileSpan::new(file, find(HELLO, "greeting")),
        "unused",
    );
    insta::assert_snapshot!(to_terminal(&d, &db, false));
}

#[test]
fn empty_spans_inside_the_text() {
    let text = "ruleset a {\n  rule r {\n    select when a b\n  }\n}";
    let mut db = SourceDb::new();
    let file = db.add("a.krl", text);
    let line_start = text.find("  }").expect("closing brace") as u32;
    let line_end = text.find("\n  }").expect("end of select line") as u32;
    let d = Diagnostic::error(
        codes::UNEXPECTED_TOKEN,
        FileSpan::new(file, Span::empty(line_start)),
        "empty at a line start",
    )
    .with_label("here")
    .with_related(FileSpan::new(file, Span::empty(line_end)), "empty at a line end")
    .with_related(
        FileSpan::new(file, Span::empty(text.len() as u32)),
        "empty at the end, no final newline",
    );
    insta::assert_snapshot!(to_terminal(&d, &db, false));
}
