//! `workspace/symbol`: rulesets, global declarations and rules of every known file whose name
//! contains the query (case-insensitively).

use tower_lsp::lsp_types::{DocumentSymbol, SymbolInformation};

use crate::handlers::document_symbol::document_symbols;
use crate::workspace::Workspace;

pub fn workspace_symbols(workspace: &Workspace, query: &str) -> Vec<SymbolInformation> {
    let query = query.to_lowercase();
    let mut out = Vec::new();
    for file in &workspace.files {
        for symbol in document_symbols(file) {
            flatten(&file.uri, &symbol, None, &query, &mut out);
        }
    }
    out
}

#[allow(deprecated)] // `SymbolInformation::deprecated` must be spelled out
fn flatten(
    uri: &tower_lsp::lsp_types::Url,
    symbol: &DocumentSymbol,
    container: Option<&str>,
    query: &str,
    out: &mut Vec<SymbolInformation>,
) {
    let is_meta = symbol.kind == tower_lsp::lsp_types::SymbolKind::NAMESPACE;
    if !is_meta && symbol.name.to_lowercase().contains(query) {
        out.push(SymbolInformation {
            name: symbol.name.clone(),
            kind: symbol.kind,
            tags: None,
            deprecated: None,
            location: tower_lsp::lsp_types::Location::new(uri.clone(), symbol.selection_range),
            container_name: container.map(str::to_string),
        });
    }
    if is_meta {
        return;
    }
    for child in symbol.children.iter().flatten() {
        flatten(uri, child, Some(&symbol.name), query, out);
    }
}
