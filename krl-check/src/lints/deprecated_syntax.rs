//! `deprecated-syntax` (W0107).
//!
//! # What it flags
//! Forms the reference engine still accepts with a deprecation warning: `event:attr(key)`,
//! `where` written before `setting` in an event, `version "x"` directly in the ruleset body,
//! and `logging on`/`logging off` in `meta`.
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
//! `event:attrs{key}`; `setting(...)` before `where`; `meta { version "x" }`; delete
//! `logging`.

use krl_diagnostics::{Diagnostic, codes};
use krl_syntax::ast::{EventExpr, EventExprKind, ExprKind, MetaPropKind, SelectKind};

use super::{Lint, LintContext};
use crate::visit;

pub(super) const LINT: Lint = Lint {
    code: codes::DEPRECATED_SYNTAX,
    run,
};

fn run(ctx: &LintContext, out: &mut Vec<Diagnostic>) {
    let ruleset = ctx.ruleset;
    let warn = |span, message: &str, help: &str| {
        Diagnostic::warning(LINT.code, ctx.at(span), message.to_string()).with_help(help.to_string())
    };
    if let Some(version) = &ruleset.version {
        out.push(warn(
            version.span,
            "`version` directly in the ruleset is deprecated",
            "move it into `meta { version ... }`",
        ));
    }
    for prop in ruleset.meta.iter().flat_map(|meta| meta.props()) {
        if let MetaPropKind::Logging { .. } = prop.kind {
            out.push(warn(
                prop.span,
                "`logging` is deprecated: logging is always on",
                "remove this line",
            ));
        }
    }
    for rule in ruleset.rules().filter(|rule| rule.is_active()) {
        if let Some(select) = &rule.select
            && let SelectKind::When { event, .. } = &select.kind
        {
            where_before_setting(event, &mut |span| {
                out.push(warn(
                    span,
                    "`where` before `setting` is deprecated",
                    "move the `where` clause after `setting(...)`",
                ));
            });
        }
    }
    visit::each_expr(ruleset, &mut |expr| {
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
    });
}

fn where_before_setting(event: &EventExpr, report: &mut dyn FnMut(krl_diagnostics::Span)) {
    match &event.kind {
        EventExprKind::Event(base) => {
            if base.where_before_setting
                && let Some(condition) = &base.where_
            {
                report(condition.span);
            }
        }
        EventExprKind::Op { args, .. } | EventExprKind::Any { args, .. } => {
            args.iter().for_each(|arg| where_before_setting(arg, report));
        }
        EventExprKind::Group { event, .. } => where_before_setting(event, report),
        EventExprKind::Paren { inner } => where_before_setting(inner, report),
        EventExprKind::Error => {}
    }
}
