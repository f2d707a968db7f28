//! Putting comments back. The trivia table lists comments in source order; the printer asks
//! for "the comments before offset P" at every place a comment can go (before each node, before
//! each closing bracket) and a cursor hands each comment out exactly once, so none is lost or
//! duplicated even where a comment sits somewhere the printer has no slot for: it just comes
//! out at the next slot.
//!
//! A comment is *trailing* when code precedes it on its line; it is printed at the end of the
//! current output line (a `//` comment then ends the line). Otherwise it is *own-line* and
//! printed on a line of its own, after one blank line if the author left one. Both placements
//! read back the same way, which is what makes formatting idempotent.

use krl_diagnostics::Span;

use super::doc::Doc;
use crate::trivia::{Comment, CommentKind, Trivia};

pub(crate) struct Comments<'a> {
    src: &'a str,
    trivia: &'a Trivia,
    list: &'a [Comment],
    /// Whether each comment is trailing (code before it on its line).
    trailing: Vec<bool>,
    next: usize,
}

impl<'a> Comments<'a> {
    pub(crate) fn new(src: &'a str, trivia: &'a Trivia) -> Comments<'a> {
        let list = trivia.comments.as_slice();
        let mut trailing: Vec<bool> = Vec::with_capacity(list.len());
        for (idx, comment) in list.iter().enumerate() {
            let before = src
                .get(..comment.span.start as usize)
                .unwrap_or_default()
                .trim_end_matches([' ', '\t']);
            let is_trailing = match before.chars().last() {
                None | Some('\n' | '\r') => false,
                Some(_) => match idx.checked_sub(1).map(|prev| (prev, list[prev])) {
                    // Code after a comment on the same line means the comment was a block
                    // comment; it follows that comment's placement.
                    Some((prev, prev_comment)) if prev_comment.span.end as usize == before.len() => {
                        trailing[prev] && prev_comment.kind == CommentKind::Block
                    }
                    _ => true,
                },
            };
            trailing.push(is_trailing);
        }
        Comments {
            src,
            trivia,
            list,
            trailing,
            next: 0,
        }
    }

    fn text(&self, comment: &Comment) -> &'a str {
        let text = self
            .src
            .get(comment.span.start as usize..comment.span.end as usize)
            .unwrap_or_default();
        match comment.kind {
            CommentKind::Line => text.trim_end(),
            CommentKind::Block => text,
        }
    }

    /// Whether a comment not yet printed starts before `pos`.
    pub(crate) fn any_before(&self, pos: u32) -> bool {
        self.list
            .get(self.next)
            .is_some_and(|comment| comment.span.start < pos)
    }

    /// Whether any comment lies inside `span` (printed or not).
    pub(crate) fn any_within(&self, span: Span) -> bool {
        !self.trivia.comments_in(span).is_empty()
    }

    /// The trailing comments before `pos`: call right after the code they follow, before the
    /// line break or space that separates it from the next code.
    pub(crate) fn trailing(&mut self, pos: u32) -> Doc<'a> {
        let mut docs = Vec::new();
        while let Some(comment) = self.list.get(self.next) {
            if comment.span.start >= pos || !self.trailing[self.next] {
                break;
            }
            self.next += 1;
            docs.push(Doc::text(" "));
            docs.push(Doc::text(self.text(comment)));
            if comment.kind == CommentKind::Line {
                // Whatever follows is on a new line now, so it is printed as own-line.
                docs.push(Doc::HardLine);
                break;
            }
        }
        Doc::concat(docs)
    }

    /// Every remaining comment before `pos`, each on its own line: call at the start of a line
    /// (after a line break), before the code at `pos`.
    pub(crate) fn leading(&mut self, pos: u32) -> Doc<'a> {
        let mut docs = Vec::new();
        while let Some(comment) = self.list.get(self.next) {
            if comment.span.start >= pos {
                break;
            }
            self.next += 1;
            docs.push(if self.blank_before(comment.span.start) {
                Doc::BlankLine
            } else {
                Doc::HardLine
            });
            docs.push(Doc::text(self.text(comment)));
            docs.push(Doc::HardLine);
        }
        Doc::concat(docs)
    }

    /// [`trailing`](Self::trailing) then [`leading`](Self::leading), for places with no
    /// separator of their own.
    pub(crate) fn before(&mut self, pos: u32) -> Doc<'a> {
        let trailing = self.trailing(pos);
        let leading = self.leading(pos);
        Doc::concat(vec![trailing, leading])
    }

    /// Marks the comments before `pos` as printed: they are inside verbatim text (a beesting
    /// in a chevron) that the printer copies whole. Print the comments before the verbatim
    /// text first.
    pub(crate) fn skip_to(&mut self, pos: u32) {
        while self
            .list
            .get(self.next)
            .is_some_and(|comment| comment.span.start < pos)
        {
            self.next += 1;
        }
    }

    /// Whether the author left a blank line between the code (or comment) before `pos` and `pos`.
    pub(crate) fn blank_before(&self, pos: u32) -> bool {
        let before = self.src.get(..pos as usize).unwrap_or_default().trim_end();
        self.trivia.has_blank_line_between(before.len() as u32, pos)
    }
}
