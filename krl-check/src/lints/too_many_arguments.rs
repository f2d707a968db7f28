//! `too-many-arguments` (W0109), an error by default.
//!
//! # What it flags
//! A call with more positional arguments than the callee has parameters: the ruleset's own
//! functions and defactions (the receiver of `x.f()` counts as the first), the functions and
//! actions of the built-in modules (`math:abs(x, 1)`) and, in `modules.rs`, the provided
//! functions of used modules (`units:to_celsius(f, 2)`).
//!
//! # Why
//! The reference engine silently drops the extra arguments, so the call does not do what it
//! says; usually the function lost a parameter or the call has a stray argument.
//!
//! # Example
//! ```krl
//! global { double = function(n) { n * 2 } }
//! ... double(2, 3) ...
//! ```
//!
//! # Fix
//! Remove the extra arguments, or add the parameters they were meant for.

use krl_diagnostics::{Diagnostic, FileSpan, codes};
use krl_syntax::ast::{Expr, ExprKind};
use krl_syntax::visit::Node;

use super::{Check, Lint, LintContext, NodeCx};

pub(super) const LINT: Lint = Lint {
    code: codes::TOO_MANY_ARGUMENTS,
    check: Check::Ruleset(run),
};

/// The diagnostic for a call of `callee` (as written at the call) with `given` positional
/// arguments where it `takes` at most that many.
pub(crate) fn too_many(at: FileSpan, callee: &str, takes: usize, given: usize) -> Diagnostic {
    Diagnostic::error(
        codes::TOO_MANY_ARGUMENTS,
        at,
        format!(
            "`{callee}` takes {takes} argument{} but {given} {} given",
            if takes == 1 { "" } else { "s" },
            if given == 1 { "was" } else { "were" }
        ),
    )
    .with_note("pico-engine silently drops the extra arguments")
}

fn run(ctx: &LintContext, out: &mut Vec<Diagnostic>) {
    let names = ctx.names;
    for call in &names.calls {
        let decl = names.declaration(call.callee);
        let Some(signature) = decl.shape.signature() else {
            continue;
        };
        if decl.kind.is_builtin() || call.positional <= signature.max() {
            continue;
        }
        let receiver = usize::from(call.method);
        let (given, takes) = (
            call.positional - receiver,
            signature.max().saturating_sub(receiver),
        );
        let mut diagnostic = too_many(ctx.at(call.args_span), &decl.name, takes, given)
            .with_related(ctx.at(decl.span), "declared here");
        if call.method {
            diagnostic = diagnostic.with_note("the receiver of a method call is its first argument");
        }
        out.push(diagnostic);
    }
}

/// A call of a built-in module's function or action (`math:abs(x, 1)`), a node check of the
/// shared walk.
pub(super) fn check_module_call(ctx: &LintContext, cx: &NodeCx, out: &mut Vec<Diagnostic>) {
    let (domain, name, args) = match cx.node {
        Node::Expr(Expr {
            kind: ExprKind::Call { callee, args },
            ..
        }) => match &callee.kind {
            ExprKind::DomainIdentifier { domain, name } => (domain, name, args),
            _ => return,
        },
        Node::Action(action) => match &action.domain {
            Some(domain) => (domain, &action.name, &action.args),
            None => return,
        },
        _ => return,
    };
    // A property called (`event:attrs(...)`) is reported as not a function, not here.
    let Some(member) = krl_builtins::member(&domain.name, &name.name)
        .filter(|member| member.kind != krl_builtins::Kind::Property)
    else {
        return;
    };
    let positional = args.args().filter(|arg| arg.name.is_none()).count();
    // A used module may take a built-in module's name as its alias; its calls are checked
    // against the module (modules.rs), not the built-in.
    if positional > member.params.len() && !ctx.module_named(&domain.name) {
        let callee = format!("{}:{}", domain.name, name.name);
        out.push(too_many(
            ctx.at(args.span),
            &callee,
            member.params.len(),
            positional,
        ));
    }
}
