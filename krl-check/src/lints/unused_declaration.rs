//! `unused-declaration` (W0101).
//!
//! # What it flags
//! A declaration, parameter, setting or `configure using` name that nothing uses. Names
//! starting with `_` are exempt, and so is a parameter or setting that comes before a used
//! one (it is needed to reach the later position), and `__testing`.
//!
//! # Why
//! Dead declarations are usually leftovers or typos: the value is computed and never read,
//! or a use was meant to refer to it but spells another name.
//!
//! # Example
//! ```krl
//! pre { total = 3  unused = total * 2 }
//! ```
//!
//! # Fix
//! Remove the declaration, use it, or rename it `_unused` to keep it on purpose.

use krl_diagnostics::{Diagnostic, codes};

use super::{Check, Lint, LintContext};
use crate::FastSet;
use crate::scope::{DeclId, DeclKind};

pub(super) const LINT: Lint = Lint {
    code: codes::UNUSED_DECLARATION,
    check: Check::Ruleset(run),
};

fn run(ctx: &LintContext, out: &mut Vec<Diagnostic>) {
    let names = ctx.names;
    let used: FastSet<DeclId> = names.references.iter().filter_map(|r| r.resolved).collect();
    let mut placeholders: FastSet<DeclId> = FastSet::default();
    for group in &names.positional {
        if let Some(last_used) = group.iter().rposition(|id| used.contains(id)) {
            placeholders.extend(&group[..last_used]);
        }
    }
    for id in names.declaration_ids() {
        let decl = names.declaration(id);
        if decl.kind.is_builtin()
            || decl.name.starts_with('_')
            || used.contains(&id)
            || placeholders.contains(&id)
        {
            continue;
        }
        let what = match decl.kind {
            DeclKind::Parameter => "parameter",
            DeclKind::EventSetting
            | DeclKind::ForeachSetting
            | DeclKind::ActionSetting
            | DeclKind::ScheduleSetting
            | DeclKind::Aggregator => "setting",
            _ => "declaration",
        };
        out.push(
            Diagnostic::warning(
                LINT.code,
                ctx.at(decl.span),
                format!("unused {what} `{}`", decl.name),
            )
            .with_help(format!("remove it, or rename it `_{}` to keep it", decl.name)),
        );
    }
}
