//! What the name under the cursor means, for hover, definition, references and rename.

use krl_check::{DeclId, EntAccess};
use krl_diagnostics::Span;
use krl_syntax::ast::{ExprKind, MetaPropKind, Rule};

use crate::analysis::Analysis;
use crate::syntax::{self, Node};

#[derive(Clone, Debug)]
pub(crate) enum Target<'a> {
    /// A declared name (or a stdlib operator), at a declaration or a use.
    Decl { id: DeclId, span: Span },
    /// `ent:name`, at a read or a write.
    Ent { name: String, span: Span },
    /// The name of a rule.
    Rule(&'a Rule),
    /// `alias:member` where `alias` comes from `use module rid alias alias`.
    ModuleMember { rid: String, member: String, span: Span },
    /// A built-in module member such as `event:attrs`.
    BuiltinMember {
        module: String,
        member: String,
        span: Span,
    },
    /// A module's rid in `use module rid`, or an alias name.
    Module { rid: String, span: Span },
}

/// The module rid behind an alias declared in `meta` (`use module rid alias name`).
pub(crate) fn alias_rid(analysis: &Analysis, alias: &str) -> Option<(String, Span)> {
    analysis
        .ruleset()
        .meta
        .as_ref()?
        .props()
        .find_map(|prop| match &prop.kind {
            MetaPropKind::Use {
                rid,
                alias: Some(name),
                ..
            } if name.name == alias => Some((rid.name.clone(), name.span)),
            _ => None,
        })
}

fn touches(span: Span, offset: u32) -> bool {
    span.start <= offset && offset <= span.end
}

/// The target at `offset`.
pub(crate) fn target_at(analysis: &Analysis, offset: u32) -> Option<Target<'_>> {
    let names = analysis.names();
    if let Some(access) = names.ent.iter().find(|access| touches(access.span, offset)) {
        return Some(ent_target(access));
    }
    if let Some(id) = names.declaration_at(offset) {
        let span = names.declaration(id).span;
        return Some(Target::Decl { id, span });
    }
    if let Some(reference) = names.reference_at(offset)
        && let Some(id) = reference.resolved
    {
        return Some(Target::Decl {
            id,
            span: reference.span,
        });
    }
    if let Some(rule) = analysis
        .ruleset()
        .rules()
        .find(|rule| touches(rule.name.span, offset))
    {
        return Some(Target::Rule(rule));
    }
    // `use module rid alias name`: the rid and the alias both lead to the module.
    if let Some(meta) = &analysis.ruleset().meta {
        for prop in meta.props() {
            if let MetaPropKind::Use { rid, alias, .. } = &prop.kind {
                if touches(rid.span, offset) {
                    return Some(Target::Module {
                        rid: rid.name.clone(),
                        span: rid.span,
                    });
                }
                if let Some(alias) = alias
                    && touches(alias.span, offset)
                {
                    return Some(Target::Module {
                        rid: rid.name.clone(),
                        span: alias.span,
                    });
                }
            }
        }
    }
    domain_member_at(analysis, offset)
}

fn ent_target(access: &EntAccess) -> Target<'static> {
    Target::Ent {
        name: access.name.clone(),
        span: access.span,
    }
}

/// `domain:member` in an expression or an action name.
fn domain_member_at(analysis: &Analysis, offset: u32) -> Option<Target<'_>> {
    let mut found: Option<(String, String, Span, Span)> = None;
    syntax::walk(analysis.ruleset(), &mut |node| match node {
        Node::Expr(expr) => {
            if let ExprKind::DomainIdentifier { domain, name } = &expr.kind
                && touches(expr.span, offset)
            {
                found = Some((
                    domain.name.to_string(),
                    name.name.to_string(),
                    domain.span,
                    expr.span,
                ));
            }
        }
        Node::Action(action) => {
            if let Some(domain) = &action.domain {
                let span = domain.span.cover(action.name.span);
                if touches(span, offset) {
                    found = Some((
                        domain.name.to_string(),
                        action.name.name.to_string(),
                        domain.span,
                        span,
                    ));
                }
            }
        }
        _ => {}
    });
    let (domain, member, domain_span, span) = found?;
    if let Some((rid, _)) = alias_rid(analysis, &domain) {
        if touches(domain_span, offset) && offset < domain_span.end {
            return Some(Target::Module {
                rid,
                span: domain_span,
            });
        }
        return Some(Target::ModuleMember { rid, member, span });
    }
    Some(Target::BuiltinMember {
        module: domain,
        member,
        span,
    })
}
