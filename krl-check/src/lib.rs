//! Static checks for KRL rulesets: scopes, name resolution, arity and lints (issue #7).
//! Pure: no IO, and nothing is evaluated.
//!
//! ```
//! use krl_diagnostics::FileId;
//! let src = "ruleset t { global { greeting = \"hi \" + nme } }";
//! let parse = krl_syntax::parse_ruleset(FileId(0), src);
//! let analysis = krl_check::check(FileId(0), &parse);
//! assert_eq!(analysis.diagnostics[0].message, "unknown name `nme`");
//! assert!(analysis.names.references.iter().any(|r| r.resolved.is_none()));
//! ```

pub mod lints;
pub mod resolve;
pub mod scope;
pub mod stdlib_names;
mod visit;

use krl_diagnostics::{Diagnostic, FileId};

pub use scope::{
    CallSite, DeclId, DeclKind, Declaration, EntAccess, EntAccessKind, NameTable, Reference, Scope, ScopeId, ScopeKind, Shape,
    Signature,
};

/// The result of checking one file: its names (for the language server) and its problems.
#[derive(Clone, Debug)]
pub struct Analysis {
    pub names: NameTable,
    /// Errors and lint warnings, ordered by position.
    pub diagnostics: Vec<Diagnostic>,
}

/// Checks one parsed ruleset. Works on trees with recovered errors too, but callers usually
/// skip files with syntax errors to avoid follow-up noise.
pub fn check(file: FileId, parse: &krl_syntax::Parse) -> Analysis {
    let mut diagnostics = Vec::new();
    let names = resolve::resolve(file, &parse.ruleset, &mut diagnostics);
    let ctx = lints::LintContext {
        file,
        ruleset: &parse.ruleset,
        names: &names,
    };
    lints::run_all(&ctx, &mut diagnostics);
    diagnostics.sort_by_key(|diagnostic| (diagnostic.primary.at.span.start, diagnostic.code.id));
    Analysis { names, diagnostics }
}
