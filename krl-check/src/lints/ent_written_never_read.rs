//! `ent-written-never-read` (W0104).
//!
//! # What it flags
//! A persistent variable `ent:x` that the ruleset assigns or clears but never reads.
//! Reported once, at the first write.
//!
//! # Why
//! Only this ruleset can read its entity variables, so a value that is never read is stored
//! for nothing; often a read elsewhere spells the name differently.
//!
//! # Example
//! ```krl
//! fired { ent:last_seen := time:now() }
//! ```
//!
//! # Fix
//! Read it (for instance in a shared function), or remove the assignment.

use krl_diagnostics::{Diagnostic, codes};

use super::{Check, Lint, LintContext};
use crate::scope::EntAccessKind;

pub(super) const LINT: Lint = Lint {
    code: codes::ENT_WRITTEN_NEVER_READ,
    check: Check::Ruleset(run),
};

fn run(ctx: &LintContext, out: &mut Vec<Diagnostic>) {
    let mut reported = crate::FastSet::default();
    for access in &ctx.names.ent {
        if access.kind != EntAccessKind::Write || !reported.insert(access.name.as_str()) {
            continue;
        }
        let read = ctx
            .names
            .ent_accesses(&access.name)
            .any(|other| other.kind == EntAccessKind::Read);
        if !read {
            out.push(
                Diagnostic::warning(
                    LINT.code,
                    ctx.at(access.span),
                    format!("`ent:{}` is written but never read", access.name),
                )
                .with_help("read it, for example in a shared function, or remove the assignment"),
            );
        }
    }
}
