//! `math:nope`: a member that a built-in module with a closed member list does not have
//! (E0219). Running it always fails (`TypeError: math:nope is not a function`), so it is an
//! error, with the closest member as a suggestion.
//!
//! Matches pico-engine: a module used `alias math` replaces the built-in `math` for that
//! ruleset, so such an alias turns the check off for its name.

use krl_diagnostics::{Diagnostic, FileId, FileSpan, codes};
use krl_syntax::ast::{Ident, MetaPropKind, Ruleset};

use crate::builtin_modules::{self, module_members};
use crate::resolve::closest;
use crate::visit::each_domain_use;

pub(crate) fn check(file: FileId, ruleset: &Ruleset, out: &mut Vec<Diagnostic>) {
    let aliases: Vec<&str> = ruleset
        .meta
        .iter()
        .flat_map(|meta| meta.props())
        .filter_map(|prop| match &prop.kind {
            MetaPropKind::Use {
                alias: Some(alias), ..
            } => Some(alias.name.as_str()),
            _ => None,
        })
        .collect();
    let mut report = |domain: &Ident, name: &Ident| {
        if aliases.contains(&domain.name.as_str()) {
            return;
        }
        if builtin_modules::has_member(&domain.name, &name.name) == Some(false) {
            out.push(unknown_member(file, domain, name));
        }
    };
    each_domain_use(ruleset, &mut report);
}

fn unknown_member(file: FileId, domain: &Ident, name: &Ident) -> Diagnostic {
    let module = domain.name.as_str();
    let members = module_members(module);
    let at = FileSpan::new(file, domain.span.cover(name.span));
    let diagnostic = Diagnostic::error(
        codes::UNKNOWN_MODULE_MEMBER,
        at,
        format!("the built-in `{module}` module has no `{}`", name.name),
    );
    match closest(&name.name, members.iter().map(|(member, _, _)| *member)) {
        Some(suggestion) => diagnostic.with_help(format!("did you mean `{module}:{suggestion}`?")),
        None => {
            let names: Vec<&str> = members.iter().map(|(member, _, _)| *member).collect();
            diagnostic.with_note(format!("`{module}` has: {}", names.join(", ")))
        }
    }
}
