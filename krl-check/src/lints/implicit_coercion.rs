//! `implicit-coercion` (W0105).
//!
//! # What it flags
//! `+` with a number on the left and a string on the right (or two literals in either
//! order; `"total: " + n` is ordinary string building), `+` with an array or a map, and a comparison (`==`,
//! `!=`, `<`, `<=`, `>`, `>=`, `<=>`) between a number and a string, where both types are
//! certain (literals, `as("T")`, stdlib results such as `length()`; see `crate::types`).
//!
//! # Why
//! `+` concatenates as soon as one side is not a number (`1 + "2"` is `"12"`), and comparisons
//! convert silently; arrays and maps print as `[Array]` and `[Map]`. With types this certain
//! it is almost always a mistake.
//!
//! # Example
//! ```krl
//! total = 1 + "2"
//! label = "items: " + [1, 2].length()
//! ```
//!
//! # Fix
//! Write the literal with the intended type (`1 + 2`, `"1" + "2"`), or convert explicitly
//! with `.as("Number")` / `.as("String")`.

use krl_diagnostics::{Diagnostic, codes};
use krl_syntax::ast::{BinaryOp, Expr, ExprKind, UnaryOp};

use krl_syntax::visit::Node;

use super::{Check, Kind, Lint, LintContext, NodeCx};
use crate::types::Ty;

/// The nodes the check looks at.
const KINDS: &[Kind] = &[Kind::Binary];

pub(super) const LINT: Lint = Lint {
    code: codes::IMPLICIT_COERCION,
    check: Check::Node(KINDS, check),
};

fn check(ctx: &LintContext, cx: &NodeCx, out: &mut Vec<Diagnostic>) {
    let Node::Expr(expr) = cx.node else {
        return;
    };
    let ExprKind::Binary { op, left, right } = &expr.kind else {
        return;
    };
    let (Some(l), Some(r)) = (ctx.types.infer(left), ctx.types.infer(right)) else {
        return;
    };
    let number_and_string = matches!((l, r), (Ty::Number, Ty::String) | (Ty::String, Ty::Number));
    // `"total: " + n` is ordinary string building; a number first, or two literals, is not.
    let suspicious_add =
        (l, r) == (Ty::Number, Ty::String) || (number_and_string && is_literal(left) && is_literal(right));
    let (message, help) = match op {
        BinaryOp::Add if suspicious_add => (
            "`+` with a number and a string concatenates them".to_string(),
            "convert explicitly with `.as(\"String\")` or `.as(\"Number\")`, or use a chevron `<<#{n} ...>>`",
        ),
        BinaryOp::Add if matches!(l, Ty::Array | Ty::Map) || matches!(r, Ty::Array | Ty::Map) => {
            let which = if matches!(l, Ty::Array | Ty::Map) { l } else { r };
            (
                format!(
                    "`+` turns the {} into the text `[{}]`",
                    which.name(),
                    which.name()
                ),
                "use `append` or `put` to combine collections, or `encode()` to get JSON text",
            )
        }
        BinaryOp::Eq
        | BinaryOp::NotEq
        | BinaryOp::Lt
        | BinaryOp::LtEq
        | BinaryOp::Gt
        | BinaryOp::GtEq
        | BinaryOp::Spaceship
            if number_and_string =>
        {
            (
                "comparing a number with a string converts one of them".to_string(),
                "compare values of the same type; convert with `.as(\"Number\")`",
            )
        }
        _ => return,
    };
    out.push(Diagnostic::warning(LINT.code, ctx.at(expr.span), message).with_help(help));
}

fn is_literal(expr: &Expr) -> bool {
    match &expr.kind {
        ExprKind::Number { .. } | ExprKind::String { .. } => true,
        ExprKind::Unary {
            op: UnaryOp::Neg | UnaryOp::Plus,
            operand,
        } => is_literal(operand),
        ExprKind::Paren { inner } => is_literal(inner),
        _ => false,
    }
}
