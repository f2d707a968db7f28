//! Renders a [`Diagnostic`] for people (ariadne snippets, one-line summaries) and for machines
//! (JSON, GitHub Actions workflow commands). The only module that knows ariadne.
//!
//! Every renderer first clamps spans into their file and onto character boundaries (see
//! [`crate::LineIndex::clamp_span`]), so a diagnostic with a stale or out-of-range span still
//! renders instead of panicking, and every format reports the same positions.
//!
//! ariadne needs its own line table of every file a snippet shows. A [`Renderer`] builds it
//! once per file, on first use, and shares it between threads; [`to_terminal`] is the
//! one-off form. Building it per diagnostic cost `krl check` over 40% of its time on folders
//! with thousands of warnings. Without colour, the common report (one label on one ASCII line)
//! is drawn by `snippet` instead, which writes what ariadne would in a fraction of the time.

use std::fmt;
use std::io::IsTerminal;
use std::sync::{Arc, LazyLock, OnceLock};

use ariadne::{Cache, Color, Config, IndexType, Report, ReportKind, Source};
use serde_json::{Value, json};

use crate::{Diagnostic, FileId, FileSpan, Label, Severity, SourceDb, SourceFile, Span, snippet};

/// Stands in for a file id that `db` does not know, so rendering never panics.
static MISSING_FILE: LazyLock<SourceFile> = LazyLock::new(|| SourceFile::new("<unknown>", ""));

fn file(db: &SourceDb, id: FileId) -> &SourceFile {
    db.try_get(id).unwrap_or(&MISSING_FILE)
}

/// A span made safe for `file` with [`crate::LineIndex::clamp_span`].
fn clamped(db: &SourceDb, at: FileSpan) -> Span {
    file(db, at.file).lines().clamp_span(at.span)
}

/// The ariadne snippet report, as printed by `krl check`: the code and message on top, then
/// the primary file's snippet with the primary label and any related labels in that file, then
/// one snippet per other file, then help and notes. With `color` off the text holds no ANSI
/// escapes (what snapshot tests use); lines carry no trailing spaces and end in `\n`.
///
/// Builds ariadne's view of the files it shows; to render many diagnostics, use one
/// [`Renderer`].
pub fn to_terminal(d: &Diagnostic, db: &SourceDb, color: bool) -> String {
    Renderer::new(db).to_terminal(d, color)
}

/// Renders snippets for many diagnostics over one [`SourceDb`], building ariadne's view of each
/// file once. Shareable between threads.
pub struct Renderer<'db> {
    db: &'db SourceDb,
    /// ariadne's view of each file of `db`, by file index, made on first use.
    sources: Vec<OnceLock<Source<Arc<str>>>>,
}

impl<'db> Renderer<'db> {
    pub fn new(db: &'db SourceDb) -> Renderer<'db> {
        Renderer {
            db,
            sources: (0..db.len()).map(|_| OnceLock::new()).collect(),
        }
    }

    /// ariadne's view of `id`: made once per file; an id `db` does not know gets the
    /// empty stand-in, made each time (it is empty, so that costs nothing).
    fn source(&self, id: FileId) -> Option<&Source<Arc<str>>> {
        let cell = self.sources.get(id.0 as usize)?;
        Some(cell.get_or_init(|| Source::from(ariadne_text(file(self.db, id).text_arc()))))
    }

    /// [`to_terminal`] with the shared file views.
    pub fn to_terminal(&self, d: &Diagnostic, color: bool) -> String {
        let mut out = String::new();
        self.write_terminal(d, color, &mut out);
        out
    }

    /// [`to_terminal`], appended to `out`.
    pub fn write_terminal(&self, d: &Diagnostic, color: bool, out: &mut String) {
        let db = self.db;
        if !color {
            let primary = file(db, d.primary.at.file);
            if snippet::write_single_line(d, primary, clamped(db, d.primary.at), out) {
                return;
            }
        }
        self.write_with_ariadne(d, color, out);
    }

    /// [`Renderer::write_terminal`] drawn by ariadne, for every kind of report.
    pub(crate) fn write_with_ariadne(&self, d: &Diagnostic, color: bool, out: &mut String) {
        let db = self.db;
        let kind = match d.severity {
            Severity::Error => ReportKind::Error,
            Severity::Warning => ReportKind::Warning,
            // ariadne has no info or hint kind, and a custom kind prints colour even with colour
            // off (ariadne 0.6), so both become advice.
            Severity::Info | Severity::Hint => ReportKind::Advice,
        };
        let primary_color = match d.severity {
            Severity::Error => Color::Red,
            Severity::Warning => Color::Yellow,
            Severity::Info | Severity::Hint => Color::Fixed(147),
        };

        // ariadne draws one box per run of labels from the same file, in label order, and opens a
        // new box whenever a label goes back up the file. Ordering labels by file (the primary
        // file first) and then by position gives one box per file with the primary one on top.
        let mut file_order = vec![d.primary.at.file];
        for label in &d.related {
            if !file_order.contains(&label.at.file) {
                file_order.push(label.at.file);
            }
        }
        let rank = |id: FileId| file_order.iter().position(|&it| it == id).unwrap_or(0);
        let mut labels: Vec<SnippetLabel<'_>> = Vec::with_capacity(1 + d.related.len());
        labels.push(SnippetLabel::new(db, &d.primary, true));
        labels.extend(d.related.iter().map(|label| SnippetLabel::new(db, label, false)));
        labels.sort_by_key(|it| (rank(it.file), it.span.start, it.span.end, !it.is_primary));

        let config = Config::default()
            .with_index_type(IndexType::Byte)
            .with_color(color);
        let primary_span = snippet_range(db, d.primary.at.file, clamped(db, d.primary.at));
        let mut report = Report::build(kind, (d.primary.at.file, primary_span))
            .with_config(config)
            .with_code(d.code.id)
            .with_message(&d.message);
        for (order, it) in labels.iter().enumerate() {
            // ariadne 0.6 underlines only labels that have a message (others are merely coloured,
            // which is invisible with colour off), so a label without text gets an empty one.
            let mut label = ariadne::Label::new((it.file, snippet_range(db, it.file, it.span)))
                .with_order(i32::try_from(order).unwrap_or(i32::MAX))
                .with_message(it.text.unwrap_or(""));
            // ariadne does not pass label colours through `Config::with_color`, so they are set
            // only when colour is wanted.
            if color {
                label = label.with_color(if it.is_primary { primary_color } else { Color::Cyan });
            }
            if it.is_primary {
                label = label.with_priority(1);
            }
            report = report.with_label(label);
        }
        if let Some(help) = &d.help {
            report = report.with_help(help);
        }
        for note in &d.notes {
            report = report.with_note(note);
        }

        let mut bytes = Vec::new();
        // Writing to a Vec cannot fail. `ReportFiles` answers every file a label names, so ariadne
        // never gets to print its own "unable to fetch source" line to stderr.
        let files = ReportFiles {
            renderer: self,
            missing: Source::from(Arc::from("")),
        };
        let _ = report.finish().write(files, &mut bytes);
        push_without_trailing_spaces(&String::from_utf8_lossy(&bytes), out);
    }
}

/// Appends `text` line by line without the spaces ariadne pads some lines with, which only get
/// in the way of snapshots and of editors that strip them.
fn push_without_trailing_spaces(text: &str, out: &mut String) {
    out.reserve(text.len());
    for line in text.lines() {
        out.push_str(line.trim_end_matches(' '));
        out.push('\n');
    }
}

/// A label on its way to ariadne, with its span already clamped.
struct SnippetLabel<'d> {
    file: FileId,
    span: Span,
    text: Option<&'d str>,
    is_primary: bool,
}

impl<'d> SnippetLabel<'d> {
    fn new(db: &SourceDb, label: &'d Label, is_primary: bool) -> SnippetLabel<'d> {
        SnippetLabel {
            file: label.at.file,
            span: clamped(db, label.at),
            text: label.text.as_deref(),
            is_primary,
        }
    }
}

/// The byte range ariadne gets for a clamped `span`. ariadne 0.6 draws an empty label at the
/// start of a line at the end of the line before, so an empty span is widened to the character
/// it points at: at the end of a line that is the line break, drawn just past the line's
/// text; at the end of a file ending in a line break, the space [`ariadne_text`] appends.
fn snippet_range(db: &SourceDb, file_id: FileId, span: Span) -> std::ops::Range<usize> {
    let range = span.range();
    if !span.is_empty() {
        return range;
    }
    let text = file(db, file_id).text();
    match text.get(range.start..).and_then(|rest| rest.chars().next()) {
        Some(ch) => range.start..range.start + ch.len_utf8(),
        None if text.ends_with('\n') => range.start..range.start + 1,
        None => range,
    }
}

/// The files of one report in the form ariadne reads them: the renderer's shared views.
struct ReportFiles<'r, 'db> {
    renderer: &'r Renderer<'db>,
    /// What an id the db does not know shows (its name is `<unknown>`).
    missing: Source<Arc<str>>,
}

impl Cache<FileId> for ReportFiles<'_, '_> {
    type Storage = Arc<str>;

    fn fetch(&mut self, id: &FileId) -> Result<&Source<Arc<str>>, impl fmt::Debug> {
        Ok::<_, FileId>(self.renderer.source(*id).unwrap_or(&self.missing))
    }

    fn display<'a>(&self, id: &'a FileId) -> Option<impl fmt::Display + 'a> {
        Some(file(self.renderer.db, *id).name().to_owned())
    }
}

/// The text ariadne gets to see, with the same byte offsets as `text` so that clamped spans
/// stay valid for it.
///
/// - ariadne also ends lines at a lone `\r`, vertical tab, form feed, U+0085, U+2028 and
///   U+2029, which would make its line numbers disagree with ours (and a lone `\r` would send
///   the terminal cursor back mid-snippet). Each becomes whitespace of the same UTF-8 length.
/// - ariadne has no line after a final line break, so it would draw a label at the very end of
///   the file at the end of the last line, and its header would disagree with the line the other
///   formats report. A space appended after the final line break gives it that line.
fn ariadne_text(text: &Arc<str>) -> Arc<str> {
    let ends_with_newline = text.ends_with('\n');
    let has_other_breaks = text.contains(['\r', '\x0B', '\x0C', '\u{85}', '\u{2028}', '\u{2029}']);
    if !has_other_breaks {
        if !ends_with_newline {
            return Arc::clone(text);
        }
        // The usual case: only the space after the final line break; one copy, no
        // per-character pass.
        let mut out = String::with_capacity(text.len() + 1);
        out.push_str(text);
        out.push(' ');
        return Arc::from(out);
    }
    let mut out = String::with_capacity(text.len() + 1);
    let mut changed = ends_with_newline;
    let mut chars = text.chars().peekable();
    while let Some(ch) = chars.next() {
        let replacement = match ch {
            '\r' if chars.peek() != Some(&'\n') => ' ',
            '\x0B' | '\x0C' => ' ',
            '\u{85}' => '\u{A0}',
            '\u{2028}' | '\u{2029}' => '\u{2002}',
            _ => ch,
        };
        debug_assert_eq!(ch.len_utf8(), replacement.len_utf8());
        changed |= replacement != ch;
        out.push(replacement);
    }
    if !changed {
        return Arc::clone(text);
    }
    if ends_with_newline {
        out.push(' ');
    }
    Arc::from(out)
}

/// Whether `krl` should colour what it prints to stderr: only on a terminal, and only when the
/// `NO_COLOR` environment variable is unset or empty (<https://no-color.org>).
pub fn should_color() -> bool {
    color_wanted(
        std::io::stderr().is_terminal(),
        std::env::var_os("NO_COLOR").as_deref(),
    )
}

fn color_wanted(is_terminal: bool, no_color: Option<&std::ffi::OsStr>) -> bool {
    is_terminal && no_color.is_none_or(|value| value.is_empty())
}

/// The diagnostic as JSON, for `krl check --format json`. The shape is stable: fields are only
/// ever added.
///
/// ```json
/// {
///   "code": "E0100",
///   "name": "unexpected-token",
///   "severity": "error",
///   "message": "expected `{`",
///   "file": "rulesets/hello.krl",
///   "span": { "start": 17, "end": 21 },
///   "start": { "line": 2, "column": 3 },
///   "end": { "line": 2, "column": 7 },
///   "label": "expected `{` here",
///   "related": [
///     {
///       "file": "rulesets/lib.krl",
///       "span": { "start": 0, "end": 7 },
///       "start": { "line": 1, "column": 1 },
///       "end": { "line": 1, "column": 8 },
///       "message": "declared here"
///     }
///   ],
///   "notes": ["..."],
///   "help": "..."
/// }
/// ```
///
/// - `severity` is one of `error`, `warning`, `info`, `hint`.
/// - `file` is the name the file was added to the [`SourceDb`] with (`<unknown>` for an id the
///   db does not know).
/// - `span` holds UTF-8 byte offsets with `start <= end`, clamped into the file and onto
///   character boundaries by [`crate::LineIndex::clamp_span`].
/// - `start` and `end` are 1-based lines and 1-based columns counted in characters; `end` is
///   the position just after the last character, so an empty span has `start == end`.
/// - `label` (the primary label's text), each related `message` and `help` may be `null`;
///   `related` and `notes` may be empty.
pub fn to_json(d: &Diagnostic, db: &SourceDb) -> Value {
    let location = |at: FileSpan| {
        let file = file(db, at.file);
        let span = file.lines().clamp_span(at.span);
        let position = |offset: u32| {
            let pos = file.lines().human_line_col(offset);
            json!({ "line": pos.line, "column": pos.column })
        };
        (
            file.name().to_owned(),
            json!({ "start": span.start, "end": span.end }),
            position(span.start),
            position(span.end),
        )
    };
    let (file_name, span, start, end) = location(d.primary.at);
    let related: Vec<Value> = d
        .related
        .iter()
        .map(|label| {
            let (file_name, span, start, end) = location(label.at);
            json!({
                "file": file_name,
                "span": span,
                "start": start,
                "end": end,
                "message": label.text,
            })
        })
        .collect();
    json!({
        "code": d.code.id,
        "name": d.code.name,
        "severity": d.severity.as_str(),
        "message": d.message,
        "file": file_name,
        "span": span,
        "start": start,
        "end": end,
        "label": d.primary.text,
        "related": related,
        "notes": d.notes,
        "help": d.help,
    })
}

/// The diagnostic as one GitHub Actions workflow command, which the Actions runner turns into
/// an annotation on the pull request:
///
/// ```text
/// ::error file=hello.krl,line=2,col=3,endLine=2,endColumn=7,title=E0100 unexpected-token::expected `{`
/// ```
///
/// Errors become `::error`, warnings `::warning`, info and hints `::notice`. Positions are as
/// in [`to_json`]. Property values escape `%`, `\r`, `\n`, `:` and `,`; the message escapes
/// `%`, `\r` and `\n`, as the runner expects.
pub fn to_github(d: &Diagnostic, db: &SourceDb) -> String {
    let command = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Hint => "notice",
    };
    let file = file(db, d.primary.at.file);
    let span = file.lines().clamp_span(d.primary.at.span);
    let start = file.lines().human_line_col(span.start);
    let end = file.lines().human_line_col(span.end);
    format!(
        "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
        escape_property(file.name()),
        start.line,
        start.column,
        end.line,
        end.column,
        escape_property(&format!("{} {}", d.code.id, d.code.name)),
        escape_data(&d.message),
    )
}

fn escape_data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// The diagnostic as one line, `path:line:col: error[E0100]: message`, with the position as
/// in [`to_json`]; for summaries, logs and tests. Line breaks in the message become spaces so
/// the result stays one line.
pub fn to_short(d: &Diagnostic, db: &SourceDb) -> String {
    let file = file(db, d.primary.at.file);
    let span = file.lines().clamp_span(d.primary.at.span);
    let start = file.lines().human_line_col(span.start);
    let message = d.message.replace("\r\n", " ").replace(['\r', '\n'], " ");
    format!(
        "{}:{}:{}: {}[{}]: {}",
        file.name(),
        start.line,
        start.column,
        d.severity.as_str(),
        d.code.id,
        message,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes;

    fn db_with(text: &str) -> (SourceDb, FileId) {
        let mut db = SourceDb::new();
        let file = db.add("t.krl", text);
        (db, file)
    }

    #[test]
    fn color_only_on_a_terminal_without_no_color() {
        use std::ffi::OsStr;
        assert!(color_wanted(true, None));
        assert!(color_wanted(true, Some(OsStr::new(""))));
        assert!(!color_wanted(true, Some(OsStr::new("1"))));
        assert!(!color_wanted(false, None));
    }

    #[test]
    fn github_escapes() {
        assert_eq!(escape_data("50% a\r\nb: c, d"), "50%25 a%0D%0Ab: c, d");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }

    #[test]
    fn ariadne_text_keeps_offsets_and_only_our_line_breaks() {
        let text: Arc<str> = Arc::from("a\rb\r\nc\x0Bd\x0Ce\u{85}f\u{2028}g\u{2029}h");
        let shown = ariadne_text(&text);
        assert_eq!(shown.len(), text.len());
        assert_eq!(shown.chars().count(), text.chars().count());
        assert_eq!(&*shown, "a b\r\nc d e\u{A0}f\u{2002}g\u{2002}h");
        let plain: Arc<str> = Arc::from("x\r\ny");
        assert!(Arc::ptr_eq(&ariadne_text(&plain), &plain));
        assert_eq!(&*ariadne_text(&Arc::from("x\r\n")), "x\r\n ");
    }

    #[test]
    fn color_off_means_no_escapes_and_color_on_means_some() {
        let (db, file) = db_with("ruleset a {\n  rule b {}\n}\n");
        let d = Diagnostic::warning(
            codes::UNEXPECTED_TOKEN,
            FileSpan::new(file, Span::new(14, 18)),
            "odd rule",
        )
        .with_label("here")
        .with_related(FileSpan::new(file, Span::new(0, 7)), "in this ruleset")
        .with_help("remove it");
        assert!(!to_terminal(&d, &db, false).contains('\x1b'));
        assert!(to_terminal(&d, &db, true).contains('\x1b'));
    }

    #[test]
    fn unknown_file_ids_render_as_unknown() {
        let (db, file) = db_with("abc");
        let d = Diagnostic::error(
            codes::UNEXPECTED_TOKEN,
            FileSpan::new(FileId(7), Span::new(1, 2)),
            "lost",
        )
        .with_related(FileSpan::new(file, Span::new(0, 1)), "found");
        assert_eq!(to_short(&d, &db), "<unknown>:1:1: error[E0100]: lost");
        assert!(to_terminal(&d, &db, false).contains("<unknown>"));
        assert_eq!(to_json(&d, &db)["related"][0]["file"], "t.krl");
    }

    /// One renderer over many diagnostics prints what one-off rendering prints, with labels
    /// in other files and in files the db does not know.
    #[test]
    fn a_shared_renderer_renders_as_one_off_rendering() {
        let mut db = SourceDb::new();
        let a = db.add("a.krl", "ruleset a {\n  rule b {}\n}\n");
        let b = db.add("b.krl", "ruleset b {\r\n  global { x = 1 }\r\n}");
        let renderer = Renderer::new(&db);
        let diagnostics = [
            Diagnostic::warning(
                codes::UNEXPECTED_TOKEN,
                FileSpan::new(a, Span::new(14, 18)),
                "one",
            )
            .with_related(FileSpan::new(b, Span::new(15, 21)), "there"),
            Diagnostic::error(
                codes::UNEXPECTED_TOKEN,
                FileSpan::new(b, Span::new(24, 25)),
                "two",
            )
            .with_related(FileSpan::new(FileId(9), Span::new(0, 1)), "lost"),
            Diagnostic::warning(
                codes::UNEXPECTED_TOKEN,
                FileSpan::new(a, Span::new(27, 27)),
                "end",
            ),
        ];
        for color in [false, true] {
            for d in &diagnostics {
                assert_eq!(renderer.to_terminal(d, color), to_terminal(d, &db, color));
            }
        }
    }

    /// Every span, in range or not, forwards or backwards, on or off a character boundary,
    /// renders in every format without panicking.
    #[test]
    fn any_span_renders() {
        let text = "é\r\n😀 x\n\ty\rz\u{2028}\n";
        let mut db = SourceDb::new();
        let file = db.add("t.krl", text);
        let other = db.add("u.krl", "");
        let len = text.len() as u32;
        let offsets: Vec<u32> = (0..=len + 2).chain([u32::MAX]).collect();
        for &start in &offsets {
            for &end in &offsets {
                let span = Span { start, end };
                let d = Diagnostic::error(codes::UNEXPECTED_TOKEN, FileSpan::new(file, span), "m")
                    .with_label("l")
                    .with_related(
                        FileSpan::new(
                            file,
                            Span {
                                start: end,
                                end: start,
                            },
                        ),
                        "r",
                    )
                    .with_related(FileSpan::new(other, span), "o");
                let shown = to_terminal(&d, &db, false);
                assert!(shown.contains("E0100"), "{shown}");
                let _ = (to_json(&d, &db), to_github(&d, &db), to_short(&d, &db));
            }
        }
    }
}
