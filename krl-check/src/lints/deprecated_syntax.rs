//! `deprecated-syntax` (W0107).
//!
//! # What it flags
//! Forms the reference engine still accepts with a deprecation warning: `event:attr(key)`,
//! `where` written before `setting` in an event, `setting(...)` on an event without attribute
//! matches, `a.b` (not a call) to read the entry `"b"` of a map, `version "x"` directly in the
//! ruleset body, and `logging on`/`logging off` in `meta`.
//!
//! # Why
//! They are kept only for old rulesets and may stop working; `logging` has no effect at all.
//!
//! # Example
//! ```krl
//! select when echo hello where name != "" setting(name)
//! ```
//!
//! # Fix
//! `event:attrs{key}`; `setting(...)` before `where`; `where` with `event:attrs{key}` instead
//! of a setting with nothing to capture; `a{"b"}`; `meta { version "x" }`; delete `logging`.

use krl_diagnostics::{Diagnostic, codes};
use krl_syntax::ast::{EventExpr, EventExprKind, Expr, ExprKind, MetaProp, MetaPropKind};
use krl_syntax::visit::Node;

use super::{Check, Kind, Lint, LintContext, NodeCx};

/// The nodes the check looks at.
const KINDS: &[Kind] = &[Kind::Ruleset, Kind::MetaProp, Kind::Event, Kind::Dot, Kind::Call];

pub(super) const LINT: Lint = Lint {
    code: codes::DEPRECATED_SYNTAX,
    check: Check::Node(KINDS, check),
};

fn check(ctx: &LintContext, cx: &NodeCx, out: &mut Vec<Diagnostic>) {
    let warn = |span, message: &str, help: &str| {
        Diagnostic::warning(LINT.code, ctx.at(span), message.to_string()).with_help(help.to_string())
    };
    match cx.node {
        Node::Ruleset(ruleset) => {
            if let Some(version) = &ruleset.version {
                out.push(warn(
                    version.span,
                    "`version` directly in the ruleset is deprecated",
                    "move it into `meta { version ... }`",
                ));
            }
        }
        Node::MetaProp(MetaProp {
            kind: MetaPropKind::Logging { .. },
            span,
            ..
        }) => out.push(warn(
            *span,
            "`logging` is deprecated: logging is always on",
            "remove this line",
        )),
        Node::Event(EventExpr {
            kind: EventExprKind::Event(base),
            ..
        }) => {
            if base.where_before_setting
                && let Some(condition) = &base.where_
            {
                out.push(warn(
                    condition.span,
                    "`where` before `setting` is deprecated",
                    "move the `where` clause after `setting(...)`",
                ));
            }
            if let (Some(first), Some(last)) = (base.setting.first(), base.setting.last())
                && base.attrs.is_empty()
            {
                out.push(
                    warn(
                        first.span.cover(last.span),
                        "`setting` without attribute matches is deprecated: there is nothing to capture",
                        "read attributes with `event:attrs{key}`, or match them (`name re#(.*)# setting(name)`)",
                    )
                    .with_note("pico-engine reports: ``DEPRECATED SYNTAX - What are you `setting`? There are no attribute matches``"),
                );
            }
        }
        Node::Expr(expr) => {
            if let ExprKind::Dot {
                domain: None, name, ..
            } = &expr.kind
                && !is_callee(cx, expr)
            {
                out.push(
                    warn(
                        expr.span,
                        "reading a map entry with `.` is deprecated",
                        &format!("write `{{\"{}\"}}` instead of `.{}`", name.name, name.name),
                    )
                    .with_note("pico-engine reports: ``DEPRECATED use `{}` or `[]` instead of `.` ``"),
                );
            }
            if let ExprKind::Call { callee, .. } = &expr.kind
                && let ExprKind::DomainIdentifier { domain, name } = &callee.kind
                && domain.name == "event"
                && name.name == "attr"
            {
                out.push(warn(
                    expr.span,
                    "`event:attr(key)` is deprecated",
                    "write `event:attrs{key}`",
                ));
            }
        }
        _ => {}
    }
}

/// Whether `expr` is the callee of the call around it (`x.f()` is method-call sugar).
fn is_callee(cx: &NodeCx, expr: &Expr) -> bool {
    matches!(
        cx.parent(),
        Some(Node::Expr(Expr {
            kind: ExprKind::Call { callee, .. },
            ..
        })) if std::ptr::eq(&**callee, expr)
    )
}
