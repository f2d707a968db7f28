//! `textDocument/selectionRange`: from the word under the cursor outwards through every
//! enclosing node of the tree up to the whole ruleset.

use krl_diagnostics::Span;
use tower_lsp::lsp_types::{Position, SelectionRange};

use crate::analysis::Analysis;
use crate::syntax;

pub fn selection_ranges(analysis: &Analysis, positions: &[Position]) -> Vec<SelectionRange> {
    positions
        .iter()
        .map(|&pos| selection_range(analysis, pos))
        .collect()
}

pub fn selection_range(analysis: &Analysis, pos: Position) -> SelectionRange {
    let offset = analysis.offset(pos);
    let mut spans = vec![analysis.ruleset().span, Span::new(0, analysis.lines.len())];
    syntax::walk(analysis.ruleset(), &mut |node| {
        let span = node.span();
        if span.start <= offset && offset <= span.end {
            spans.push(analysis.trim(span));
        }
    });
    if let Some((_, word)) = analysis.word_at(offset) {
        spans.push(word.span);
    }
    // Outermost first, so each range's parent is the one before it.
    spans.sort_by_key(|span| (std::cmp::Reverse(span.len()), span.start));
    spans.dedup();
    let mut current: Option<SelectionRange> = None;
    for span in spans {
        current = Some(SelectionRange {
            range: analysis.range(span),
            parent: current.map(Box::new),
        });
    }
    current.unwrap_or(SelectionRange {
        range: analysis.range(Span::empty(offset)),
        parent: None,
    })
}
