//! The name table: scopes, every declaration and every use of a name, and the `ent:` variable
//! accesses. Built by `resolve`, read by the lints, the language server and lowering (which
//! finds each name's declaration here by span, through [`Resolutions`]).

use krl_diagnostics::Span;

/// Index into [`NameTable::declarations`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DeclId(pub u32);

/// Index into [`NameTable::scopes`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ScopeId(pub u32);

/// The scopes of language.md §3.1.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScopeKind {
    /// Stdlib operators and `__testing`.
    Root,
    /// `configure using` names, then `global` declarations.
    Ruleset,
    /// Select and foreach settings, `pre`, action settings.
    Rule,
    /// One branch of a postlude (`fired`, `else`, `finally`, ...). Part of its rule's scope
    /// for duplicate checks; separate so the branches may reuse names.
    Postlude,
    Function,
    Defaction,
    /// The `where` of one base event: sees that event's own settings and the ruleset's names,
    /// not the rest of its rule (the reference evaluates it inside the event's own matcher).
    Where,
}

#[derive(Clone, Debug)]
pub struct Scope {
    pub kind: ScopeKind,
    pub parent: Option<ScopeId>,
    /// The source the scope covers; empty for the root scope.
    pub span: Span,
}

/// Where a name was declared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeclKind {
    Stdlib,
    /// The implicit `__testing` map.
    Testing,
    Configure,
    Global,
    Pre,
    Parameter,
    /// A declaration inside a function or defaction body.
    Local,
    ForeachSetting,
    /// `setting(...)` of a base event in `select when`.
    EventSetting,
    /// The variable of a `max(m)`/`min`/`sum`/`avg`/`push` aggregator.
    Aggregator,
    ActionSetting,
    ScheduleSetting,
    /// A declaration statement in a postlude.
    Postlude,
}

impl DeclKind {
    /// Built-in names have no place in the source.
    pub fn is_builtin(self) -> bool {
        matches!(self, DeclKind::Stdlib | DeclKind::Testing)
    }

    pub fn describe(self) -> &'static str {
        match self {
            DeclKind::Stdlib => "standard library operator",
            DeclKind::Testing => "built-in `__testing` map",
            DeclKind::Configure => "configuration variable",
            DeclKind::Global => "global",
            DeclKind::Pre => "`pre` declaration",
            DeclKind::Parameter => "parameter",
            DeclKind::Local => "local declaration",
            DeclKind::ForeachSetting => "`foreach` setting",
            DeclKind::EventSetting => "event setting",
            DeclKind::Aggregator => "aggregator variable",
            DeclKind::ActionSetting => "action setting",
            DeclKind::ScheduleSetting => "`schedule` setting",
            DeclKind::Postlude => "postlude declaration",
        }
    }
}

/// The parameters of something callable whose arity is known at compile time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signature {
    pub params: Vec<String>,
    /// Calls with fewer arguments are reported.
    pub min: usize,
}

impl Signature {
    pub fn max(&self) -> usize {
        self.params.len()
    }
}

/// What the checker knows statically about a declaration's value (language.md §3.3).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Shape {
    /// A `function` literal or a stdlib function.
    Function(Signature),
    /// A `defaction` literal or a stdlib action.
    Action(Signature),
    /// Callable both as a function and as an action (`noop`).
    ActionFunction(Signature),
    Unknown,
}

impl Shape {
    pub fn signature(&self) -> Option<&Signature> {
        match self {
            Shape::Function(sig) | Shape::Action(sig) | Shape::ActionFunction(sig) => Some(sig),
            Shape::Unknown => None,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Declaration {
    pub name: String,
    pub kind: DeclKind,
    /// The name where it is declared; empty for built-ins.
    pub span: Span,
    pub scope: ScopeId,
    pub shape: Shape,
}

/// One use of a name. `resolved` is `None` for an unknown name (reported as E0201).
#[derive(Clone, Debug)]
pub struct Reference {
    pub span: Span,
    pub resolved: Option<DeclId>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntAccessKind {
    Read,
    /// `ent:v := ...` or `clear ent:v`.
    Write,
}

/// A use of the persistent variable `ent:name`.
#[derive(Clone, Debug)]
pub struct EntAccess {
    pub name: String,
    /// Covers `ent:name`.
    pub span: Span,
    pub kind: EntAccessKind,
}

/// A call whose callee resolved to a declaration with a known [`Signature`].
#[derive(Clone, Debug)]
pub struct CallSite {
    pub callee: DeclId,
    /// The callee's name at the call.
    pub name_span: Span,
    /// The argument list, parentheses included.
    pub args_span: Span,
    /// Positional arguments, counting the receiver of a method call.
    pub positional: usize,
    pub method: bool,
}

/// A declaration of a name its block (or parameter list) already declares: the error is
/// reported by the checker, and lowering turns it into the reference's compile error.
#[derive(Clone, Copy, Debug)]
pub struct Duplicate {
    pub id: DeclId,
    pub previous: DeclId,
}

/// Everything name resolution found in one ruleset.
#[derive(Clone, Debug, Default)]
pub struct NameTable {
    pub scopes: Vec<Scope>,
    pub declarations: Vec<Declaration>,
    pub references: Vec<Reference>,
    pub ent: Vec<EntAccess>,
    /// Declarations bound by position (parameter lists, `setting(a, b)` lists), in order. An
    /// unused one before a used one is still needed to reach the later position.
    pub positional: Vec<Vec<DeclId>>,
    pub calls: Vec<CallSite>,
    pub duplicates: Vec<Duplicate>,
}

/// Where the table stood before resolving one more piece of code, so that a consumer can
/// index the names of that piece only (REPL inputs reuse offsets).
#[derive(Clone, Copy, Debug, Default)]
pub struct Mark {
    references: usize,
    declarations: usize,
}

/// The declaration each use means and the declaration made at each name, keyed by the span
/// of the name: what lowering reads instead of resolving names a second time.
#[derive(Debug, Default)]
pub struct Resolutions {
    uses: crate::FastMap<Span, Option<DeclId>>,
    declared: crate::FastMap<Span, DeclId>,
}

impl Resolutions {
    /// What the name used at `span` means: `None` when the resolver did not see a use there,
    /// `Some(None)` when nothing declares it (an unknown name).
    pub fn use_at(&self, span: Span) -> Option<Option<DeclId>> {
        self.uses.get(&span).copied()
    }

    /// The declaration made by the name at `span`.
    pub fn declared_at(&self, span: Span) -> Option<DeclId> {
        self.declared.get(&span).copied()
    }
}

impl NameTable {
    /// The current end of the table.
    pub fn mark(&self) -> Mark {
        Mark {
            references: self.references.len(),
            declarations: self.declarations.len(),
        }
    }

    /// The uses and declarations added since `mark`, by span.
    pub fn resolutions_since(&self, mark: Mark) -> Resolutions {
        let uses = self.references[mark.references..]
            .iter()
            .map(|reference| (reference.span, reference.resolved))
            .collect();
        let declared = (mark.declarations..self.declarations.len())
            .map(|idx| DeclId(idx as u32))
            .filter(|&id| !self.declaration(id).kind.is_builtin())
            .map(|id| (self.declaration(id).span, id))
            .collect();
        Resolutions { uses, declared }
    }

    /// Whether `id` declares a name its block already declares.
    pub fn is_duplicate(&self, id: DeclId) -> bool {
        self.duplicates.iter().any(|duplicate| duplicate.id == id)
    }
    pub fn declaration(&self, id: DeclId) -> &Declaration {
        &self.declarations[id.0 as usize]
    }

    pub fn declaration_ids(&self) -> impl Iterator<Item = DeclId> + '_ {
        (0..self.declarations.len() as u32).map(DeclId)
    }

    /// The declaration whose name covers `offset` (built-ins have no place and never match).
    pub fn declaration_at(&self, offset: u32) -> Option<DeclId> {
        self.declaration_ids().find(|&id| {
            let decl = self.declaration(id);
            !decl.kind.is_builtin() && decl.span.start <= offset && offset <= decl.span.end
        })
    }

    /// The use of a name that covers `offset`.
    pub fn reference_at(&self, offset: u32) -> Option<&Reference> {
        self.references
            .iter()
            .find(|reference| reference.span.start <= offset && offset <= reference.span.end)
    }

    /// The declaration a name at `offset` means: the one declared there or the one used there.
    pub fn definition_at(&self, offset: u32) -> Option<DeclId> {
        self.declaration_at(offset)
            .or_else(|| self.reference_at(offset).and_then(|reference| reference.resolved))
    }

    pub fn references_of(&self, id: DeclId) -> impl Iterator<Item = &Reference> + '_ {
        self.references
            .iter()
            .filter(move |reference| reference.resolved == Some(id))
    }

    pub fn is_used(&self, id: DeclId) -> bool {
        self.references_of(id).next().is_some()
    }

    /// Reads and writes of `ent:name`, in source order of discovery.
    pub fn ent_accesses<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a EntAccess> + 'a {
        self.ent.iter().filter(move |access| access.name == name)
    }
}
