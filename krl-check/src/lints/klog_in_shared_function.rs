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

use std::collections::HashSet;

use krl_diagnostics::{Diagnostic, codes};
use krl_syntax::ast::{ExprKind, MetaPropKind, declarations};

use super::{Lint, LintContext};
use crate::scope::DeclKind;
use crate::visit;

pub(super) const LINT: Lint = Lint {
    code: codes::KLOG_IN_SHARED_FUNCTION,
    run,
};

fn run(ctx: &LintContext, out: &mut Vec<Diagnostic>) {
    let shared: HashSet<&str> = ctx
        .ruleset
        .meta
        .iter()
        .flat_map(|meta| meta.props())
        .filter_map(|prop| match &prop.kind {
            MetaPropKind::Shares { names } => Some(names),
            _ => None,
        })
        .flatten()
        .map(|name| name.name.as_str())
        .collect();
    let Some(global) = &ctx.ruleset.global else {
        return;
    };
    let names = ctx.names;
    // Only calls that resolve to the stdlib `klog` count; a user `klog` is something else.
    let is_stdlib_klog = |span: krl_diagnostics::Span| {
        names.references.iter().any(|reference| {
            reference.span == span
                && reference.resolved.is_some_and(|id| {
                    names.declaration(id).kind == DeclKind::Stdlib && names.declaration(id).name == "klog"
                })
        })
    };
    for decl in declarations(&global.decls) {
        if !shared.contains(decl.name.name.as_str()) || !matches!(decl.value.kind, ExprKind::Function(_)) {
            continue;
        }
        visit::walk_expr(&decl.value, &mut |expr| {
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
            if is_stdlib_klog(name_span) {
                out.push(
                    Diagnostic::warning(
                        LINT.code,
                        ctx.at(name_span),
                        format!("`klog` in `{}`, which is shared as a query", decl.name.name),
                    )
                    .with_help("remove the `klog`, or log from a rule instead"),
                );
            }
        });
    }
}
