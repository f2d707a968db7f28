//! `shadowed-builtin` (W0102).
//!
//! # What it flags
//! A declaration, parameter or setting named like a standard library operator (`map`,
//! `length`, `keys`, `send_directive`, ...).
//!
//! # Why
//! Inside its scope the operator is hidden, and method calls are affected too: after
//! `keys = ["a"]` in a rule, `m.keys()` tries to call the array.
//!
//! # Example
//! ```krl
//! pre { keys = event:attrs.keys() }
//! ```
//!
//! # Fix
//! Rename the declaration (`attr_keys`).

use krl_diagnostics::{Diagnostic, codes};

use super::{Check, Lint, LintContext};

pub(super) const LINT: Lint = Lint {
    code: codes::SHADOWED_BUILTIN,
    check: Check::Ruleset(run),
};

fn run(ctx: &LintContext, out: &mut Vec<Diagnostic>) {
    for decl in &ctx.names.declarations {
        if decl.kind.is_builtin() || krl_builtins::named_operator(&decl.name).is_none() {
            continue;
        }
        out.push(
            Diagnostic::warning(
                LINT.code,
                ctx.at(decl.span),
                format!(
                    "`{}` hides the standard library operator of the same name",
                    decl.name
                ),
            )
            .with_note(format!(
                "in this scope `x.{}(...)` calls this {} instead",
                decl.name,
                decl.kind.describe()
            ))
            .with_help("choose another name"),
        );
    }
}
