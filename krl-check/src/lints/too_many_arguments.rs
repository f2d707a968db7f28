//! `too-many-arguments` (W0109).
//!
//! # What it flags
//! A call of one of the ruleset's own functions or defactions with more positional arguments
//! than it has parameters (the receiver of `x.f()` counts as the first).
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

use krl_diagnostics::{Diagnostic, codes};

use super::{Lint, LintContext};

pub(super) const LINT: Lint = Lint {
    code: codes::TOO_MANY_ARGUMENTS,
    run,
};

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
        let mut diagnostic = Diagnostic::warning(
            LINT.code,
            ctx.at(call.args_span),
            format!(
                "`{}` takes {takes} argument{} but {given} {} given",
                decl.name,
                if takes == 1 { "" } else { "s" },
                if given == 1 { "was" } else { "were" }
            ),
        )
        .with_related(ctx.at(decl.span), "declared here")
        .with_note("the extra arguments are ignored");
        if call.method {
            diagnostic = diagnostic.with_note("the receiver of a method call is its first argument");
        }
        out.push(diagnostic);
    }
}
