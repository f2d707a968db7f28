//! The report `krl check` prints most, drawn directly: one label on one line of plain text,
//! no other files, no colour. ariadne draws every report with a general layout pass (each
//! column of each row asks every label what to draw), which was the largest part of `krl
//! check`'s rendering time; this module writes the same characters as ariadne 0.6 in one
//! pass, and [`crate::render`] keeps ariadne for every other report. A test compares the two
//! on thousands of random reports.
//!
//! It writes straight into the caller's buffer, already without the trailing spaces that
//! [`crate::render`] strips from ariadne's lines ([`end_line`]), and without `core::fmt`:
//! with thousands of warnings, a scratch string per report, a second pass to strip it and
//! the formatting machinery cost more than the drawing.

use crate::{Diagnostic, Severity, SourceFile, Span};

/// ariadne's default tab stop.
const TAB_WIDTH: usize = 4;

/// Appends `d`'s report to `out` as ariadne 0.6 writes it without colour, with each line
/// cut as [`crate::render`] cuts ariadne's (see [`end_line`]), when `d` is the simple case:
/// no related labels, and a non-empty `primary` span (clamped into `file`) on one line whose
/// text is printable ASCII or tabs. Returns `false`, having written nothing, otherwise.
pub(crate) fn write_single_line(d: &Diagnostic, file: &SourceFile, primary: Span, out: &mut String) -> bool {
    if !d.related.is_empty() || primary.is_empty() {
        return false;
    }
    let lines = file.lines();
    let line = lines.line_col(primary.start).line;
    let Some(line_span) = lines.line_span(line) else {
        return false;
    };
    if primary.end > line_span.end {
        return false;
    }
    let Some(text) = file.text().get(line_span.range()) else {
        return false;
    };
    if !text
        .bytes()
        .all(|byte| byte == b'\t' || (b' '..=b'~').contains(&byte))
    {
        return false;
    }
    // ariadne draws the line without its trailing whitespace, one column per character.
    let shown = text.trim_end().as_bytes();
    let start = (primary.start - line_span.start) as usize;
    let end = (primary.end - line_span.start) as usize;
    // The arrow hangs from the middle of the span, and the rows run two columns past it.
    let attach = (start + end) / 2;
    let arrow_len = end + 2;
    let width_at = |col: usize| match shown.get(col) {
        Some(b'\t') => (col / TAB_WIDTH + 1) * TAB_WIDTH - col,
        _ => 1,
    };

    let mut number = Number::default();
    let line_no = number.of(line as usize + 1);
    let digits = line_no.len();
    out.reserve(256 + d.message.len() + text.len() * 3);
    out.push('[');
    out.push_str(d.code.id);
    out.push_str("] ");
    out.push_str(match d.severity {
        Severity::Error => "Error",
        Severity::Warning => "Warning",
        Severity::Info | Severity::Hint => "Advice",
    });
    out.push_str(": ");
    push_text(out, &d.message);
    end_line(out);
    push_n(out, ' ', digits + 2);
    out.push_str("╭─[ ");
    push_text(out, file.name());
    out.push(':');
    out.push_str(line_no);
    out.push(':');
    out.push_str(Number::default().of(start + 1));
    out.push_str(" ]");
    end_line(out);
    push_n(out, ' ', digits + 2);
    out.push('│');
    end_line(out);
    out.push(' ');
    out.push_str(line_no);
    out.push_str(" │ ");
    if shown.contains(&b'\t') {
        for (col, &byte) in shown.iter().enumerate() {
            if byte == b'\t' {
                push_n(out, ' ', width_at(col));
            } else {
                out.push(char::from(byte));
            }
        }
    } else {
        out.push_str(text.trim_end());
    }
    end_line(out);
    // The screen columns that source columns `from..to` take.
    let width = |from: usize, to: usize| (from..to).map(width_at).sum::<usize>();
    // The underline, with the arrow's top where it hangs (`attach` lies in `start..end`, as
    // the span is not empty); the spaces ariadne draws after it are cut by `end_line`.
    row_start(out, digits);
    push_n(out, ' ', width(0, start));
    push_n(out, '─', width(start, attach));
    out.push('┬');
    push_n(out, '─', width_at(attach) - 1 + width(attach + 1, end));
    end_line(out);
    // The arrow, turning right to the label's text.
    row_start(out, digits);
    push_n(out, ' ', width(0, attach));
    out.push('╰');
    push_n(out, '─', width_at(attach) - 1 + width(attach + 1, arrow_len));
    out.push(' ');
    push_text(out, d.primary.text.as_deref().unwrap_or(""));
    end_line(out);
    footers(out, d, digits);
    true
}

/// The help, the notes and the bottom of the box.
fn footers(out: &mut String, d: &Diagnostic, digits: usize) {
    if let Some(help) = &d.help {
        footer(out, digits, "Help", 4, help);
    }
    for (idx, note) in d.notes.iter().enumerate() {
        if d.notes.len() > 1 {
            let prefix = format!("Note {}", idx + 1);
            footer(out, digits, &prefix, prefix.len(), note);
        } else {
            footer(out, digits, "Note", 4, note);
        }
    }
    push_n(out, '─', digits + 2);
    out.push('╯');
    end_line(out);
}

/// A help or note under the snippet: a blank margin row, then the text, its later lines
/// indented past the prefix.
fn footer(out: &mut String, digits: usize, prefix: &str, prefix_len: usize, text: &str) {
    row_start(out, digits);
    end_line(out);
    for (idx, line) in text.lines().enumerate() {
        row_start(out, digits);
        if idx == 0 {
            out.push_str(prefix);
            out.push_str(": ");
        } else {
            push_n(out, ' ', prefix_len + 2);
        }
        push_text(out, line);
        end_line(out);
    }
}

/// The margin of a row below the source line: ` ` and the line number's width in spaces,
/// then `│ `.
fn row_start(out: &mut String, digits: usize) {
    push_n(out, ' ', digits + 2);
    out.push_str("│ ");
}

/// Ends a line as [`crate::render`] ends each of ariadne's: `str::lines` drops the `\r`
/// of a `\r\n`, then the line loses its trailing spaces and gets a `\n`. The line is what
/// `out` holds after its last `\n`.
fn end_line(out: &mut String) {
    if out.ends_with('\r') {
        out.pop();
    }
    let kept = out.trim_end_matches(' ').len();
    out.truncate(kept);
    out.push('\n');
}

/// Appends text that may hold line breaks (a message, a label, a file name): each `\n` in
/// it ends a line as [`end_line`] does.
fn push_text(out: &mut String, text: &str) {
    let mut pieces = text.split('\n');
    if let Some(first) = pieces.next() {
        out.push_str(first);
    }
    for piece in pieces {
        end_line(out);
        out.push_str(piece);
    }
}

/// Appends `n` times `ch`; spaces and `─`, the runs of every report, by the slice.
fn push_n(out: &mut String, ch: char, n: usize) {
    const SPACES: &str = "                                ";
    const DASHES: &str = "────────────────────────────────";
    let run = match ch {
        ' ' => SPACES,
        '─' => DASHES,
        _ => {
            (0..n).for_each(|_| out.push(ch));
            return;
        }
    };
    let per_char = ch.len_utf8();
    let mut left = n;
    while left > 0 {
        let take = left.min(run.len() / per_char);
        out.push_str(&run[..take * per_char]);
        left -= take;
    }
}

/// The decimal digits of a number, written without `core::fmt`.
#[derive(Default)]
struct Number {
    digits: [u8; 20],
}

impl Number {
    fn of(&mut self, mut n: usize) -> &str {
        let mut at = self.digits.len();
        loop {
            at -= 1;
            // `n % 10` is a single digit.
            self.digits[at] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        std::str::from_utf8(&self.digits[at..]).unwrap_or("0")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::Renderer;
    use crate::{FileSpan, Label, SourceDb, codes};

    /// A small deterministic generator (xorshift), so failures reproduce.
    struct Random(u64);

    impl Random {
        fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % n as u64) as usize
        }

        fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
            items[self.below(items.len())]
        }

        fn text(&mut self, pieces: &[&str], max: usize) -> String {
            (0..self.below(max + 1)).map(|_| self.pick(pieces)).collect()
        }
    }

    const LINE_PIECES: &[&str] = &[
        "x", "rule", " ", "  ", "\t", "a\tb", "{", "}", "\"s\"", "ent:v", "é", "日", "=>", "~",
    ];
    const MESSAGE_PIECES: &[&str] = &[
        "unused", " ", "`x`", "\n", "line", "é", "", "  ", "\r\n", "\r", " \r",
    ];

    fn source(random: &mut Random) -> String {
        // Enough lines for one-, two- and three-digit line numbers.
        let lines = match random.below(4) {
            0 => 1 + random.below(3),
            1 => 8 + random.below(6),
            _ => 95 + random.below(10),
        };
        let mut text = String::new();
        for _ in 0..lines {
            text.push_str(&random.text(LINE_PIECES, 12));
            text.push_str(random.pick(&["\n", "\n", "\n", "\r\n", " \n"]));
        }
        if random.below(3) == 0 {
            text.pop();
        }
        text
    }

    fn optional(random: &mut Random) -> Option<String> {
        (random.below(2) == 0).then(|| random.text(MESSAGE_PIECES, 6))
    }

    /// On random reports of every shape, the direct drawing either declines or writes what
    /// ariadne writes, and it takes the common shape often enough to matter.
    #[test]
    fn draws_what_ariadne_draws() {
        let mut random = Random(0x9E37_79B9_7F4A_7C15);
        let mut drawn = 0;
        let rounds = 4000;
        for _ in 0..rounds {
            let mut db = SourceDb::new();
            let text = source(&mut random);
            let len = text.len() as u32;
            let id = db.add("dir/file.krl", text);
            let start = random.below(len as usize + 1) as u32;
            let end = (start + random.below(12) as u32).min(len);
            let severity =
                [Severity::Error, Severity::Warning, Severity::Info, Severity::Hint][random.below(4)];
            let at = FileSpan::new(id, Span::new(start, end));
            let mut d = Diagnostic::new(
                codes::UNEXPECTED_TOKEN,
                severity,
                at,
                random.text(MESSAGE_PIECES, 5),
            );
            d.primary.text = optional(&mut random);
            d.help = optional(&mut random);
            d.notes = (0..random.below(4))
                .map(|_| random.text(MESSAGE_PIECES, 6))
                .collect();
            if random.below(8) == 0 {
                d.related.push(Label {
                    at: FileSpan::new(id, Span::new(0, 1.min(len))),
                    text: None,
                });
            }
            let renderer = Renderer::new(&db);
            let mut expected = String::new();
            renderer.write_with_ariadne(&d, false, &mut expected);
            let mut actual = String::new();
            renderer.write_terminal(&d, false, &mut actual);
            assert_eq!(actual, expected, "{d:#?}\nin {:?}", db.text(id));
            let clamped = db.get(id).lines().clamp_span(d.primary.at.span);
            if write_single_line(&d, db.get(id), clamped, &mut String::new()) {
                drawn += 1;
            }
        }
        assert!(drawn > rounds / 10, "drawn directly: {drawn} of {rounds}");
    }
}
