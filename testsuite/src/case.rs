//! Case files: the `//>` TOML header and the caret comments that tie expected diagnostics
//! to source lines (STYLE.md §5).
//!
//! # Header
//!
//! A case starts with one or more lines beginning with `//>`; the rest of those lines is
//! TOML (see [`Header`]):
//!
//! ```text
//! //> mode = "parse"
//! //> intact_rules = ["first", "third"]
//! //> fixme = "FIXME(#2): the second `global` block is dropped without a diagnostic"
//! ```
//!
//! # Caret comments
//!
//! A caret comment asserts one diagnostic. It is a line that starts at column 0 with `//`,
//! then zero or more spaces, then one or more `^`, then one space and `SEVERITY[CODE]`,
//! optionally followed by `: TEXT`:
//!
//! ```text
//!   rule r { select when a b  if x > 1 send_directive("x") }
//! //                                    ^^^^^^^^^^^^^^ error[E0102]: expected `then`
//! ```
//!
//! The exact rule:
//!
//! - The comment refers to the nearest line above it that is not itself a caret comment, so
//!   several caret comments can stack under one line.
//! - Columns count characters (Unicode scalar values, not bytes) from the start of a line.
//!   The comment's `//` are columns 0 and 1, so the first `^` stands in the column where the
//!   diagnostic's primary span starts on the referred line. A span may start at the end of
//!   the line (one past its last character). Spans starting in column 0 or 1 cannot be
//!   marked: indent the line (KRL ignores whitespace).
//! - The number of `^` is the span's length in characters, counting only the part on the
//!   referred line; an empty span (say, at the end of the file) is marked with one `^`.
//! - `SEVERITY` is `error`, `warning`, `info` or `hint`; `CODE` is the diagnostic code, such
//!   as `E0102`; `TEXT`, when given, must occur in the diagnostic's message.
//! - Matching is one to one: every caret comment needs its own diagnostic and every
//!   diagnostic, whatever its severity, needs a caret comment.
//!
//! Caret comments are found by looking at lines, not tokens, so they also work inside an
//! unterminated string or block comment that swallows the rest of the file.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use krl_diagnostics::{Diagnostic, Severity, Span};
use serde::Deserialize;

/// What the `//>` lines of a case say.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Header {
    /// Which harness runs the case.
    pub mode: Mode,
    /// Rules that must survive error recovery: each name must be a parsed rule in the AST.
    #[serde(default)]
    pub intact_rules: Vec<String>,
    /// A known bug, `"FIXME(#issue): what is wrong"`. The harness then records the case's
    /// problems (missing or unexpected diagnostics, broken invariants) in the snapshot instead
    /// of failing, and fails once there are none left, so the header gets removed.
    #[serde(default)]
    pub fixme: Option<String>,
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// `testsuite/tests/parse.rs`: parse the file as a ruleset.
    Parse,
    /// `testsuite/tests/check.rs`: parse and check the ruleset.
    Check,
}

/// One expected diagnostic, read from a caret comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Caret {
    /// 0-based index of the line the caret comment refers to.
    pub line: usize,
    /// Column of the first `^`, in characters.
    pub column: usize,
    /// Number of `^`.
    pub len: usize,
    pub severity: Severity,
    pub code: String,
    pub message: Option<String>,
    /// 0-based index of the caret comment itself, for error messages.
    pub comment_line: usize,
}

/// A loaded case file.
#[derive(Clone, Debug)]
pub struct Case {
    pub path: PathBuf,
    /// The path from the `cases` directory on (`cases/parse/ok/x.krl`): stable in snapshots.
    pub name: String,
    pub source: String,
    pub header: Header,
    pub carets: Vec<Caret>,
}

impl Case {
    /// Reads a case file. Panics with a clear message when the header or a caret comment is
    /// malformed: those are mistakes in the test suite, not in the code under test.
    pub fn load(path: &Path) -> Case {
        let source = std::fs::read_to_string(path)
            .unwrap_or_else(|err| panic!("cannot read case {}: {err}", path.display()));
        let name = relative_name(path);
        Case::from_source(&name, source).unwrap_or_else(|err| panic!("{name}: {err}"))
    }

    /// Parses a case from its text; `name` is only used in messages.
    pub fn from_source(name: &str, source: String) -> Result<Case, String> {
        let header = parse_header(&source)?;
        let carets = parse_carets(&source)?;
        Ok(Case {
            path: PathBuf::from(name),
            name: name.to_string(),
            source,
            header,
            carets,
        })
    }

    /// Checks that the carets and the diagnostics match one to one; the error lists every
    /// mismatch and, for each unexpected diagnostic, the caret comment that would assert it.
    pub fn match_carets(&self, diagnostics: &[Diagnostic]) -> Result<(), String> {
        let lines = Lines::new(&self.source);
        let mut unmatched: Vec<&Diagnostic> = diagnostics.iter().collect();
        let mut report = String::new();
        for caret in &self.carets {
            let position = unmatched.iter().position(|d| caret_matches(caret, d, &lines));
            match position {
                Some(idx) => {
                    unmatched.remove(idx);
                }
                None => {
                    let _ = writeln!(
                        report,
                        "  line {}: no diagnostic matches the caret comment `{}`",
                        caret.comment_line + 1,
                        lines.text(caret.comment_line)
                    );
                    let near: Vec<String> = unmatched
                        .iter()
                        .filter(|d| lines.position(d.primary.at.span.start).0 == caret.line)
                        .map(|d| describe(d, &lines))
                        .collect();
                    for candidate in near {
                        let _ = writeln!(report, "    on that line instead: {candidate}");
                    }
                }
            }
        }
        for diagnostic in unmatched {
            let _ = writeln!(report, "  unexpected {}", describe(diagnostic, &lines));
        }
        if report.is_empty() {
            Ok(())
        } else {
            Err(format!("carets and diagnostics differ\n{report}"))
        }
    }
}

/// The path from the `cases` directory on (`cases/parse/ok/x.krl`), with `/` separators;
/// it does not depend on where the checkout lives, so snapshots stay stable.
fn relative_name(path: &Path) -> String {
    let parts: Vec<String> = path
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let from = parts.iter().rposition(|part| part == "cases").unwrap_or(0);
    parts[from..].join("/")
}

fn parse_header(source: &str) -> Result<Header, String> {
    let toml_text: String = source
        .lines()
        .map_while(|line| line.strip_prefix("//>"))
        .map(|rest| format!("{}\n", rest.strip_prefix(' ').unwrap_or(rest)))
        .collect();
    if toml_text.is_empty() {
        return Err("a case must start with a `//>` header, e.g. `//> mode = \"parse\"`".into());
    }
    toml::from_str(&toml_text).map_err(|err| format!("bad `//>` header: {err}"))
}

/// Whether a line is a caret comment (possibly a malformed one).
fn is_caret_comment(line: &str) -> bool {
    line.strip_prefix("//")
        .is_some_and(|rest| rest.trim_start_matches(' ').starts_with('^'))
}

fn parse_carets(source: &str) -> Result<Vec<Caret>, String> {
    let lines: Vec<&str> = source
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    let mut carets = Vec::new();
    for (idx, line) in lines.iter().enumerate() {
        if !is_caret_comment(line) {
            continue;
        }
        let target = (0..idx)
            .rev()
            .find(|&above| !is_caret_comment(lines[above]))
            .ok_or_else(|| format!("line {}: caret comment with no line above it", idx + 1))?;
        let caret = parse_caret(line, target, idx)
            .map_err(|err| format!("line {}: malformed caret comment `{line}`: {err}", idx + 1))?;
        let width = lines[target].chars().count();
        if caret.column > width {
            return Err(format!(
                "line {}: the caret in column {} is past the end of line {} ({width} characters)",
                idx + 1,
                caret.column,
                target + 1
            ));
        }
        carets.push(caret);
    }
    Ok(carets)
}

fn parse_caret(line: &str, target: usize, comment_line: usize) -> Result<Caret, String> {
    let rest = line.strip_prefix("//").ok_or("no `//`")?;
    let spaces = rest.len() - rest.trim_start_matches(' ').len();
    let rest = &rest[spaces..];
    let len = rest.len() - rest.trim_start_matches('^').len();
    let rest = rest[len..]
        .strip_prefix(' ')
        .ok_or("expected one space after the carets")?;
    let (severity_word, rest) = rest.split_once('[').ok_or("expected `SEVERITY[CODE]`")?;
    let severity = match severity_word {
        "error" => Severity::Error,
        "warning" => Severity::Warning,
        "info" => Severity::Info,
        "hint" => Severity::Hint,
        other => return Err(format!("unknown severity `{other}`")),
    };
    let (code, rest) = rest.split_once(']').ok_or("expected `]` after the code")?;
    if code.is_empty() || !code.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(format!("bad code `{code}`"));
    }
    let message = match rest {
        "" => None,
        _ => Some(
            rest.strip_prefix(": ")
                .filter(|text| !text.is_empty())
                .ok_or("expected `: message text` after the code")?
                .to_string(),
        ),
    };
    Ok(Caret {
        line: target,
        column: spaces + 2,
        len,
        severity,
        code: code.to_string(),
        message,
        comment_line,
    })
}

fn caret_matches(caret: &Caret, diagnostic: &Diagnostic, lines: &Lines<'_>) -> bool {
    let span = diagnostic.primary.at.span;
    let (line, column) = lines.position(span.start);
    line == caret.line
        && column == caret.column
        && lines.caret_len(span) == caret.len
        && diagnostic.severity == caret.severity
        && diagnostic.code.id == caret.code
        && caret
            .message
            .as_deref()
            .is_none_or(|text| diagnostic.message.contains(text))
}

/// A diagnostic with its position and the caret comment that would assert it.
fn describe(diagnostic: &Diagnostic, lines: &Lines<'_>) -> String {
    let span = diagnostic.primary.at.span;
    let (line, column) = lines.position(span.start);
    let mut text = format!(
        "{}[{}] at line {}, column {}: {}",
        diagnostic.severity.as_str(),
        diagnostic.code.id,
        line + 1,
        column,
        diagnostic.message
    );
    if column >= 2 {
        let _ = write!(
            text,
            "\n      caret comment: //{}{} {}[{}]",
            " ".repeat(column - 2),
            "^".repeat(lines.caret_len(span)),
            diagnostic.severity.as_str(),
            diagnostic.code.id
        );
    } else {
        text.push_str("\n      (column 0 or 1 cannot be marked: indent the line)");
    }
    text
}

/// Line starts of a source text, for turning byte offsets into line and character column.
struct Lines<'a> {
    src: &'a str,
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    fn new(src: &'a str) -> Lines<'a> {
        let starts = std::iter::once(0)
            .chain(src.match_indices('\n').map(|(idx, _)| idx + 1))
            .collect();
        Lines { src, starts }
    }

    /// 0-based line and character column of a byte offset (clamped into the text).
    fn position(&self, offset: u32) -> (usize, usize) {
        let offset = floor_boundary(self.src, offset as usize);
        let line = self.starts.partition_point(|&start| start <= offset) - 1;
        let column = self.src[self.starts[line]..offset].chars().count();
        (line, column)
    }

    /// The end of a line's text, before its line break.
    fn line_end(&self, line: usize) -> usize {
        let end = self.starts.get(line + 1).map_or(self.src.len(), |next| next - 1);
        if end > self.starts[line] && self.src.as_bytes()[end - 1] == b'\r' {
            end - 1
        } else {
            end
        }
    }

    fn text(&self, line: usize) -> &'a str {
        &self.src[self.starts[line]..self.line_end(line)]
    }

    /// How many `^` mark a span: its characters on its first line, at least one.
    fn caret_len(&self, span: Span) -> usize {
        let start = floor_boundary(self.src, span.start as usize);
        let (line, _) = self.position(span.start);
        let end = floor_boundary(self.src, (span.end as usize).min(self.line_end(line)).max(start));
        self.src[start..end].chars().count().max(1)
    }
}

fn floor_boundary(src: &str, offset: usize) -> usize {
    let mut offset = offset.min(src.len());
    while !src.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;
    use krl_diagnostics::{FileId, FileSpan, codes};

    fn case(src: &str) -> Case {
        Case::from_source("t.krl", src.to_string()).expect("valid case")
    }

    fn diagnostic(start: u32, end: u32) -> Diagnostic {
        Diagnostic::error(
            codes::MISSING_THEN,
            FileSpan::new(FileId(0), Span::new(start, end)),
            "expected `then`",
        )
    }

    #[test]
    fn header_and_carets() {
        let src = "//> mode = \"parse\"\nab cdé fg\n// ^^^ error[E0102]: expected\n//     ^ warning[W0101]\n";
        let case = case(src);
        assert_eq!(case.header.mode, Mode::Parse);
        assert_eq!(case.carets.len(), 2);
        assert_eq!(
            (case.carets[0].line, case.carets[0].column, case.carets[0].len),
            (1, 3, 3)
        );
        assert_eq!(case.carets[0].message.as_deref(), Some("expected"));
        assert_eq!((case.carets[1].line, case.carets[1].column), (1, 7));
        assert_eq!(case.carets[1].severity, Severity::Warning);
    }

    #[test]
    fn columns_count_characters() {
        let src = "//> mode = \"parse\"\nab cdé fg\n// ^^^ error[E0102]\n";
        // `cdé` starts at byte 22 and is 4 bytes long.
        let start = src.find("cdé").expect("present") as u32;
        let case = case(src);
        assert_eq!(case.match_carets(&[diagnostic(start, start + 4)]), Ok(()));
        let report = case
            .match_carets(&[diagnostic(start, start + 3)])
            .expect_err("length differs");
        assert!(report.contains("caret comment: // ^^ error[E0102]"), "{report}");
    }

    #[test]
    fn every_diagnostic_needs_a_caret() {
        let case = case("//> mode = \"parse\"\nabc\n");
        let report = case.match_carets(&[diagnostic(21, 22)]).expect_err("unexpected");
        assert!(
            report.contains("unexpected error[E0102] at line 2, column 2"),
            "{report}"
        );
    }

    #[test]
    fn malformed_carets_and_headers_are_rejected() {
        assert!(Case::from_source("t", "abc\n".into()).is_err());
        assert!(Case::from_source("t", "//> mode = \"nope\"\n".into()).is_err());
        assert!(Case::from_source("t", "//> mode = \"parse\"\nabc\n//  ^^ oops\n".into()).is_err());
        assert!(Case::from_source("t", "//> mode = \"parse\"\nabc\n//      ^ error[E1]\n".into()).is_err());
    }
}
