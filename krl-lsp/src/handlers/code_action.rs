//! `textDocument/codeAction`: mechanical fixes. Share a global declaration (add it to
//! `shares`), remove an unused declaration, and replace the deprecated `event:attr(x)` with
//! `event:attrs{x}`.

use std::collections::HashMap;

use krl_check::DeclKind;
use krl_diagnostics::{Span, codes};
use krl_syntax::ast::{ExprKind, MetaPropKind, declarations};
use tower_lsp::lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, Diagnostic, NumberOrString, Range, TextEdit,
    WorkspaceEdit,
};

use crate::analysis::Analysis;
use crate::syntax::{self, Node};

pub fn code_actions(
    analysis: &Analysis,
    range: Range,
    diagnostics: &[Diagnostic],
) -> Vec<CodeActionOrCommand> {
    let span = analysis.span(range);
    let mut out = Vec::new();
    out.extend(share_action(analysis, span));
    out.extend(remove_unused_actions(analysis, span, diagnostics));
    out.extend(event_attr_actions(analysis, span));
    out.into_iter().map(CodeActionOrCommand::CodeAction).collect()
}

fn overlaps(a: Span, b: Span) -> bool {
    a.start <= b.end && b.start <= a.end
}

fn action(analysis: &Analysis, title: String, edits: Vec<TextEdit>, preferred: bool) -> CodeAction {
    CodeAction {
        title,
        kind: Some(CodeActionKind::QUICKFIX),
        edit: Some(WorkspaceEdit {
            changes: Some(HashMap::from([(analysis.uri.clone(), edits)])),
            ..WorkspaceEdit::default()
        }),
        is_preferred: Some(preferred),
        ..CodeAction::default()
    }
}

/// "Share `name`" on a global declaration that `shares` does not list yet.
fn share_action(analysis: &Analysis, span: Span) -> Option<CodeAction> {
    let ruleset = analysis.ruleset();
    let global = ruleset.global.as_ref()?;
    let decl = declarations(&global.decls).find(|decl| overlaps(decl.name.span, span))?;
    if matches!(decl.value.kind, ExprKind::Defaction(_)) {
        return None; // actions cannot be queried
    }
    let name = &decl.name.name;
    let shares = ruleset
        .meta
        .iter()
        .flat_map(|meta| meta.props())
        .find_map(|prop| match &prop.kind {
            MetaPropKind::Shares { names } => Some((prop, names)),
            _ => None,
        });
    let edit = match (shares, &ruleset.meta) {
        (Some((_, names)), _) if names.iter().any(|n| n.name == name) => return None,
        (Some((prop, names)), _) => {
            let at = names.last().map_or(prop.key.span.end, |last| last.span.end);
            let text = if names.is_empty() {
                format!(" {name}")
            } else {
                format!(", {name}")
            };
            TextEdit::new(analysis.range(Span::empty(at)), text)
        }
        (None, Some(meta)) => {
            // Right after `meta {`.
            let brace = analysis.slice(meta.span).find('{')? as u32 + meta.span.start + 1;
            let indent = line_indent(analysis, meta.span.start);
            TextEdit::new(
                analysis.range(Span::empty(brace)),
                format!("\n{indent}  shares {name}"),
            )
        }
        (None, None) => {
            let indent = line_indent(analysis, global.span.start);
            TextEdit::new(
                analysis.range(Span::empty(global.span.start)),
                format!("meta {{\n{indent}  shares {name}\n{indent}}}\n{indent}"),
            )
        }
    };
    Some(action(
        analysis,
        format!("Share `{name}` (add it to `shares`)"),
        vec![edit],
        false,
    ))
}

fn line_indent(analysis: &Analysis, offset: u32) -> String {
    let line = analysis.lines.line_col(offset).line;
    let text = analysis
        .lines
        .line_span(line)
        .map(|span| analysis.slice(span))
        .unwrap_or_default();
    text.chars().take_while(|c| c.is_whitespace()).collect()
}

/// "Remove unused declaration" for each W0101 diagnostic on a `name = value` declaration.
fn remove_unused_actions(analysis: &Analysis, span: Span, diagnostics: &[Diagnostic]) -> Vec<CodeAction> {
    let names = analysis.names();
    let mut out = Vec::new();
    for diagnostic in &analysis.check.diagnostics {
        if diagnostic.code != codes::UNUSED_DECLARATION || !overlaps(diagnostic.primary.at.span, span) {
            continue;
        }
        let Some(id) = names.declaration_at(diagnostic.primary.at.span.start) else {
            continue;
        };
        let decl = names.declaration(id);
        if !matches!(
            decl.kind,
            DeclKind::Global | DeclKind::Pre | DeclKind::Local | DeclKind::Postlude
        ) {
            continue;
        }
        let Some(node) = syntax::declaration_named(analysis.ruleset(), decl.span) else {
            continue;
        };
        let remove = whole_lines(analysis, node.span);
        let mut fix = action(
            analysis,
            format!("Remove unused declaration `{}`", decl.name),
            vec![TextEdit::new(analysis.range(remove), String::new())],
            true,
        );
        let matching: Vec<_> = diagnostics
            .iter()
            .filter(|d| d.code == Some(NumberOrString::String(codes::UNUSED_DECLARATION.id.to_string())))
            .filter(|d| analysis.span(d.range) == diagnostic.primary.at.span)
            .cloned()
            .collect();
        if !matching.is_empty() {
            fix.diagnostics = Some(matching);
        }
        out.push(fix);
    }
    out
}

/// Widens `span` to whole lines when nothing else shares them.
fn whole_lines(analysis: &Analysis, span: Span) -> Span {
    let lines = &analysis.lines;
    let first = lines.line_col(span.start).line;
    let last = lines.line_col(span.end).line;
    let (Some(first_span), Some(last_span)) = (lines.line_span(first), lines.line_span(last)) else {
        return span;
    };
    let before = analysis.slice(Span::new(first_span.start, span.start));
    let after = analysis.slice(Span::new(span.end, last_span.end));
    let after = after.trim_start_matches(';');
    if before.trim().is_empty() && after.trim().is_empty() {
        let end = lines.line_start(last + 1).unwrap_or(lines.len());
        Span::new(first_span.start, end)
    } else {
        span
    }
}

/// `event:attr(x)` → `event:attrs{x}`.
fn event_attr_actions(analysis: &Analysis, span: Span) -> Vec<CodeAction> {
    let mut out = Vec::new();
    syntax::walk(analysis.ruleset(), &mut |node| {
        let Node::Expr(expr) = node else { return };
        let ExprKind::Call { callee, args } = &expr.kind else {
            return;
        };
        let ExprKind::DomainIdentifier { domain, name } = &callee.kind else {
            return;
        };
        if domain.name != "event" || name.name != "attr" || !overlaps(expr.span, span) {
            return;
        }
        let mut items = args.args();
        let (Some(arg), None) = (items.next(), items.next()) else {
            return;
        };
        if arg.name.is_some() {
            return;
        }
        let replacement = format!("event:attrs{{{}}}", analysis.slice(arg.value.span));
        out.push(action(
            analysis,
            format!("Replace with `{replacement}`"),
            vec![TextEdit::new(analysis.range(expr.span), replacement)],
            true,
        ));
    });
    out
}
