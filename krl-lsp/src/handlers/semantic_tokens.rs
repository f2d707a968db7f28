//! `textDocument/semanticTokens/full`: lexer tokens classified with the name table (what each
//! word declares or refers to), event domains and types of `select when`, and comments.

use std::collections::HashMap;

use krl_check::{DeclKind, Shape};
use krl_diagnostics::Span;
use tower_lsp::lsp_types::{
    SemanticToken, SemanticTokenModifier, SemanticTokenType, SemanticTokens, SemanticTokensLegend,
};

use crate::analysis::{Analysis, TokKind};
use crate::syntax;

/// The token types, in the order of their indices below.
pub const TYPES: &[SemanticTokenType] = &[
    SemanticTokenType::KEYWORD,
    SemanticTokenType::VARIABLE,
    SemanticTokenType::PARAMETER,
    SemanticTokenType::FUNCTION,
    SemanticTokenType::METHOD,
    SemanticTokenType::PROPERTY,
    SemanticTokenType::NAMESPACE,
    SemanticTokenType::STRING,
    SemanticTokenType::NUMBER,
    SemanticTokenType::REGEXP,
    SemanticTokenType::OPERATOR,
    SemanticTokenType::COMMENT,
    SemanticTokenType::EVENT,
];
const KEYWORD: u32 = 0;
const VARIABLE: u32 = 1;
const PARAMETER: u32 = 2;
const FUNCTION: u32 = 3;
const METHOD: u32 = 4;
const PROPERTY: u32 = 5;
const NAMESPACE: u32 = 6;
const STRING: u32 = 7;
const NUMBER: u32 = 8;
const REGEXP: u32 = 9;
const OPERATOR: u32 = 10;
const COMMENT: u32 = 11;
const EVENT: u32 = 12;

pub const MODIFIERS: &[SemanticTokenModifier] = &[
    SemanticTokenModifier::DECLARATION,
    SemanticTokenModifier::DEFAULT_LIBRARY,
];
const DECLARATION: u32 = 1;
const DEFAULT_LIBRARY: u32 = 2;

pub fn legend() -> SemanticTokensLegend {
    SemanticTokensLegend {
        token_types: TYPES.to_vec(),
        token_modifiers: MODIFIERS.to_vec(),
    }
}

fn decl_type(kind: DeclKind, shape: &Shape) -> u32 {
    match (kind, shape) {
        (_, Shape::Function(_)) => FUNCTION,
        (_, Shape::Action(_) | Shape::ActionFunction(_)) => METHOD,
        (DeclKind::Parameter, _) => PARAMETER,
        _ => VARIABLE,
    }
}

/// Classified tokens as (span, type, modifiers), in source order.
pub fn classify(analysis: &Analysis) -> Vec<(Span, u32, u32)> {
    let names = analysis.names();
    let mut by_span: HashMap<Span, (u32, u32)> = HashMap::new();
    for id in names.declaration_ids() {
        let decl = names.declaration(id);
        if !decl.kind.is_builtin() {
            by_span.insert(decl.span, (decl_type(decl.kind, &decl.shape), DECLARATION));
        }
    }
    for reference in &names.references {
        if let Some(id) = reference.resolved {
            let decl = names.declaration(id);
            let modifiers = if decl.kind.is_builtin() {
                DEFAULT_LIBRARY
            } else {
                0
            };
            by_span
                .entry(reference.span)
                .or_insert((decl_type(decl.kind, &decl.shape), modifiers));
        }
    }
    for rule in analysis.ruleset().rules() {
        for (base, _) in syntax::selected_events(rule) {
            by_span.insert(base.domain.span, (NAMESPACE, 0));
            by_span.insert(base.event_type.span, (EVENT, 0));
        }
    }
    let mut out = Vec::new();
    let tokens = &analysis.tokens;
    for (idx, tok) in tokens.iter().enumerate() {
        let prev = idx.checked_sub(1).and_then(|i| tokens.get(i));
        let next = tokens.get(idx + 1);
        let class = match tok.kind {
            TokKind::Word | TokKind::Keyword(_) => {
                if let Some(&class) = by_span.get(&tok.span) {
                    Some(class)
                } else if next.is_some_and(|next| next.is_punct(":")) {
                    Some((NAMESPACE, 0))
                } else if prev.is_some_and(|prev| prev.is_punct(":")) {
                    Some((PROPERTY, 0))
                } else if prev.is_some_and(|prev| prev.is_punct(".")) {
                    Some((METHOD, 0))
                } else if matches!(tok.kind, TokKind::Keyword(_)) {
                    Some((KEYWORD, 0))
                } else {
                    None
                }
            }
            TokKind::Number => Some((NUMBER, 0)),
            TokKind::Str | TokKind::ChevronText | TokKind::ChevronOpen | TokKind::ChevronClose => {
                Some((STRING, 0))
            }
            TokKind::BeestingOpen | TokKind::BeestingClose => Some((KEYWORD, 0)),
            TokKind::Regex => Some((REGEXP, 0)),
            TokKind::Punct(p) => (!matches!(p, "{" | "}" | "(" | ")" | "[" | "]" | "," | ";" | ":" | "."))
                .then_some((OPERATOR, 0)),
            TokKind::Invalid => None,
        };
        if let Some((kind, modifiers)) = class {
            out.push((tok.span, kind, modifiers));
        }
    }
    out.extend(
        analysis
            .parse
            .trivia
            .comments
            .iter()
            .map(|comment| (comment.span, COMMENT, 0)),
    );
    out.sort_by_key(|(span, _, _)| span.start);
    out
}

pub fn semantic_tokens(analysis: &Analysis) -> SemanticTokens {
    let mut data = Vec::new();
    let (mut last_line, mut last_col) = (0u32, 0u32);
    for (span, kind, modifiers) in classify(analysis) {
        // Tokens may not span lines in LSP: split strings and comments per line.
        let first_line = analysis.lines.line_col(span.start).line;
        let last = analysis.lines.line_col(span.end).line;
        for line in first_line..=last {
            let Some(line_span) = analysis.lines.line_span(line) else {
                break;
            };
            let start = span.start.max(line_span.start);
            let end = span.end.min(line_span.end);
            if end <= start {
                continue;
            }
            let col = analysis.lines.utf16_line_col(start).col;
            let length = analysis.slice(Span::new(start, end)).encode_utf16().count() as u32;
            let delta_line = line - last_line;
            let delta_start = if delta_line == 0 {
                col.saturating_sub(last_col)
            } else {
                col
            };
            data.push(SemanticToken {
                delta_line,
                delta_start,
                length,
                token_type: kind,
                token_modifiers_bitset: modifiers,
            });
            last_line = line;
            last_col = col;
        }
    }
    SemanticTokens {
        result_id: None,
        data,
    }
}
