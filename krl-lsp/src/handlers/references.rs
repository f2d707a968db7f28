//! `textDocument/references`: every use of a declaration, an `ent:` variable or a module member.

use krl_check::DeclId;
use tower_lsp::lsp_types::{Location, Position};

use crate::analysis::Analysis;
use crate::target::{Target, target_at};

/// Every place the name at `pos` refers to, its declaration first when asked for.
pub fn references(analysis: &Analysis, pos: Position, include_declaration: bool) -> Vec<Location> {
    let offset = analysis.offset(pos);
    match target_at(analysis, offset) {
        Some(Target::Decl { id, .. }) => decl_references(analysis, id, include_declaration),
        Some(Target::Ent { name, .. }) => analysis
            .names()
            .ent_accesses(&name)
            .map(|access| analysis.location(access.span))
            .collect(),
        Some(Target::Rule(rule)) if include_declaration => vec![analysis.location(rule.name.span)],
        _ => Vec::new(),
    }
}

pub fn decl_references(analysis: &Analysis, id: DeclId, include_declaration: bool) -> Vec<Location> {
    let names = analysis.names();
    let decl = names.declaration(id);
    let mut spans = Vec::new();
    if include_declaration && !decl.kind.is_builtin() {
        spans.push(decl.span);
    }
    spans.extend(names.references_of(id).map(|reference| reference.span));
    spans.sort();
    spans.dedup();
    spans.into_iter().map(|span| analysis.location(span)).collect()
}
