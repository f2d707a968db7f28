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
use krl_syntax::ast::MetaPropKind;

use super::{Check, Lint, LintContext};
use crate::{FastSet, visit};

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
    // A used module may take a built-in module's name as its alias; its calls are checked
    // against the module (modules.rs), not the built-in.
    let used: FastSet<&str> = ctx
        .ruleset
        .meta
        .iter()
        .flat_map(|meta| meta.props())
        .filter_map(|prop| match &prop.kind {
            MetaPropKind::Use { rid, alias, .. } => {
                Some(alias.as_ref().map_or(rid.name.as_str(), |a| &*a.name))
            }
            _ => None,
        })
        .collect();
    for call in visit::domain_calls(ctx.ruleset) {
        if used.contains(call.domain.as_str()) {
            continue;
        }
        // A property called (`event:attrs(...)`) is reported as not a function, not here.
        let Some(member) = krl_builtins::member(&call.domain, &call.name)
            .filter(|member| member.kind != krl_builtins::Kind::Property)
        else {
            continue;
        };
        let params = member.params;
        if call.positional > params.len() {
            let callee = format!("{}:{}", call.domain, call.name);
            out.push(too_many(
                ctx.at(call.args_span),
                &callee,
                params.len(),
                call.positional,
            ));
        }
    }
}
