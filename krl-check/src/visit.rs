//! The checker's uses of the one tree walk (`krl_syntax::visit`): every expression of the
//! code the reference compiles (inactive rules skipped), and every `domain:name(...)` call.

use krl_diagnostics::Span;
use krl_syntax::ast::{Args, Expr, ExprKind, Ident, Ruleset};
use krl_syntax::visit::{self, Flow, Node};

/// Calls `f` on every expression of `ruleset` outside inactive rules, outer expressions before
/// inner ones.
pub fn each_expr(ruleset: &Ruleset, f: &mut dyn FnMut(&Expr)) {
    let _ = visit::walk_ruleset(
        &mut |node: Node<'_>| match node {
            // Matches pico-engine: an inactive rule is dropped before it is compiled.
            Node::Rule(rule) if !rule.is_active() => Flow::Skip,
            Node::Expr(expr) => {
                f(expr);
                Flow::Continue
            }
            _ => Flow::Continue,
        },
        ruleset,
    );
}

/// Calls `f` on every `domain:name` outside inactive rules: in expressions (`math:abs`,
/// `ent:v`) and as module actions (`http:post(...)`), in source order.
pub(crate) fn each_domain_use<'a>(ruleset: &'a Ruleset, f: &mut dyn FnMut(&'a Ident, &'a Ident)) {
    let _ = visit::walk_ruleset(
        &mut |node: Node<'a>| {
            match node {
                Node::Rule(rule) if !rule.is_active() => return Flow::Skip,
                Node::Expr(Expr {
                    kind: ExprKind::DomainIdentifier { domain, name },
                    ..
                }) => f(domain, name),
                Node::Action(action) => {
                    if let Some(domain) = &action.domain {
                        f(domain, &action.name);
                    }
                }
                _ => {}
            }
            Flow::Continue
        },
        ruleset,
    );
}

/// A call of a member of another namespace, `domain:name(args)`, as an expression or an action.
pub(crate) struct DomainCall {
    pub domain: String,
    pub name: String,
    /// The argument list, parentheses included.
    pub args_span: Span,
    /// Positional arguments (named ones bind by name).
    pub positional: usize,
}

impl DomainCall {
    fn new(domain: &Ident, name: &Ident, args: &Args) -> DomainCall {
        DomainCall {
            domain: domain.name.to_string(),
            name: name.name.to_string(),
            args_span: args.span,
            positional: args.args().filter(|arg| arg.name.is_none()).count(),
        }
    }
}

/// Every `domain:name(...)` call of `ruleset`: in expressions, in rules' action blocks and in
/// defactions' actions (inactive rules skipped, as in [`each_expr`]), in source order.
pub(crate) fn domain_calls(ruleset: &Ruleset) -> Vec<DomainCall> {
    let mut calls = Vec::new();
    let _ = visit::walk_ruleset(
        &mut |node: Node<'_>| {
            match node {
                Node::Rule(rule) if !rule.is_active() => return Flow::Skip,
                Node::Expr(Expr {
                    kind: ExprKind::Call { callee, args },
                    ..
                }) => {
                    if let ExprKind::DomainIdentifier { domain, name } = &callee.kind {
                        calls.push(DomainCall::new(domain, name, args));
                    }
                }
                Node::Action(action) => {
                    if let Some(domain) = &action.domain {
                        calls.push(DomainCall::new(domain, &action.name, &action.args));
                    }
                }
                _ => {}
            }
            Flow::Continue
        },
        ruleset,
    );
    calls
}
