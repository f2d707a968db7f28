//! `unreachable-select` (W0111).
//!
//! # What it flags
//! A `select when` that can never match: `any N (...)` over N or fewer events (it needs N
//! distinct ones, and pico-engine requires N to be below the number of events), and events
//! whose `where` is a falsy literal (`false`, `null`, `0`, `""`), which also make an `and`,
//! `before`, `after`, `then`, `between`, `count` or `repeat` around them unreachable.
//!
//! # Why
//! The rule never runs; with `any` the ruleset does not even initialise in pico-engine
//! (``TypeError: `any(num, ...eventexs)` expects num to be ... less than the number of
//! eventexs``).
//!
//! # Example
//! ```krl
//! select when any 2 (door opened, door closed)
//! ```
//!
//! # Fix
//! Lower the number (`any 1 (...)` is `or`), list more events, or fix the condition.

use krl_diagnostics::{Diagnostic, Span, codes};
use krl_syntax::ast::{EventExpr, EventExprKind, EventOp, Expr, ExprKind, SelectKind};
use krl_syntax::visit::Node;

use super::{Check, Kind, Lint, LintContext, NodeCx};

/// The nodes the check looks at.
const KINDS: &[Kind] = &[Kind::Rule];

pub(super) const LINT: Lint = Lint {
    code: codes::UNREACHABLE_SELECT,
    check: Check::Node(KINDS, check),
};

fn is_falsy_literal(expr: &Expr) -> bool {
    match &expr.kind {
        ExprKind::Boolean { value } => !value,
        ExprKind::Null => true,
        ExprKind::Number { value } => *value == 0.0,
        ExprKind::String { value } => value.is_empty(),
        ExprKind::Paren { inner } => is_falsy_literal(inner),
        _ => false,
    }
}

/// Whether `event` can ever match; problems found on the way (with why) go to `found`.
/// `falsy` collects the `where` conditions that are always false.
fn reachable(event: &EventExpr, found: &mut Vec<(Span, String)>, falsy: &mut Vec<Span>) -> bool {
    match &event.kind {
        EventExprKind::Event(base) => match &base.where_ {
            Some(condition) if is_falsy_literal(condition) => {
                falsy.push(condition.span);
                false
            }
            _ => true,
        },
        EventExprKind::Op { op, args, .. } => {
            let each: Vec<bool> = args.iter().map(|arg| reachable(arg, found, falsy)).collect();
            match op {
                EventOp::Or => each.iter().any(|&ok| ok),
                // `a not between(b, c)`: only the bounds have to occur.
                EventOp::NotBetween => each.iter().skip(1).all(|&ok| ok),
                EventOp::And | EventOp::Before | EventOp::Then | EventOp::After | EventOp::Between => {
                    each.iter().all(|&ok| ok)
                }
            }
        }
        EventExprKind::Any { n, n_span, args } => {
            let n_reachable = args.iter().filter(|arg| reachable(arg, found, falsy)).count();
            let n = *n as usize;
            if n >= args.len() {
                found.push((
                    *n_span,
                    format!(
                        "`any {n}` over {} event{} can never match",
                        args.len(),
                        if args.len() == 1 { "" } else { "s" }
                    ),
                ));
                return false;
            }
            n <= n_reachable
        }
        EventExprKind::Group { event, .. } => reachable(event, found, falsy),
        EventExprKind::Paren { inner } => reachable(inner, found, falsy),
        EventExprKind::Error => true,
    }
}

fn check(ctx: &LintContext, cx: &NodeCx, out: &mut Vec<Diagnostic>) {
    let Node::Rule(rule) = cx.node else {
        return;
    };
    let Some(select) = &rule.select else {
        return;
    };
    let SelectKind::When { event, .. } = &select.kind else {
        return;
    };
    let mut found = Vec::new();
    let mut falsy = Vec::new();
    let ok = reachable(event, &mut found, &mut falsy);
    let any_problem = !found.is_empty();
    for (span, message) in found {
        out.push(Diagnostic::warning(LINT.code, ctx.at(span), message).with_help(
            "`any N` needs N distinct events out of more than N; lower the number or list more events",
        ));
    }
    if !ok
        && !any_problem
        && let Some(&condition) = falsy.first()
    {
        out.push(
            Diagnostic::warning(
                LINT.code,
                ctx.at(condition),
                format!("rule `{}` can never be selected", rule.name.name),
            )
            .with_label("this condition is always false")
            .with_note("an event whose `where` is always false never matches, and this select needs it")
            .with_help("fix the `where` condition"),
        );
    }
}
