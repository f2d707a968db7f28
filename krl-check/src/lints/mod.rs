//! Lints: warnings about code that compiles but is probably wrong. One file per lint, each
//! documented with "What it flags / Why / Example / Fix" (STYLE.md §6).

mod constant_condition;
mod deprecated_syntax;
mod ent_read_never_written;
mod ent_written_never_read;
mod implicit_coercion;
mod klog_in_shared_function;
mod shadowed_builtin;
mod too_many_arguments;
mod unmatched_event_attribute;
mod unreachable_select;
mod unused_declaration;
mod whole_entity_put;
mod wrong_receiver_type;

use krl_diagnostics::{Code, Diagnostic, FileId, FileSpan, Span};
use krl_syntax::ast::Ruleset;

use crate::scope::NameTable;
use crate::types::Types;

/// What every lint sees.
pub struct LintContext<'a> {
    pub file: FileId,
    pub ruleset: &'a Ruleset,
    pub names: &'a NameTable,
    pub types: &'a Types<'a>,
}

impl LintContext<'_> {
    pub(crate) fn at(&self, span: Span) -> FileSpan {
        FileSpan::new(self.file, span)
    }
}

/// A lint: its stable code (whose name is the kebab-case lint name) and its entry point.
pub struct Lint {
    pub code: Code,
    pub run: fn(&LintContext, &mut Vec<Diagnostic>),
}

/// Every lint, in code order.
pub const LINTS: &[Lint] = &[
    unused_declaration::LINT,
    shadowed_builtin::LINT,
    ent_read_never_written::LINT,
    ent_written_never_read::LINT,
    implicit_coercion::LINT,
    constant_condition::LINT,
    deprecated_syntax::LINT,
    klog_in_shared_function::LINT,
    too_many_arguments::LINT,
    unmatched_event_attribute::LINT,
    unreachable_select::LINT,
    whole_entity_put::LINT,
    wrong_receiver_type::LINT,
];

pub(crate) use too_many_arguments::too_many;

pub fn run_all(ctx: &LintContext, out: &mut Vec<Diagnostic>) {
    for lint in LINTS {
        (lint.run)(ctx, out);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_lint_is_a_registered_warning_code() {
        for lint in super::LINTS {
            assert!(lint.code.id.starts_with("W01"), "{}", lint.code.id);
            assert!(krl_diagnostics::codes::lookup(lint.code.id).is_some());
            assert!(crate::levels::lint_id(lint.code.name) == Some(lint.code.id));
        }
    }
}
