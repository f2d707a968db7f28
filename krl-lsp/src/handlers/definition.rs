//! `textDocument/definition`: declarations, parameters, `ent:` writes, rules, module aliases
//! (into `<rid>.krl` next to the ruleset), and from `raise`/`schedule`/`event:send` to the
//! rules that select the event.

use krl_check::EntAccessKind;
use krl_syntax::ast::declarations;
use tower_lsp::lsp_types::{GotoDefinitionResponse, Location, Position, Range};

use crate::analysis::Analysis;
use crate::handlers::event_targets;
use crate::target::{Target, target_at};
use crate::workspace::Workspace;

pub fn definition(
    analysis: &Analysis,
    workspace: &Workspace,
    pos: Position,
) -> Option<GotoDefinitionResponse> {
    let offset = analysis.offset(pos);
    let locations = match target_at(analysis, offset) {
        Some(Target::Decl { id, .. }) => {
            let decl = analysis.names().declaration(id);
            if decl.kind.is_builtin() {
                return None;
            }
            vec![analysis.location(decl.span)]
        }
        Some(Target::Ent { name, .. }) => {
            let accesses: Vec<_> = analysis.names().ent_accesses(&name).collect();
            let writes: Vec<_> = accesses
                .iter()
                .filter(|access| access.kind == EntAccessKind::Write)
                .map(|access| analysis.location(access.span))
                .collect();
            if writes.is_empty() {
                accesses
                    .iter()
                    .map(|access| analysis.location(access.span))
                    .collect()
            } else {
                writes
            }
        }
        Some(Target::Rule(rule)) => vec![analysis.location(rule.name.span)],
        Some(Target::Module { rid, .. }) => {
            let module = workspace.module(analysis, &rid)?;
            vec![module.location(module.ruleset().rid.span)]
        }
        Some(Target::ModuleMember { rid, member, .. }) => {
            let module = workspace.module(analysis, &rid)?;
            let global = module.ruleset().global.as_ref();
            match global.and_then(|global| declarations(&global.decls).find(|decl| decl.name.name == member))
            {
                Some(decl) => vec![module.location(decl.name.span)],
                None => vec![module.location(module.ruleset().rid.span)],
            }
        }
        Some(Target::BuiltinMember { .. }) | None => {
            let targets = event_targets::event_targets(analysis, workspace, pos);
            if targets.is_empty() {
                return None;
            }
            targets
        }
    };
    Some(GotoDefinitionResponse::Array(locations))
}

/// A location at the start of a document.
pub fn file_start(analysis: &Analysis) -> Location {
    Location::new(analysis.uri.clone(), Range::default())
}
