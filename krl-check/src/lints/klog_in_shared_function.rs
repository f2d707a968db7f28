//! `klog-in-shared-function` (W0108).
//!
//! # What it flags
//! A call of the standard `klog` operator (`x.klog("msg")` or `klog(x)`) written inside a
//! global function that `meta` shares as a query.
//!
//! # Why
//! Queries are called often (user interfaces poll them), so each call writes a log entry and
//! buries the rule logs; a `klog` there is usually a forgotten debugging aid.
//!
//! # Example
//! ```krl
//! meta { shares total }
//! global { total = function() { ent:count.klog("count") } }
//! ```
//!
//! # Fix
//! Remove the `klog`, or log from the rule that changes the value.

use krl_diagnostics::{Diagnostic, codes};
use krl_syntax::ast::{ExprKind, MetaPropKind};
use krl_syntax::visit::Node;

use super::{Check, Kind, Lint, LintContext, NodeCx};
use crate::scope::DeclKind;

/// The nodes the check looks at.
const KINDS: &[Kind] = &[Kind::Call];

pub(super) const LINT: Lint = Lint {
    code: codes::KLOG_IN_SHARED_FUNCTION,
    check: Check::Node(KINDS, check),
};

fn check(ctx: &LintContext, cx: &NodeCx, out: &mut Vec<Diagnostic>) {
    let Node::Expr(expr) = cx.node else {
        return;
    };
    let ExprKind::Call { callee, .. } = &expr.kind else {
        return;
    };
    let name_span = match &callee.kind {
        ExprKind::Identifier { name } if name == "klog" => callee.span,
        ExprKind::Dot {
            name, domain: None, ..
        } if name.name == "klog" => name.span,
        _ => return,
    };
    // Inside a global declaration (the ruleset, `global`, the declaration) of a function.
    let Some([Node::Ruleset(_), Node::Global(_), Node::Decl(decl)]) = cx.ancestors.get(..3) else {
        return;
    };
    if !matches!(decl.value.kind, ExprKind::Function(_)) || !is_shared(ctx, &decl.name.name) {
        return;
    }
    // Only calls that resolve to the stdlib `klog` count; a user `klog` is something else.
    let names = ctx.names;
    let is_stdlib_klog = names.references.iter().any(|reference| {
        reference.span == name_span
            && reference.resolved.is_some_and(|id| {
                names.declaration(id).kind == DeclKind::Stdlib && names.declaration(id).name == "klog"
            })
    });
    if is_stdlib_klog {
        out.push(
            Diagnostic::warning(
                LINT.code,
                ctx.at(name_span),
                format!("`klog` in `{}`, which is shared as a query", decl.name.name),
            )
            .with_help("remove the `klog`, or log from a rule instead"),
        );
    }
}

fn is_shared(ctx: &LintContext, name: &str) -> bool {
    ctx.ruleset
        .meta
        .iter()
        .flat_map(|meta| meta.props())
        .filter_map(|prop| match &prop.kind {
            MetaPropKind::Shares { names } => Some(names),
            _ => None,
        })
        .flatten()
        .any(|shared| shared.name == name)
}
