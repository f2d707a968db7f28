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
use krl_syntax::ast::{ActionBlock, Expr, ExprKind, Guard, Select, SelectKind, Statement, UnaryOp};
use krl_syntax::visit::Node;

use super::{Check, Kind, Lint, LintContext, NodeCx};

/// The nodes the check looks at.
const KINDS: &[Kind] = &[Kind::Select, Kind::ActionBlock, Kind::Stmt, Kind::Conditional];

pub(super) const LINT: Lint = Lint {
    code: codes::CONSTANT_CONDITION,
    check: Check::Node(KINDS, check),
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

fn check(ctx: &LintContext, cx: &NodeCx, out: &mut Vec<Diagnostic>) {
    let condition = match cx.node {
        Node::Select(Select {
            kind: SelectKind::Where { condition },
            ..
        }) => condition,
        // A rule's action block or a defaction's.
        Node::ActionBlock(ActionBlock {
            condition: Some(condition),
            ..
        }) => condition,
        Node::Stmt(Statement {
            guard: Some(Guard::If { condition }),
            ..
        }) => condition,
        Node::Expr(Expr {
            kind: ExprKind::Conditional { test, .. },
            ..
        }) => test,
        _ => return,
    };
    if is_constant(condition) {
        out.push(
            Diagnostic::warning(
                LINT.code,
                ctx.at(condition.span),
                "this condition is always the same",
            )
            .with_help("remove the condition, or test something that can change"),
        );
    }
}
