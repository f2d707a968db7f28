//! `ent-read-never-written` (W0103).
//!
//! # What it flags
//! A persistent variable `ent:x` that the ruleset reads but never assigns (`:=`) or clears.
//! Reported once, at the first read.
//!
//! # Why
//! Entity variables belong to one ruleset, so no one else can write it: every read gives
//! null. Usually the name is misspelled at the read or at the write.
//!
//! # Example
//! ```krl
//! fired { ent:count := ent:cuont.defaultsTo(0) + 1 }
//! ```
//!
//! # Fix
//! Correct the spelling, or replace the read by the value it always has.

use krl_diagnostics::{Diagnostic, codes};

use super::{Check, Lint, LintContext};
use crate::scope::EntAccessKind;

pub(super) const LINT: Lint = Lint {
    code: codes::ENT_READ_NEVER_WRITTEN,
    check: Check::Ruleset(run),
};

fn run(ctx: &LintContext, out: &mut Vec<Diagnostic>) {
    let mut reported = crate::FastSet::default();
    for access in &ctx.names.ent {
        if access.kind != EntAccessKind::Read || !reported.insert(access.name.as_str()) {
            continue;
        }
        let written = ctx
            .names
            .ent_accesses(&access.name)
            .any(|other| other.kind == EntAccessKind::Write);
        if !written {
            out.push(
                Diagnostic::warning(
                    LINT.code,
                    ctx.at(access.span),
                    format!("`ent:{}` is read but never written", access.name),
                )
                .with_note("entity variables belong to this ruleset; this read always gives null"),
            );
        }
    }
}
