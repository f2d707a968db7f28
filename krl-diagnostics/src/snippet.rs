//! The report `krl check` prints most, drawn directly: one label on one line of plain text,
//! no other files, no colour. ariadne draws every report with a general layout pass (each
//! column of each row asks every label what to draw), which was the largest part of `krl
//! check`'s rendering time; this module writes the same characters as ariadne 0.6 in one
//! pass, and [`crate::render`] keeps ariadne for every other report. A test compares the two
//! on thousands of random reports.

use std::fmt::Write;

use crate::{Diagnostic, Severity, SourceFile, Span};

/// ariadne's default tab stop.
const TAB_WIDTH: usize = 4;

/// Appends `d`'s report to `out` exactly as ariadne 0.6 writes it without colour (trailing
/// spaces included), when `d` is the simple case: no related labels, and a non-empty
/// `primary` span (clamped into `file`) on one line whose text is printable ASCII or tabs.
/// Returns `false`, having written nothing, otherwise.
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

    let line_no = line + 1;
    let digits = line_no.to_string().len();
    let margin = " ".repeat(digits + 2);
    let kind = match d.severity {
        Severity::Error => "Error",
        Severity::Warning => "Warning",
        Severity::Info | Severity::Hint => "Advice",
    };
    // Writing to a String cannot fail.
    let _ = writeln!(out, "[{}] {kind}: {}", d.code.id, d.message);
    let _ = writeln!(out, "{margin}╭─[ {}:{line_no}:{} ]", file.name(), start + 1);
    let _ = writeln!(out, "{margin}│");
    let _ = write!(out, " {line_no} │ ");
    for (col, &byte) in shown.iter().enumerate() {
        if byte == b'\t' {
            push_n(out, ' ', width_at(col));
        } else {
            out.push(char::from(byte));
        }
    }
    out.push('\n');
    let row_margin = &margin[1..];
    // The underline, with the arrow's top where it hangs.
    let _ = write!(out, " {row_margin}│ ");
    for col in 0..arrow_len {
        let (first, rest) = if col == attach {
            ('┬', '─')
        } else if (start..end).contains(&col) {
            ('─', '─')
        } else {
            (' ', ' ')
        };
        out.push(first);
        push_n(out, rest, width_at(col) - 1);
    }
    out.push('\n');
    // The arrow, turning right to the label's text.
    let _ = write!(out, " {row_margin}│ ");
    for col in 0..arrow_len {
        let (first, rest) = match col.cmp(&attach) {
            std::cmp::Ordering::Less => (' ', ' '),
            std::cmp::Ordering::Equal => ('╰', '─'),
            std::cmp::Ordering::Greater => ('─', '─'),
        };
        out.push(first);
        push_n(out, rest, width_at(col) - 1);
    }
    let _ = writeln!(out, " {}", d.primary.text.as_deref().unwrap_or(""));
    if let Some(help) = &d.help {
        footer(out, row_margin, "Help", 4, help);
    }
    for (idx, note) in d.notes.iter().enumerate() {
        if d.notes.len() > 1 {
            let prefix = format!("Note {}", idx + 1);
            footer(out, row_margin, &prefix, prefix.len(), note);
        } else {
            footer(out, row_margin, "Note", 4, note);
        }
    }
    push_n(out, '─', digits + 2);
    out.push_str("╯\n");
    true
}

/// A help or note under the snippet: a blank margin row, then the text, its later lines
/// indented past the prefix.
fn footer(out: &mut String, row_margin: &str, prefix: &str, prefix_len: usize, text: &str) {
    let _ = writeln!(out, " {row_margin}│ ");
    for (idx, line) in text.lines().enumerate() {
        if idx == 0 {
            let _ = writeln!(out, " {row_margin}│ {prefix}: {line}");
        } else {
            let _ = writeln!(out, " {row_margin}│ {:>pad$}{line}", "", pad = prefix_len + 2);
        }
    }
}

fn push_n(out: &mut String, ch: char, n: usize) {
    for _ in 0..n {
        out.push(ch);
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
    const MESSAGE_PIECES: &[&str] = &["unused", " ", "`x`", "\n", "line", "é", "", "  "];

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
