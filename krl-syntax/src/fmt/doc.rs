//! The document layer of the formatter: a small Wadler/Oppen-style pretty-printing algebra
//! (text, line breaks, groups, indentation) and a width-aware renderer.
//!
//! A [`Group`](Doc::Group) is printed flat (every [`Line`](Doc::Line) a space, every
//! [`SoftLine`](Doc::SoftLine) nothing) when it fits in the remaining width, and broken (every
//! line of the group itself a newline) otherwise. A [`HardLine`](Doc::HardLine) always breaks
//! and forces every enclosing group to break; comments use it so that `// ...` never swallows
//! code. Texts may contain newlines only when they are verbatim source (chevrons, strings,
//! block comments); the renderer measures such a text by its first line.
//!
//! The renderer writes indentation lazily, so consecutive line breaks collapse into one, no
//! line ends in spaces, and [`BlankLine`](Doc::BlankLine) gives at most one empty line (never
//! right after an opening bracket or at the start of the output).

use std::borrow::Cow;

/// Spaces per indentation level.
pub const INDENT: usize = 2;

#[derive(Clone, Debug)]
pub enum Doc<'a> {
    Text(Cow<'a, str>),
    Concat(Vec<Doc<'a>>),
    /// `hard` is true when the content holds a hard line break: such a group always breaks.
    /// `flat` caches the content's flat width (see [`Doc::flat_width`]) so that measuring an
    /// enclosing group does not walk this one again.
    Group {
        doc: Box<Doc<'a>>,
        hard: bool,
        flat: Option<usize>,
    },
    Indent(Box<Doc<'a>>),
    /// A space when flat, a newline when broken.
    Line,
    /// Nothing when flat, a newline when broken.
    SoftLine,
    HardLine,
    /// A line break followed by one empty line (collapsed with neighbouring blank lines).
    BlankLine,
    /// Printed only when the enclosing group is broken (trailing commas).
    IfBreak(Box<Doc<'a>>),
}

impl<'a> Doc<'a> {
    pub fn nil() -> Doc<'a> {
        Doc::Concat(Vec::new())
    }

    pub fn text(text: impl Into<Cow<'a, str>>) -> Doc<'a> {
        Doc::Text(text.into())
    }

    pub fn concat(docs: Vec<Doc<'a>>) -> Doc<'a> {
        Doc::Concat(docs)
    }

    pub fn group(doc: Doc<'a>) -> Doc<'a> {
        let hard = doc.has_hard_break();
        let flat = if hard { None } else { doc.flat_width() };
        Doc::Group {
            doc: Box::new(doc),
            hard,
            flat,
        }
    }

    pub fn indent(doc: Doc<'a>) -> Doc<'a> {
        Doc::Indent(Box::new(doc))
    }

    pub fn if_break(doc: Doc<'a>) -> Doc<'a> {
        Doc::IfBreak(Box::new(doc))
    }

    pub fn is_empty(&self) -> bool {
        match self {
            Doc::Concat(docs) => docs.iter().all(Doc::is_empty),
            Doc::Text(text) => text.is_empty(),
            _ => false,
        }
    }

    /// The width of the doc printed flat on one line; `None` if it cannot be.
    pub fn flat_width(&self) -> Option<usize> {
        match self {
            Doc::Text(text) => (!text.contains('\n')).then(|| width_of(text)),
            Doc::Concat(docs) => docs.iter().map(Doc::flat_width).sum(),
            Doc::Group { flat, .. } => *flat,
            Doc::Indent(doc) => doc.flat_width(),
            Doc::Line => Some(1),
            Doc::SoftLine | Doc::IfBreak(_) => Some(0),
            Doc::HardLine | Doc::BlankLine => None,
        }
    }

    /// Whether a hard break occurs outside any nested group (nested groups carry their own flag).
    fn has_hard_break(&self) -> bool {
        match self {
            Doc::HardLine | Doc::BlankLine => true,
            Doc::Group { hard, .. } => *hard,
            Doc::Concat(docs) => docs.iter().any(Doc::has_hard_break),
            Doc::Indent(doc) | Doc::IfBreak(doc) => doc.has_hard_break(),
            Doc::Text(_) | Doc::Line | Doc::SoftLine => false,
        }
    }
}

impl<'a> From<&'a str> for Doc<'a> {
    fn from(text: &'a str) -> Doc<'a> {
        Doc::Text(Cow::Borrowed(text))
    }
}

impl From<String> for Doc<'_> {
    fn from(text: String) -> Self {
        Doc::Text(Cow::Owned(text))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    Flat,
    Break,
}

/// Renders `doc` for a line width of `width` columns. The result ends with one newline.
pub fn render(doc: &Doc<'_>, width: usize) -> String {
    let mut out = Output::default();
    let mut stack: Vec<(usize, Mode, &Doc<'_>)> = vec![(0, Mode::Break, doc)];
    let mut scratch = Vec::new();
    while let Some((indent, mode, doc)) = stack.pop() {
        match doc {
            Doc::Text(text) => out.text(text),
            Doc::Concat(docs) => stack.extend(docs.iter().rev().map(|d| (indent, mode, d))),
            Doc::Indent(doc) => stack.push((indent + INDENT, mode, doc)),
            Doc::Group { doc, hard, flat } => {
                let mode = if *hard {
                    Mode::Break
                } else if mode == Mode::Flat {
                    Mode::Flat
                } else {
                    let remaining = width as isize - out.column as isize;
                    let too_wide = flat.is_some_and(|flat| flat as isize > remaining);
                    if !too_wide && fits(remaining, doc, &stack, &mut scratch) {
                        Mode::Flat
                    } else {
                        Mode::Break
                    }
                };
                stack.push((indent, mode, doc));
            }
            Doc::Line => match mode {
                Mode::Flat => out.text(" "),
                Mode::Break => out.newline(indent),
            },
            Doc::SoftLine => {
                if mode == Mode::Break {
                    out.newline(indent);
                }
            }
            Doc::HardLine => out.newline(indent),
            Doc::BlankLine => out.blank_line(indent),
            Doc::IfBreak(doc) => {
                if mode == Mode::Break {
                    stack.push((indent, mode, doc));
                }
            }
        }
    }
    out.finish()
}

/// Whether `next`, printed flat, and then the rest of the current line fit in `remaining`.
fn fits<'d, 'a>(
    mut remaining: isize,
    next: &'d Doc<'a>,
    rest: &[(usize, Mode, &'d Doc<'a>)],
    stack: &mut Vec<(Mode, &'d Doc<'a>)>,
) -> bool {
    stack.clear();
    stack.push((Mode::Flat, next));
    let mut rest_idx = rest.len();
    loop {
        if remaining < 0 {
            return false;
        }
        let (mode, doc) = match stack.pop() {
            Some(item) => item,
            None => {
                if rest_idx == 0 {
                    return true;
                }
                rest_idx -= 1;
                let (_, mode, doc) = rest[rest_idx];
                (mode, doc)
            }
        };
        match doc {
            Doc::Text(text) => match text.find('\n') {
                Some(idx) => return remaining >= width_of(&text[..idx]) as isize,
                None => remaining -= width_of(text) as isize,
            },
            Doc::Concat(docs) => stack.extend(docs.iter().rev().map(|d| (mode, d))),
            Doc::Indent(doc) => stack.push((mode, doc)),
            Doc::Group { doc, hard, flat } => match (mode, flat) {
                (Mode::Flat, Some(flat)) => remaining -= *flat as isize,
                _ => stack.push((if *hard { Mode::Break } else { mode }, doc)),
            },
            Doc::Line => match mode {
                Mode::Flat => remaining -= 1,
                Mode::Break => return true,
            },
            Doc::SoftLine => {
                if mode == Mode::Break {
                    return true;
                }
            }
            Doc::HardLine | Doc::BlankLine => return true,
            Doc::IfBreak(doc) => {
                if mode == Mode::Break {
                    stack.push((mode, doc));
                }
            }
        }
    }
}

fn width_of(text: &str) -> usize {
    if text.is_ascii() {
        text.len()
    } else {
        text.chars().count()
    }
}

/// The text being built, with lazily written indentation.
#[derive(Default)]
struct Output {
    buf: String,
    column: usize,
    at_line_start: bool,
    /// Indentation for the next text when `at_line_start`.
    pending_indent: usize,
    /// The last complete line is empty.
    last_line_blank: bool,
}

impl Output {
    fn text(&mut self, text: &str) {
        let mut text = text;
        if self.at_line_start || self.buf.is_empty() {
            text = text.trim_start_matches(' ');
            if text.is_empty() {
                return;
            }
            if self.at_line_start {
                self.buf.extend(std::iter::repeat_n(' ', self.pending_indent));
                self.column = self.pending_indent;
            }
            self.at_line_start = false;
        }
        self.buf.push_str(text);
        self.last_line_blank = false;
        match text.rfind('\n') {
            Some(idx) => self.column = width_of(&text[idx + 1..]),
            None => self.column += width_of(text),
        }
    }

    fn newline(&mut self, indent: usize) {
        if !self.at_line_start && !self.buf.is_empty() {
            let trimmed = self.buf.trim_end_matches([' ', '\t']).len();
            self.buf.truncate(trimmed);
            self.buf.push('\n');
            self.at_line_start = true;
        }
        self.pending_indent = indent;
        self.column = indent;
    }

    fn blank_line(&mut self, indent: usize) {
        if self.buf.is_empty() {
            return;
        }
        self.newline(indent);
        let after_opener = self.buf.trim_end().ends_with(['{', '(', '[']);
        if !self.last_line_blank && !after_opener {
            self.buf.push('\n');
            self.last_line_blank = true;
        }
    }

    fn finish(mut self) -> String {
        let trimmed = self.buf.trim_end().len();
        self.buf.truncate(trimmed);
        self.buf.push('\n');
        self.buf
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list<'a>(items: &[&'a str]) -> Doc<'a> {
        let mut inner = vec![Doc::SoftLine];
        for (idx, item) in items.iter().enumerate() {
            if idx > 0 {
                inner.push(Doc::text(","));
                inner.push(Doc::Line);
            }
            inner.push(Doc::text(*item));
        }
        inner.push(Doc::if_break(Doc::text(",")));
        Doc::group(Doc::concat(vec![
            Doc::text("["),
            Doc::indent(Doc::concat(inner)),
            Doc::SoftLine,
            Doc::text("]"),
        ]))
    }

    #[test]
    fn groups_stay_flat_when_they_fit() {
        assert_eq!(render(&list(&["a", "b"]), 80), "[a, b]\n");
    }

    #[test]
    fn groups_break_one_item_per_line() {
        assert_eq!(render(&list(&["aaaa", "bbbb"]), 8), "[\n  aaaa,\n  bbbb,\n]\n");
    }

    #[test]
    fn hard_lines_break_groups_and_collapse() {
        let doc = Doc::group(Doc::concat(vec![
            Doc::text("a"),
            Doc::HardLine,
            Doc::HardLine,
            Doc::Line,
            Doc::text("b"),
        ]));
        assert_eq!(render(&doc, 80), "a\nb\n");
    }

    #[test]
    fn blank_lines_are_capped_and_dropped_after_openers() {
        let doc = Doc::concat(vec![
            Doc::text("{"),
            Doc::BlankLine,
            Doc::text("a"),
            Doc::BlankLine,
            Doc::BlankLine,
            Doc::text("b"),
        ]);
        assert_eq!(render(&doc, 80), "{\na\n\nb\n");
    }
}
