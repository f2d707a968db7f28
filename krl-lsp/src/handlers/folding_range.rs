//! `textDocument/foldingRange`: every bracket pair and chevron string that spans lines, block
//! comments, and runs of line comments. Works from tokens, so folding survives syntax errors.

use krl_syntax::trivia::CommentKind;
use tower_lsp::lsp_types::{FoldingRange, FoldingRangeKind};

use crate::analysis::{Analysis, TokKind};

pub fn folding_ranges(analysis: &Analysis) -> Vec<FoldingRange> {
    let line = |offset: u32| analysis.lines.line_col(offset).line;
    let mut out = Vec::new();
    let mut open: Vec<(TokKind, u32)> = Vec::new();
    for tok in &analysis.tokens {
        match tok.kind {
            TokKind::Punct("{" | "(" | "[") | TokKind::ChevronOpen => open.push((tok.kind, tok.span.start)),
            TokKind::Punct(close @ ("}" | ")" | "]")) => {
                let opener = match close {
                    "}" => "{",
                    ")" => "(",
                    _ => "[",
                };
                // Skip unmatched closers; pop to the matching opener.
                if let Some(idx) = open.iter().rposition(|(kind, _)| *kind == TokKind::Punct(opener)) {
                    let start = open.get(idx).map_or(0, |(_, start)| *start);
                    open.truncate(idx);
                    push(&mut out, line(start), line(tok.span.start), None);
                }
            }
            TokKind::ChevronClose => {
                if let Some(idx) = open.iter().rposition(|(kind, _)| *kind == TokKind::ChevronOpen) {
                    let start = open.get(idx).map_or(0, |(_, start)| *start);
                    open.truncate(idx);
                    push(&mut out, line(start), line(tok.span.start), None);
                }
            }
            _ => {}
        }
    }
    let mut run: Option<(u32, u32)> = None;
    for comment in &analysis.parse.trivia.comments {
        let (start, end) = (line(comment.span.start), line(comment.span.end.saturating_sub(1)));
        match comment.kind {
            CommentKind::Block => push(&mut out, start, end + 1, Some(FoldingRangeKind::Comment)),
            CommentKind::Line => {
                run = match run {
                    Some((first, last)) if last + 1 == start => Some((first, start)),
                    Some((first, last)) => {
                        push(&mut out, first, last + 1, Some(FoldingRangeKind::Comment));
                        Some((start, start))
                    }
                    None => Some((start, start)),
                };
            }
        }
    }
    if let Some((first, last)) = run {
        push(&mut out, first, last + 1, Some(FoldingRangeKind::Comment));
    }
    out.sort_by_key(|range| (range.start_line, range.end_line));
    out
}

/// Folds from `start` to the line before `end_line` (where the closer sits), if that is a range.
fn push(out: &mut Vec<FoldingRange>, start: u32, end_line: u32, kind: Option<FoldingRangeKind>) {
    if end_line > start + 1 {
        out.push(FoldingRange {
            start_line: start,
            start_character: None,
            end_line: end_line - 1,
            end_character: None,
            kind,
            collapsed_text: None,
        });
    }
}
