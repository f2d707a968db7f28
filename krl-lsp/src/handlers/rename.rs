//! `textDocument/prepareRename` and `textDocument/rename` for declarations, parameters,
//! `ent:` variables and rules. A rename is refused when the new name is not an identifier, is
//! a reserved word, or would change what some use of a name means (capture).

use std::collections::HashMap;

use krl_check::{DeclId, NameTable, ScopeId};
use krl_diagnostics::Span;
use krl_syntax::token::Kw;
use tower_lsp::lsp_types::{Position, PrepareRenameResponse, TextEdit, WorkspaceEdit};

use crate::analysis::Analysis;
use crate::target::{Target, target_at};

/// The range that would be renamed, or why nothing here can be.
pub fn prepare_rename(analysis: &Analysis, pos: Position) -> Result<PrepareRenameResponse, String> {
    let offset = analysis.offset(pos);
    let span = match target_at(analysis, offset) {
        Some(Target::Decl { id, span }) => {
            let decl = analysis.names().declaration(id);
            if decl.kind.is_builtin() {
                return Err(format!("`{}` is built in and cannot be renamed", decl.name));
            }
            span
        }
        Some(Target::Ent { span, name }) => {
            // Only the name after `ent:` changes.
            Span::new(span.end - name.len() as u32, span.end)
        }
        Some(Target::Rule(rule)) => rule.name.span,
        _ => return Err("nothing to rename here".to_string()),
    };
    Ok(PrepareRenameResponse::Range(analysis.range(span)))
}

/// Whether `name` can name a variable: an identifier that is not reserved and not a word the
/// parser reads as an operator (language.md §1.3).
pub fn check_identifier(name: &str) -> Result<(), String> {
    let mut chars = name.chars();
    let valid = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$');
    if !valid {
        return Err(format!("`{name}` is not a valid KRL identifier"));
    }
    if let Some(kw) = Kw::from_word(name) {
        if kw.is_reserved() {
            return Err(format!("`{name}` is a reserved word"));
        }
        if kw.is_operator_word() {
            return Err(format!(
                "`{name}` is an operator word and cannot be used in expressions"
            ));
        }
    }
    Ok(())
}

pub fn rename(analysis: &Analysis, pos: Position, new_name: &str) -> Result<WorkspaceEdit, String> {
    check_identifier(new_name)?;
    let offset = analysis.offset(pos);
    let spans = match target_at(analysis, offset) {
        Some(Target::Decl { id, .. }) => decl_rename_spans(analysis, id, new_name)?,
        Some(Target::Ent { name, .. }) => {
            if analysis.names().ent.iter().any(|access| access.name == new_name) {
                return Err(format!("`ent:{new_name}` already exists"));
            }
            analysis
                .names()
                .ent_accesses(&name)
                .map(|access| Span::new(access.span.end - name.len() as u32, access.span.end))
                .collect()
        }
        Some(Target::Rule(rule)) => {
            if analysis
                .ruleset()
                .rules()
                .any(|other| other.name.name == new_name)
            {
                return Err(format!("a rule named `{new_name}` already exists"));
            }
            vec![rule.name.span]
        }
        _ => return Err("nothing to rename here".to_string()),
    };
    let edits = spans
        .into_iter()
        .map(|span| TextEdit::new(analysis.range(span), new_name.to_string()))
        .collect();
    Ok(WorkspaceEdit {
        changes: Some(HashMap::from([(analysis.uri.clone(), edits)])),
        ..WorkspaceEdit::default()
    })
}

fn line_of(analysis: &Analysis, span: Span) -> u32 {
    analysis.lines.line_col(span.start).line + 1
}

fn decl_rename_spans(analysis: &Analysis, id: DeclId, new_name: &str) -> Result<Vec<Span>, String> {
    let names = analysis.names();
    let decl = names.declaration(id);
    if decl.kind.is_builtin() {
        return Err(format!("`{}` is built in and cannot be renamed", decl.name));
    }
    if decl.name == new_name {
        return Ok(Vec::new());
    }
    // A name declared in the same scope would clash.
    if let Some(other) = names_in(names, decl.scope, new_name).next() {
        let line = line_of(analysis, names.declaration(other).span);
        return Err(format!(
            "`{new_name}` is already declared in this scope (line {line})"
        ));
    }
    // Our uses must not end up meaning a `new_name` declared in between.
    for reference in names.references_of(id) {
        for scope in chain(names, scope_at(names, reference.span)) {
            if scope == decl.scope {
                break;
            }
            if let Some(other) = names_in(names, scope, new_name).next() {
                let line = line_of(analysis, names.declaration(other).span);
                return Err(format!(
                    "the use at line {} would be captured by `{new_name}` declared at line {line}",
                    line_of(analysis, reference.span)
                ));
            }
        }
    }
    // Uses of another `new_name` must not start meaning ours.
    for reference in &names.references {
        let Some(other) = reference.resolved else { continue };
        if other == id || names.declaration(other).name != new_name {
            continue;
        }
        let other_scope = names.declaration(other).scope;
        for scope in chain(names, scope_at(names, reference.span)) {
            if scope == other_scope {
                break;
            }
            if scope == decl.scope {
                return Err(format!(
                    "renaming would capture the use of `{new_name}` at line {}",
                    line_of(analysis, reference.span)
                ));
            }
        }
    }
    let mut spans = vec![decl.span];
    spans.extend(
        names
            .references_of(id)
            .filter(|reference| analysis.slice(reference.span) == decl.name)
            .map(|reference| reference.span),
    );
    spans.sort();
    spans.dedup();
    Ok(spans)
}

fn names_in<'a>(names: &'a NameTable, scope: ScopeId, name: &'a str) -> impl Iterator<Item = DeclId> + 'a {
    names.declaration_ids().filter(move |&id| {
        let decl = names.declaration(id);
        decl.scope == scope && decl.name == name
    })
}

/// The innermost scope whose source holds `span`.
pub fn scope_at(names: &NameTable, span: Span) -> ScopeId {
    names
        .scopes
        .iter()
        .enumerate()
        .filter(|(_, scope)| !scope.span.is_empty() && scope.span.contains(span))
        .min_by_key(|(_, scope)| scope.span.len())
        .map_or(ScopeId(0), |(idx, _)| ScopeId(idx as u32))
}

/// `scope` and its ancestors, innermost first.
pub fn chain(names: &NameTable, scope: ScopeId) -> Vec<ScopeId> {
    let mut out = Vec::new();
    let mut current = Some(scope);
    while let Some(id) = current {
        out.push(id);
        current = names.scopes.get(id.0 as usize).and_then(|scope| scope.parent);
    }
    out
}
