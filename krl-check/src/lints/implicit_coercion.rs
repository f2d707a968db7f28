//! `implicit-coercion` (W0105).
//!
//! # What it flags
//! `+` between a number literal and a string literal, and a comparison (`==`, `!=`, `<`,
//! `<=`, `>`, `>=`, `<=>`) between a number literal and a string literal.
//!
//! # Why
//! `+` concatenates as soon as one side is not a number (`1 + "2"` is `"12"`), and comparisons
//! convert silently; written with literals this is almost always a mistake.
//!
//! # Example
//! ```krl
//! total = 1 + "2"
//! ```
//!
//! # Fix
//! Write the literal with the intended type (`1 + 2`, `"1" + "2"`), or convert explicitly
//! with `.as("Number")` / `.as("String")`.

use krl_diagnostics::{Diagnostic, codes};
use krl_syntax::ast::{BinaryOp, Expr, ExprKind};

use super::{Lint, LintContext};
use crate::visit;

pub(super) const LINT: Lint = Lint {
    code: codes::IMPLICIT_COERCION,
    run,
};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Literal {
    Number,
    String,
}

fn literal(expr: &Expr) -> Option<Literal> {
    match &expr.kind {
        ExprKind::Number { .. } => Some(Literal::Number),
        ExprKind::Unary { operand, .. } if matches!(operand.kind, ExprKind::Number { .. }) => Some(Literal::Number),
        ExprKind::String { .. } => Some(Literal::String),
        ExprKind::Paren { inner } => literal(inner),
        _ => None,
    }
}

fn run(ctx: &LintContext, out: &mut Vec<Diagnostic>) {
    visit::each_expr(ctx.ruleset, &mut |expr| {
        let ExprKind::Binary { op, left, right } = &expr.kind else {
            return;
        };
        let (Some(l), Some(r)) = (literal(left), literal(right)) else {
            return;
        };
        if l == r {
            return;
        }
        let message = match op {
            BinaryOp::Add => "`+` with a number and a string concatenates them",
            BinaryOp::Eq
            | BinaryOp::NotEq
            | BinaryOp::Lt
            | BinaryOp::LtEq
            | BinaryOp::Gt
            | BinaryOp::GtEq
            | BinaryOp::Spaceship => "comparing a number with a string converts one of them",
            _ => return,
        };
        out.push(
            Diagnostic::warning(LINT.code, ctx.at(expr.span), message)
                .with_help("write both literals with the same type, or convert with `.as(\"Number\")`"),
        );
    });
}
