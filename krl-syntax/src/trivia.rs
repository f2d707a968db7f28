//! The side table of comments and blank lines that the AST does not hold. The formatter
//! puts comments back from it and hover shows the comments above a declaration.

use krl_diagnostics::Span;
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CommentKind {
    /// `// ...` up to, not including, the line break.
    Line,
    /// `/* ... */`, which may span lines.
    Block,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Comment {
    pub span: Span,
    pub kind: CommentKind,
}

/// Comments and blank lines in source order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Trivia {
    pub comments: Vec<Comment>,
    /// The byte offset of the line break that ends each blank line.
    pub blank_lines: Vec<u32>,
}

impl Trivia {
    /// Records blank lines inside a run of whitespace: every line break after the first one
    /// ends a line holding nothing but whitespace.
    pub(crate) fn note_whitespace(&mut self, span: Span, text: &str) {
        let mut breaks = memchr_newlines(text.as_bytes());
        if breaks.next().is_some() {
            self.blank_lines.extend(breaks.map(|idx| span.start + idx as u32));
        }
    }

    /// The comments that lie within `span`.
    pub fn comments_in(&self, span: Span) -> &[Comment] {
        let first = self.comments.partition_point(|c| c.span.start < span.start);
        let last = self.comments.partition_point(|c| c.span.start < span.end);
        &self.comments[first..last.max(first)]
    }

    /// Whether there is a blank line between two offsets.
    pub fn has_blank_line_between(&self, start: u32, end: u32) -> bool {
        let idx = self.blank_lines.partition_point(|&offset| offset < start);
        self.blank_lines.get(idx).is_some_and(|&offset| offset < end)
    }
}

/// The offsets of the line breaks in `bytes`; most whitespace runs are a single space.
fn memchr_newlines(bytes: &[u8]) -> impl Iterator<Item = usize> + '_ {
    bytes
        .iter()
        .enumerate()
        .filter_map(|(idx, &byte)| (byte == b'\n').then_some(idx))
}
