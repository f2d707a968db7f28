//! `textDocument/documentSymbol`: the outline as a hierarchy: the ruleset, its meta block, its
//! global declarations, and its rules with their `pre` declarations.

use krl_syntax::ast::{Declaration, ExprKind, MetaPropKind, declarations};
use tower_lsp::lsp_types::{DocumentSymbol, SymbolKind};

use crate::analysis::Analysis;
use crate::describe;

#[allow(deprecated)] // `DocumentSymbol::deprecated` must be spelled out
fn symbol(
    analysis: &Analysis,
    name: String,
    detail: Option<String>,
    kind: SymbolKind,
    span: krl_diagnostics::Span,
    name_span: krl_diagnostics::Span,
    children: Vec<DocumentSymbol>,
) -> DocumentSymbol {
    DocumentSymbol {
        name: if name.is_empty() { "?".to_string() } else { name },
        detail,
        kind,
        tags: None,
        deprecated: None,
        range: analysis.range(span),
        selection_range: analysis.range(name_span),
        children: (!children.is_empty()).then_some(children),
    }
}

pub fn declaration_symbol(analysis: &Analysis, decl: &Declaration) -> DocumentSymbol {
    let kind = match decl.value.kind {
        ExprKind::Function(_) => SymbolKind::FUNCTION,
        ExprKind::Defaction(_) => SymbolKind::METHOD,
        _ => SymbolKind::VARIABLE,
    };
    let detail = describe::value_summary(analysis, &decl.value);
    symbol(
        analysis,
        decl.name.name.to_string(),
        Some(detail),
        kind,
        decl.span,
        decl.name.span,
        Vec::new(),
    )
}

pub fn document_symbols(analysis: &Analysis) -> Vec<DocumentSymbol> {
    let ruleset = analysis.ruleset();
    let mut children = Vec::new();
    if let Some(meta) = &ruleset.meta {
        let props = meta
            .props()
            .map(|prop| {
                let detail = match &prop.kind {
                    MetaPropKind::Use { rid, alias, .. } => Some(match alias {
                        Some(alias) => format!("{} alias {}", rid.name, alias.name),
                        None => rid.name.clone(),
                    }),
                    MetaPropKind::Shares { names } | MetaPropKind::Provides { names } => Some(
                        names
                            .iter()
                            .map(|n| n.name.as_str())
                            .collect::<Vec<_>>()
                            .join(", "),
                    ),
                    _ => None,
                };
                symbol(
                    analysis,
                    prop.key.name.to_string(),
                    detail,
                    SymbolKind::PROPERTY,
                    prop.span,
                    prop.key.span,
                    Vec::new(),
                )
            })
            .collect();
        let head = krl_diagnostics::Span::new(meta.span.start, meta.span.start + 4);
        children.push(symbol(
            analysis,
            "meta".into(),
            None,
            SymbolKind::NAMESPACE,
            meta.span,
            head,
            props,
        ));
    }
    if let Some(global) = &ruleset.global {
        for decl in declarations(&global.decls) {
            children.push(declaration_symbol(analysis, decl));
        }
    }
    for rule in ruleset.rules() {
        let pre = rule
            .pre
            .iter()
            .flat_map(|pre| declarations(&pre.decls))
            .map(|decl| declaration_symbol(analysis, decl))
            .collect();
        let detail = rule
            .select
            .as_ref()
            .map(|select| describe::one_line(analysis.slice(select.span)));
        children.push(symbol(
            analysis,
            rule.name.name.to_string(),
            detail,
            SymbolKind::EVENT,
            rule.span,
            rule.name.span,
            pre,
        ));
    }
    vec![symbol(
        analysis,
        ruleset.rid.name.clone(),
        None,
        SymbolKind::MODULE,
        ruleset.span,
        ruleset.rid.span,
        children,
    )]
}
