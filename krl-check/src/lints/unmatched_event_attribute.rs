//! `unmatched-event-attribute` (W0110).
//!
//! # What it flags
//! In a rule whose `select when` names the event attributes it relies on (attribute
//! matches such as `name re#(.+)#`, or `event:attrs{"k"}` in a `where`), a read
//! `event:attrs{"x"}` of an attribute `x` that the select never names and that the rule never
//! tests. Tested means: the read appears in a condition (`if`, a guard, the test of
//! `c => a | b`, the left side of `||`), or is the receiver of `defaultsTo`, `isnull`,
//! `isEmpty` or `typeof`. Rules whose select names no attribute are not checked: reading
//! optional attributes there is normal.
//!
//! # Why
//! The author listed the attributes the rule depends on, and `x` is not among them; a
//! missing or misspelt attribute reads as null and travels on silently.
//!
//! # Example
//! ```krl
//! rule greet {
//!   select when echo hello name re#(.+)# setting(name)
//!   send_directive("hi", {"name": name, "lang": event:attrs{"language"}})
//! }
//! ```
//!
//! # Fix
//! Match the attribute too (`language re#(.*)# setting(lang)`), give it a default
//! (`event:attrs{"language"}.defaultsTo("en")`), or fix the spelling.

use krl_diagnostics::{Diagnostic, Span, codes};
use krl_syntax::ast::{
    ActionBlock, BinaryOp, EventExpr, EventExprKind, Expr, ExprKind, Guard, Rule, SelectKind, StmtKind,
};

use krl_syntax::visit::{self, Flow, Node};

use super::{Check, Kind, Lint, LintContext, NodeCx};
use crate::FastSet;

/// The nodes the check looks at.
const KINDS: &[Kind] = &[Kind::Rule];

pub(super) const LINT: Lint = Lint {
    code: codes::UNMATCHED_EVENT_ATTRIBUTE,
    check: Check::Node(KINDS, check),
};

/// The attribute name of `event:attrs{"x"}`, `event:attrs["x"]` or `event:attr("x")`.
fn attribute_read(expr: &Expr) -> Option<&str> {
    let is_event = |callee: &Expr, want: &str| {
        matches!(&callee.kind, ExprKind::DomainIdentifier { domain, name }
            if domain.name == "event" && name.name == want)
    };
    let key = match &expr.kind {
        ExprKind::Path { object, path } | ExprKind::Index { object, index: path }
            if is_event(object, "attrs") =>
        {
            path
        }
        ExprKind::Call { callee, args } if is_event(callee, "attr") => &args.args().next()?.value,
        _ => return None,
    };
    match &key.kind {
        ExprKind::String { value } => Some(value),
        _ => None,
    }
}

/// Attribute names that `event:attrs >< "x"` tests.
fn membership_test(expr: &Expr) -> Option<&str> {
    let ExprKind::Binary {
        op: BinaryOp::Contains,
        left,
        right,
    } = &expr.kind
    else {
        return None;
    };
    let is_attrs = matches!(&left.kind, ExprKind::DomainIdentifier { domain, name }
        if domain.name == "event" && name.name == "attrs");
    match &right.kind {
        ExprKind::String { value } if is_attrs => Some(value),
        _ => None,
    }
}

/// The attribute names the select of a rule matches (`name re#..#`) or reads in a `where`.
fn names_in_select<'a>(event: &'a EventExpr) -> FastSet<&'a str> {
    let mut names = FastSet::default();
    let _ = visit::walk_event(
        &mut |node: Node<'a>| {
            match node {
                Node::Event(EventExpr {
                    kind: EventExprKind::Event(base),
                    ..
                }) => names.extend(base.attrs.iter().map(|attr| attr.name.name.as_str())),
                Node::Expr(expr) => {
                    if let Some(name) = attribute_read(expr).or_else(|| membership_test(expr)) {
                        names.insert(name);
                    }
                }
                _ => {}
            }
            Flow::Continue
        },
        event,
    );
    names
}

/// Spans of the expressions in a testing position inside one rule.
/// What one walk of a rule finds: the attribute reads `(name, span)` in source order, the
/// tests (the spans of conditions, guards, `error` messages and the receivers of
/// `defaultsTo`-like calls), and the names tested with `>< "name"`.
struct RuleFacts<'a> {
    reads: Vec<(&'a str, Span)>,
    tests: Vec<Span>,
    tested_names: FastSet<&'a str>,
}

impl<'a> RuleFacts<'a> {
    fn of(ctx: &LintContext, rule: &'a Rule) -> RuleFacts<'a> {
        let mut facts = RuleFacts {
            reads: Vec::new(),
            tests: Vec::new(),
            tested_names: FastSet::default(),
        };
        let _ = visit::walk_rule(
            &mut |node: Node<'a>| {
                facts.node(ctx, node);
                Flow::Continue
            },
            rule,
        );
        facts
    }

    fn node(&mut self, ctx: &LintContext, node: Node<'a>) {
        let tests = &mut self.tests;
        match node {
            // A rule's action block or a defaction's.
            Node::ActionBlock(ActionBlock {
                condition: Some(condition),
                ..
            }) => tests.push(condition.span),
            Node::Stmt(stmt) => {
                if let Some(Guard::If { condition }) = &stmt.guard {
                    tests.push(condition.span);
                }
                // `error` statements usually report a missing attribute.
                if let StmtKind::Error { message, .. } = &stmt.kind {
                    tests.push(message.span);
                }
            }
            Node::Expr(expr) => {
                match &expr.kind {
                    ExprKind::Conditional { test, .. } => tests.push(test.span),
                    ExprKind::Binary {
                        op: BinaryOp::Or,
                        left,
                        ..
                    } => tests.push(left.span),
                    _ => {
                        if let Some((name, receiver, args)) = ctx.types.stdlib_call(expr)
                            && matches!(name, "defaultsTo" | "isnull" | "isEmpty" | "typeof")
                        {
                            let tested = receiver
                                .map(|receiver| receiver.span)
                                .or_else(|| args.args().next().map(|arg| arg.span));
                            tests.extend(tested);
                        }
                    }
                }
                if let Some(name) = membership_test(expr) {
                    self.tested_names.insert(name);
                }
                if let Some(name) = attribute_read(expr) {
                    self.reads.push((name, expr.span));
                }
            }
            _ => {}
        }
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
    let named = names_in_select(event);
    if named.is_empty() {
        return;
    }
    let RuleFacts {
        reads,
        tests,
        mut tested_names,
    } = RuleFacts::of(ctx, rule);
    // A read inside a test tests its name: the whole rule's tests are known only now.
    let mut untested = Vec::new();
    for (name, span) in reads {
        if tests.iter().any(|test| test.contains(span)) {
            tested_names.insert(name);
        } else {
            untested.push((name, span));
        }
    }
    let mut reported = FastSet::default();
    for (name, span) in untested {
        if named.contains(name) || tested_names.contains(name) || !reported.insert(name) {
            continue;
        }
        let mut listed: Vec<_> = named.iter().map(|name| format!("`{name}`")).collect();
        listed.sort();
        let mut diagnostic = Diagnostic::warning(
            LINT.code,
            ctx.at(span),
            format!("attribute `{name}` is read but the select never matches or checks it"),
        )
        .with_note(format!(
            "the select of `{}` names {}",
            rule.name.name,
            listed.join(", ")
        ));
        diagnostic = match crate::resolve::closest(name, named.iter().copied()) {
            Some(close) => diagnostic.with_help(format!("did you mean `{close}`?")),
            None => diagnostic.with_help(format!(
                "match it in the select (`{name} re#(.*)#`), or give it a default with `.defaultsTo(...)`"
            )),
        };
        out.push(diagnostic);
    }
}
