//! `textDocument/hover`: declarations with their value or signature, stdlib operator docs,
//! built-in module members, rules, modules, and `ent:` variables with where they are written.

use tower_lsp::lsp_types::{Hover, HoverContents, MarkupContent, MarkupKind, Position};

use crate::analysis::Analysis;
use crate::builtin_docs;
use crate::describe;
use crate::target::{Target, target_at};
use crate::workspace::Workspace;

/// Hover for one document on its own.
pub fn hover(analysis: &Analysis, pos: Position) -> Option<Hover> {
    hover_in(analysis, &Workspace::default(), pos)
}

/// Hover that may look into used modules' files.
pub fn hover_in(analysis: &Analysis, workspace: &Workspace, pos: Position) -> Option<Hover> {
    let offset = analysis.offset(pos);
    let target = target_at(analysis, offset)?;
    let (markdown, span) = match target {
        Target::Decl { id, span } => (describe::decl_markdown(analysis, id), span),
        Target::Ent { name, span } => (describe::ent_markdown(analysis, &name), span),
        Target::Rule(rule) => (describe::rule_markdown(analysis, rule), rule.name.span),
        Target::BuiltinMember { module, member, span } => {
            let builtin = krl_builtins::member(&module, &member)?;
            (builtin_docs::member_markdown(&module, builtin), span)
        }
        Target::ModuleMember { rid, member, span } => {
            let mut text = format!("```krl\n{member}\n```\nProvided by module `{rid}`");
            if let Some(module) = workspace.module(analysis, &rid)
                && let Some(global) = &module.ruleset().global
                && let Some(decl) =
                    krl_syntax::ast::declarations(&global.decls).find(|d| d.name.name == member)
            {
                text = format!(
                    "```krl\n{}\n```\nProvided by module `{rid}`",
                    describe::declaration_line(module, decl)
                );
                if let Some(doc) = describe::doc_comment(module, decl.span) {
                    text.push_str(&format!("\n\n{doc}"));
                }
            }
            (text, span)
        }
        Target::Module { rid, span } => {
            let mut text = format!("```krl\nuse module {rid}\n```");
            match workspace.module(analysis, &rid) {
                Some(module) => text.push_str(&format!("\n\nDefined in `{}`", module.uri.path())),
                None => text.push_str("\n\nNot found next to this file."),
            }
            (text, span)
        }
    };
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: markdown,
        }),
        range: Some(analysis.range(span)),
    })
}
