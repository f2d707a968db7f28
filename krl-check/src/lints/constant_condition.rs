//! `constant-condition` (W0106).
//!
//! # What it flags
//! A literal used as a condition: `if true then ...` on an action block, `select where true`,
//! a statement guard `... if false`, and the test of `c => a | b`.
//!
//! # Why
//! The condition never changes, so one branch is dead; usually a debugging leftover.
//!
//! # Example
//! ```krl
//! if true then send_directive("always")
//! ```
//!
//! # Fix
//! Remove the condition (or the dead code), or write the intended test.

use krl_diagnostics::{Diagnostic, codes};
use krl_syntax::ast::{Expr, ExprKind, Guard, SelectKind, UnaryOp};

use super::{Lint, LintContext};
use crate::visit;

pub(super) const LINT: Lint = Lint {
    code: codes::CONSTANT_CONDITION,
    run,
};

fn is_constant(expr: &Expr) -> bool {
    match &expr.kind {
        ExprKind::Boolean { .. } | ExprKind::Null | ExprKind::Number { .. } | ExprKind::String { .. } => true,
        ExprKind::Unary {
            op: UnaryOp::Not,
            operand,
        } => is_constant(operand),
        ExprKind::Paren { inner } => is_constant(inner),
        _ => false,
    }
}

fn run(ctx: &LintContext, out: &mut Vec<Diagnostic>) {
    let report = |expr: &Expr, out: &mut Vec<Diagnostic>| {
        if is_constant(expr) {
            out.push(
                Diagnostic::warning(LINT.code, ctx.at(expr.span), "this condition is always the same")
                    .with_help("remove the condition, or test something that can change"),
            );
        }
    };
    for rule in ctx.ruleset.rules().filter(|rule| rule.is_active()) {
        if let Some(select) = &rule.select
            && let SelectKind::Where { condition } = &select.kind
        {
            report(condition, out);
        }
        if let Some(condition) = rule
            .action_block
            .as_ref()
            .and_then(|block| block.condition.as_ref())
        {
            report(condition, out);
        }
        if let Some(postlude) = &rule.postlude {
            let blocks = [
                Some(&postlude.first),
                postlude.else_.as_ref(),
                postlude.finally.as_ref(),
            ];
            for stmt in blocks.into_iter().flatten().flat_map(|block| block.statements()) {
                if let Some(Guard::If { condition }) = &stmt.guard {
                    report(condition, out);
                }
            }
        }
    }
    visit::each_expr(ctx.ruleset, &mut |expr| match &expr.kind {
        ExprKind::Conditional { test, .. } => report(test, out),
        ExprKind::Defaction(defaction) => {
            if let Some(condition) = defaction
                .actions
                .as_ref()
                .and_then(|block| block.condition.as_ref())
            {
                report(condition, out);
            }
        }
        _ => {}
    });
}
