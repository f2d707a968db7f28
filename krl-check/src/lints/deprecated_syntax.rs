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
            setting_without_matches(event, &mut |span| {
                out.push(
                    warn(
                        span,
                        "`setting` without attribute matches is deprecated: there is nothing to capture",
                        "read attributes with `event:attrs{key}`, or match them (`name re#(.*)# setting(name)`)",
                    )
                    .with_note("pico-engine reports: ``DEPRECATED SYNTAX - What are you `setting`? There are no attribute matches``"),
                );
            });
        }
    }
    let mut callees = std::collections::HashSet::new();
    visit::each_expr(ruleset, &mut |expr| {
        if let ExprKind::Call { callee, .. } = &expr.kind {
            callees.insert(callee.span);
        }
        if let ExprKind::Dot {
            domain: None, name, ..
        } = &expr.kind
            && !callees.contains(&expr.span)
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
    });
}

fn setting_without_matches(event: &EventExpr, report: &mut dyn FnMut(krl_diagnostics::Span)) {
    match &event.kind {
        EventExprKind::Event(base) => {
            if let (Some(first), Some(last)) = (base.setting.first(), base.setting.last())
                && base.attrs.is_empty()
            {
                report(first.span.cover(last.span));
            }
        }
        EventExprKind::Op { args, .. } | EventExprKind::Any { args, .. } => {
            args.iter().for_each(|arg| setting_without_matches(arg, report));
        }
        EventExprKind::Group { event, .. } => setting_without_matches(event, report),
        EventExprKind::Paren { inner } => setting_without_matches(inner, report),
        EventExprKind::Error => {}
    }
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
