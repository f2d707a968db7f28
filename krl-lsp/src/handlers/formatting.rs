//! `textDocument/formatting` through `krl_syntax::fmt`: one edit replacing the whole text.
//! Files with syntax errors are left alone, as `krl fmt` does.

use krl_syntax::fmt::{FormatOptions, format_ruleset};
use tower_lsp::lsp_types::TextEdit;

use crate::analysis::Analysis;

pub fn formatting(analysis: &Analysis) -> Option<Vec<TextEdit>> {
    let formatted = format_ruleset(&analysis.text, &analysis.parse, &FormatOptions::default()).ok()?;
    if formatted == *analysis.text {
        return Some(Vec::new());
    }
    let whole = krl_diagnostics::Span::new(0, analysis.lines.len());
    Some(vec![TextEdit::new(analysis.range(whole), formatted)])
}
