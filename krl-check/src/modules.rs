//! `use module` checks: the used rulesets must exist, must not use each other in a cycle,
//! and `alias:name` must name something the module `provides` (language.md §5.10).
//!
//! Finding a module is IO, which this crate does not do: the caller passes a
//! [`ModuleResolver`] (`krl check` looks next to the ruleset and in `--module-path` folders).

use std::collections::{HashMap, HashSet};

use krl_diagnostics::{Diagnostic, FileId, FileSpan, Span, codes};
use krl_syntax::ast::{DeclItem, ExprKind, MetaPropKind, Rid, Ruleset};

use crate::visit;

/// What a using ruleset needs to know about a module.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ModuleInfo {
    pub rid: String,
    /// The names in its `provides`.
    pub provides: Vec<String>,
    /// The rids of its own `use module` properties.
    pub uses: Vec<String>,
    /// How many parameters each function or defaction of its `global` takes.
    pub arities: Vec<(String, usize)>,
}

impl ModuleInfo {
    /// Reads the module facts from a parsed ruleset.
    pub fn of(ruleset: &Ruleset) -> ModuleInfo {
        let mut info = ModuleInfo {
            rid: ruleset.rid.name.clone(),
            ..ModuleInfo::default()
        };
        for prop in ruleset.meta.iter().flat_map(|meta| meta.props()) {
            match &prop.kind {
                MetaPropKind::Provides { names } => {
                    info.provides
                        .extend(names.iter().map(|name| name.name.to_string()));
                }
                MetaPropKind::Use { rid, .. } => info.uses.push(rid.name.clone()),
                _ => {}
            }
        }
        for decl in ruleset.global.iter().flat_map(|global| &global.decls) {
            let DeclItem::Declaration(decl) = decl else {
                continue;
            };
            let params = match &decl.value.kind {
                ExprKind::Function(function) => &function.params,
                ExprKind::Defaction(defaction) => &defaction.params,
                _ => continue,
            };
            info.arities
                .push((decl.name.name.to_string(), params.items.len()));
        }
        info
    }
}

/// Finds rulesets by rid. Implementations do the IO and should cache: a module used by many
/// rulesets is asked for once per user.
pub trait ModuleResolver: Sync {
    /// `None` when no ruleset with this rid can be found.
    fn resolve(&self, rid: &str) -> Option<ModuleInfo>;
}

/// Checks the `use module` properties of `ruleset` and the `alias:name` uses of its modules.
pub(crate) fn check(
    file: FileId,
    ruleset: &Ruleset,
    resolver: &dyn ModuleResolver,
    out: &mut Vec<Diagnostic>,
) {
    let at = |span| FileSpan::new(file, span);
    // Domain → (rid, what it provides); `None` when the module was not found.
    let mut domains: HashMap<String, (String, Option<ModuleInfo>)> = HashMap::new();
    for prop in ruleset.meta.iter().flat_map(|meta| meta.props()) {
        let MetaPropKind::Use { rid, alias, .. } = &prop.kind else {
            continue;
        };
        let info = resolver.resolve(&rid.name);
        match &info {
            // The engine resolves rids from its registry at install time, so a module that
            // is not on disk here may well exist there: one file checked alone must not fail.
            None => out.push(
                Diagnostic::warning(
                    codes::MODULE_NOT_FOUND,
                    at(rid.span),
                    format!("cannot find module `{}`; its uses are not checked", rid.name),
                )
                .with_label("no ruleset with this id here")
                .with_help(format!(
                    "put `{}.krl` next to this ruleset, or pass its folder with `--module-path`",
                    rid.name
                ))
                .with_note(format!(
                    "pico-engine reports `Module not found: {}` if it is not registered when this ruleset is installed",
                    rid.name
                )),
            ),
            Some(info) => {
                if let Some(chain) = cycle(&ruleset.rid.name, info, resolver) {
                    out.push(cycle_error(at(rid.span), &ruleset.rid, chain));
                }
            }
        }
        let domain = alias
            .as_ref()
            .map_or(rid.name.as_str(), |alias| alias.name.as_str());
        domains.insert(domain.to_string(), (rid.name.clone(), info));
    }
    if domains.is_empty() {
        return;
    }
    let mut uses: Vec<(Span, String, String)> = Vec::new();
    visit::each_domain_use(ruleset, &mut |domain, name| {
        uses.push((
            domain.span.cover(name.span),
            domain.name.to_string(),
            name.name.to_string(),
        ));
    });
    for (span, domain, name) in &uses {
        let (span, domain, name) = (*span, domain.as_str(), name.as_str());
        let Some((rid, Some(info))) = domains.get(domain) else {
            continue;
        };
        if info.provides.iter().any(|provided| provided == name) {
            continue;
        }
        let mut diagnostic = Diagnostic::error(
            codes::NOT_PROVIDED,
            at(span),
            format!("the module `{rid}` does not provide `{name}`"),
        )
        .with_label("not in the module's `provides`");
        diagnostic = match crate::resolve::closest(name, info.provides.iter().map(String::as_str)) {
            Some(suggestion) => diagnostic.with_help(format!("did you mean `{domain}:{suggestion}`?")),
            None if info.provides.is_empty() => diagnostic.with_note(format!("`{rid}` provides nothing")),
            None => diagnostic.with_note(format!("`{rid}` provides {}", quoted_list(&info.provides))),
        };
        out.push(diagnostic);
    }
    for call in crate::visit::domain_calls(ruleset) {
        let Some((_, Some(info))) = domains.get(&call.domain) else {
            continue;
        };
        if !info.provides.contains(&call.name) {
            continue;
        }
        let Some((_, takes)) = info.arities.iter().find(|(name, _)| *name == call.name) else {
            continue;
        };
        if call.positional > *takes {
            let callee = format!("{}:{}", call.domain, call.name);
            out.push(crate::lints::too_many(
                at(call.args_span),
                &callee,
                *takes,
                call.positional,
            ));
        }
    }
}

/// The rids of a cycle that leads from `module` back to `root`, both ends included.
fn cycle(root: &str, module: &ModuleInfo, resolver: &dyn ModuleResolver) -> Option<Vec<String>> {
    let mut path = vec![root.to_string(), module.rid.clone()];
    let mut visited = HashSet::new();
    if walk(root, module, resolver, &mut path, &mut visited) {
        Some(path)
    } else {
        None
    }
}

fn walk(
    root: &str,
    module: &ModuleInfo,
    resolver: &dyn ModuleResolver,
    path: &mut Vec<String>,
    visited: &mut HashSet<String>,
) -> bool {
    if module.rid == root {
        return true;
    }
    if !visited.insert(module.rid.clone()) {
        return false;
    }
    for used in &module.uses {
        path.push(used.clone());
        if used == root {
            return true;
        }
        if let Some(next) = resolver.resolve(used)
            && walk(root, &next, resolver, path, visited)
        {
            return true;
        }
        path.pop();
    }
    false
}

fn cycle_error(at: FileSpan, root: &Rid, chain: Vec<String>) -> Diagnostic {
    let shown = chain.join(" -> ");
    Diagnostic::error(
        codes::MODULE_CYCLE,
        at,
        format!("`{}` uses itself through its modules", root.name),
    )
    .with_label(format!("cycle: {shown}"))
    .with_help("move what both need into a third module")
    .with_note(format!("pico-engine reports: `Dependency Cycle Found: {shown}`"))
}

fn quoted_list(names: &[String]) -> String {
    names
        .iter()
        .map(|name| format!("`{name}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Fixed(Vec<ModuleInfo>);

    impl ModuleResolver for Fixed {
        fn resolve(&self, rid: &str) -> Option<ModuleInfo> {
            self.0.iter().find(|info| info.rid == rid).cloned()
        }
    }

    fn module(rid: &str, uses: &[&str]) -> ModuleInfo {
        ModuleInfo {
            rid: rid.to_string(),
            provides: Vec::new(),
            uses: uses.iter().map(|rid| rid.to_string()).collect(),
            arities: Vec::new(),
        }
    }

    #[test]
    fn finds_a_cycle_back_to_the_root_only() {
        let resolver = Fixed(vec![
            module("b", &["c"]),
            module("c", &["a"]),
            module("d", &["d"]),
        ]);
        let b = resolver.resolve("b").expect("b");
        assert_eq!(
            cycle("a", &b, &resolver),
            Some(vec!["a".into(), "b".into(), "c".into(), "a".into()])
        );
        let d = resolver.resolve("d").expect("d");
        assert_eq!(cycle("a", &d, &resolver), None);
    }
}
