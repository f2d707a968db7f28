//! The source of every compiled ruleset, by the `FileId` its IR's spans point into, so that
//! a runtime error's span becomes a file, a line and a source line wherever it was raised
//! (a module's function runs inside another ruleset's rule, with its own file).
//!
//! File ids are process-wide: each compile takes one, and gives it back when the last
//! `CompiledKrl` holding its source is dropped. Id 0 is never handed out: sessions and
//! compile diagnostics use it for "the one file being looked at".

use std::sync::{Arc, PoisonError, RwLock, Weak};

use krl_diagnostics::{FileId, FileSpan, LineIndex};
use krl_runtime::ErrorLocation;

/// One compiled ruleset's text, kept for locating its runtime errors.
pub(crate) struct RulesetSource {
    file: FileId,
    rid: String,
    url: String,
    text: Arc<str>,
    lines: LineIndex,
}

impl RulesetSource {
    pub(crate) fn file(&self) -> FileId {
        self.file
    }
}

/// Slot `n` holds the source of `FileId(n)` while some compiled ruleset keeps it alive.
static SOURCES: RwLock<Vec<Weak<RulesetSource>>> = RwLock::new(Vec::new());

/// Registers a ruleset's text under a fresh file id.
pub(crate) fn register(rid: &str, url: &str, text: &str) -> Arc<RulesetSource> {
    let mut sources = SOURCES.write().unwrap_or_else(PoisonError::into_inner);
    if sources.is_empty() {
        sources.push(Weak::new());
    }
    // Compiles are rare next to runs, so a linear search for a free slot is cheap enough
    // and keeps the table as small as the number of live rulesets.
    let slot = match sources.iter().skip(1).position(|s| s.strong_count() == 0) {
        Some(free) => free + 1,
        None => {
            sources.push(Weak::new());
            sources.len() - 1
        }
    };
    let source = Arc::new(RulesetSource {
        file: FileId(u32::try_from(slot).expect("fewer than 4 billion live rulesets")),
        rid: rid.to_string(),
        url: url.to_string(),
        lines: LineIndex::new(text),
        text: Arc::from(text),
    });
    sources[slot] = Arc::downgrade(&source);
    source
}

/// The location of `at` in its ruleset's source, with what was running there.
pub(crate) fn locate(at: FileSpan, rule: Option<&str>, function: Option<&str>) -> Option<ErrorLocation> {
    let source = {
        let sources = SOURCES.read().unwrap_or_else(PoisonError::into_inner);
        sources.get(at.file.0 as usize)?.upgrade()?
    };
    let span = source.lines.clamp_span(at.span);
    let start = source.lines.human_line_col(span.start);
    let line_span = source.lines.line_span(start.line.saturating_sub(1))?;
    let line_text = source
        .text
        .get(line_span.start as usize..line_span.end as usize)?
        .trim_end_matches(['\r', '\n']);
    // The caret covers the span up to the end of its first line.
    let line_end = line_span.start as usize + line_text.len();
    let covered = source
        .text
        .get(span.start as usize..(span.end as usize).min(line_end).max(span.start as usize))
        .map_or(1, |text| text.chars().count());
    Some(ErrorLocation {
        rid: source.rid.clone(),
        rule: rule.map(str::to_string),
        function: function.map(str::to_string),
        file: source.url.clone(),
        line: start.line,
        column: start.column,
        source: line_text.to_string(),
        width: u32::try_from(covered.max(1)).unwrap_or(u32::MAX),
    })
}

#[cfg(test)]
mod tests {
    use krl_diagnostics::Span;

    use super::*;

    #[test]
    fn a_span_becomes_file_line_and_source_line() {
        let text = "ruleset a.b {\n  global { x = 1 + y }\n}\n";
        let source = register("a.b", "file:///tmp/a.krl", text);
        let offset = text.find("1 + y").expect("in text") as u32;
        let at = FileSpan::new(source.file(), Span::new(offset, offset + 5));
        let location = locate(at, Some("r"), None).expect("registered");
        assert_eq!((location.line, location.column, location.width), (2, 16, 5));
        assert_eq!(location.source, "  global { x = 1 + y }");
        assert_eq!(location.file, "file:///tmp/a.krl");
        assert_eq!(location.rid, "a.b");
    }

    #[test]
    fn ids_are_distinct_and_freed_with_their_source() {
        let first = register("a.one", "u1", "x");
        let second = register("a.two", "u2", "y");
        assert_ne!(first.file(), second.file());
        assert_ne!(first.file(), FileId(0), "id 0 stays with sessions");
        let freed = first.file();
        drop(first);
        assert!(locate(FileSpan::new(freed, Span::empty(0)), None, None).is_none());
    }
}
