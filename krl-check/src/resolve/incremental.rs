//! The resolver as a value that outlives one call: lowering resolves a whole ruleset with it,
//! and `krl eval`/`krl repl` feed it one input at a time, each input in a scope of its own
//! (so a later input may declare a name again). Its table only grows, so a declaration keeps
//! its [`DeclId`] for as long as the session lasts.

use krl_diagnostics::{Diagnostic, FileId, Span};
use krl_syntax::ast::{Declaration, Expr, Ruleset};

use super::Resolver;
use crate::scope::{DeclKind, Mark, NameTable, ScopeKind};

/// Name resolution for lowering: the same rules and table as `krl check`.
pub struct NameResolver {
    resolver: Resolver,
}

impl NameResolver {
    /// A resolver whose only names are the built-in ones.
    pub fn new(file: FileId) -> NameResolver {
        let mut resolver = Resolver::new(file);
        resolver.root();
        NameResolver { resolver }
    }

    /// The file later diagnostics point into.
    pub fn set_file(&mut self, file: FileId) {
        self.resolver.file = file;
    }

    pub fn table(&self) -> &NameTable {
        &self.resolver.table
    }

    /// Where the table stands now; see [`NameTable::resolutions_since`].
    pub fn mark(&self) -> Mark {
        self.resolver.table.mark()
    }

    /// The errors found since the last call.
    pub fn take_diagnostics(&mut self) -> Vec<Diagnostic> {
        std::mem::take(&mut self.resolver.out)
    }

    /// Resolves a whole ruleset in a scope of its own (inside the root scope).
    pub fn ruleset(&mut self, ruleset: &Ruleset) {
        self.resolver.ruleset_scope(ruleset);
    }

    /// Opens a scope for the next declarations, like a ruleset's scope.
    pub fn push_scope(&mut self) {
        self.resolver.push_scope(ScopeKind::Ruleset, Span::default());
    }

    /// Closes the scope [`NameResolver::push_scope`] opened.
    pub fn pop_scope(&mut self) {
        self.resolver.pop_scope();
    }

    /// One declaration block in the current scope.
    pub fn declarations(&mut self, decls: &[&Declaration]) {
        self.resolver
            .declarations(decls.iter().copied(), DeclKind::Global);
    }

    /// One expression in the current scope.
    pub fn expr(&mut self, expr: &Expr) {
        self.resolver.expr(expr);
    }
}
