//! Static checks for KRL rulesets: scopes, name resolution, arity and lints (issue #7).
//! Pure: no IO, and nothing is evaluated.
//!
//! ```
//! use krl_diagnostics::FileId;
//! let src = "ruleset t { meta { shares greeting } global { name = \"Ada\" greeting = \"hi \" + nme + name } }";
//! let parse = krl_syntax::parse_ruleset(FileId(0), src);
//! let analysis = krl_check::check(FileId(0), &parse);
//! let error = analysis.diagnostics.iter().find(|d| d.is_error()).expect("an error");
//! assert_eq!(error.message, "unknown name `nme`");
//! assert_eq!(error.help.as_deref(), Some("did you mean `name`?"));
//! assert!(analysis.names.references.iter().any(|r| r.resolved.is_none()));
//! ```

pub mod events;
pub mod levels;
pub mod lints;
mod module_members;
pub mod modules;
pub mod resolve;
pub mod scope;
pub mod types;
pub mod visit;

use krl_diagnostics::{Diagnostic, FileId};

/// The checker's hash maps: keyed by names and offsets of one file, hashed many times per
/// check, where SipHash showed in profiles of `krl check`. foldhash is seeded per process.
pub(crate) type FastMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
/// The checker's hash sets (the lints' "seen" and "used" sets), for the same reason.
pub(crate) type FastSet<T> = std::collections::HashSet<T, foldhash::fast::RandomState>;

pub use levels::{LintLevel, LintLevels};
pub use modules::{ModuleInfo, ModuleResolver};
pub use resolve::NameResolver;
pub use scope::{
    CallSite, DeclId, DeclKind, Declaration, Duplicate, EntAccess, EntAccessKind, Mark, NameTable, Reference,
    Resolutions, Scope, ScopeId, ScopeKind, Shape, Signature,
};

/// The result of checking one file: its names (for the language server) and its problems.
#[derive(Clone, Debug)]
pub struct Analysis {
    pub names: NameTable,
    /// Errors and lint warnings, ordered by position.
    pub diagnostics: Vec<Diagnostic>,
    /// What the ruleset produces and selects, for the notes across files
    /// ([`events::unraised_events`]); [`events::EventFacts::of_checked`] of the same tree.
    pub events: events::EventFacts,
}

/// Checks one parsed ruleset. Works on trees with recovered errors too, but callers usually
/// skip files with syntax errors to avoid follow-up noise.
pub fn check(file: FileId, parse: &krl_syntax::Parse) -> Analysis {
    check_with(file, None, parse, &Options::default())
}

/// What [`check_with`] needs besides the tree.
#[derive(Default)]
pub struct Options<'a> {
    /// Finds the rulesets named by `use module`; without one, modules are not checked.
    pub modules: Option<&'a dyn ModuleResolver>,
    /// Per-lint levels, e.g. from `krl.toml`.
    pub levels: LintLevels,
}

/// Checks one parsed ruleset with modules and lint levels. With the source text, lint
/// findings allowed by `// krl:allow(name)` comments are dropped.
pub fn check_with(file: FileId, src: Option<&str>, parse: &krl_syntax::Parse, options: &Options) -> Analysis {
    let mut diagnostics = Vec::new();
    let names = resolve::resolve(file, &parse.ruleset, &mut diagnostics);
    if let Some(resolver) = options.modules {
        modules::check(file, &parse.ruleset, resolver, &mut diagnostics);
    }
    let types = types::Types::new(&names);
    let ctx = lints::LintContext::new(file, &parse.ruleset, &names, &types);
    let walked = lints::run_all(&ctx, &mut diagnostics);
    let events = events::EventFacts::checked(file, &parse.ruleset, walked);
    if let Some(src) = src {
        levels::apply_allow_comments(
            file,
            src,
            &parse.trivia,
            parse.ruleset.span.start,
            &mut diagnostics,
        );
    }
    options.levels.apply(&mut diagnostics);
    diagnostics.sort_by_key(|diagnostic| (diagnostic.primary.at.span.start, diagnostic.code.id));
    Analysis {
        names,
        diagnostics,
        events,
    }
}
