//! Name resolution, the one place that knows KRL's visibility rules: walks a ruleset with a
//! scope stack, following the reference compiler (language.md §3.1, §3.2), fills the
//! [`NameTable`] and reports the compile-time errors that need scopes: unknown names,
//! duplicates, arity, exports. `krl check` and the language server read its table, and
//! lowering runs it through [`NameResolver`] and reads which declaration each name means.

use krl_diagnostics::suggest::{edit_distance, is_typo_distance};
use krl_diagnostics::{Diagnostic, FileId, FileSpan, Span, codes};
use krl_syntax::ast::{
    Action, ActionBlock, Args, BlockKind, DeclItem, Defaction, EventExpr, EventExprKind, EventRef, Expr,
    ExprKind, Function, Guard, Ident, MetaPropKind, Params, Postlude, Rule, Ruleset, ScheduleTime,
    SelectKind, Statement, StmtBlock, StmtKind, declarations,
};
use krl_syntax::visit::{self, Flow, Node, Visitor};

use crate::FastMap;
use crate::scope::{
    DeclId, DeclKind, Declaration, Duplicate, EntAccess, EntAccessKind, NameTable, Reference, Scope, ScopeId,
    ScopeKind, Shape, Signature,
};
use krl_builtins::Kind;

mod arity;
mod bindings;
mod incremental;

use bindings::{Bindings, Name};

pub use incremental::NameResolver;

/// Resolves every name in `ruleset`; errors go to `out`.
pub fn resolve(file: FileId, ruleset: &Ruleset, out: &mut Vec<Diagnostic>) -> NameTable {
    let mut resolver = Resolver::new(file);
    resolver.ruleset(ruleset);
    out.append(&mut resolver.out);
    resolver.table
}

struct Resolver {
    file: FileId,
    table: NameTable,
    /// Per scope: the declaration each name currently means.
    bindings: Bindings,
    current: ScopeId,
    out: Vec<Diagnostic>,
}

/// How a call site passes its arguments, for arity checks.
#[derive(Clone, Copy)]
enum CallForm {
    Plain,
    /// `x.f(...)`: the receiver is the first argument.
    Method,
    Action,
}

impl Resolver {
    fn new(file: FileId) -> Resolver {
        Resolver {
            file,
            table: NameTable::default(),
            bindings: Bindings::default(),
            current: ScopeId(0),
            out: Vec::new(),
        }
    }

    fn at(&self, span: Span) -> FileSpan {
        FileSpan::new(self.file, span)
    }

    // ----- scopes and declarations -----

    fn push_scope(&mut self, kind: ScopeKind, span: Span) -> ScopeId {
        let id = ScopeId(self.table.scopes.len() as u32);
        let parent = if self.table.scopes.is_empty() {
            None
        } else {
            Some(self.current)
        };
        self.table.scopes.push(Scope { kind, parent, span });
        self.bindings.push_scope();
        self.current = id;
        id
    }

    fn pop_scope(&mut self) {
        self.current = self.table.scopes[self.current.0 as usize]
            .parent
            .expect("the root scope is never popped");
    }

    fn scope_kind(&self, id: ScopeId) -> ScopeKind {
        self.table.scopes[id.0 as usize].kind
    }

    fn add_declaration(&mut self, name: &str, kind: DeclKind, span: Span, shape: Shape) -> DeclId {
        let id = DeclId(self.table.declarations.len() as u32);
        self.table.declarations.push(Declaration {
            name: name.to_string(),
            kind,
            span,
            scope: self.current,
            shape,
        });
        self.bindings.bind(self.current, name, id);
        id
    }

    /// Declares `name` in the current scope, reporting a clash with a name of the same block.
    fn declare(&mut self, name: &Ident, kind: DeclKind, shape: Shape) -> DeclId {
        if let Some(previous) = self.same_block_binding(&name.name) {
            let previous_decl = self.table.declaration(previous).clone();
            let both_event_bound = is_event_bound(previous_decl.kind) && is_event_bound(kind);
            if both_event_bound {
                // `a b setting(x) or c d setting(x)`: one variable bound by either event.
                self.table.references.push(Reference {
                    span: name.span,
                    resolved: Some(previous),
                });
                return previous;
            }
            let (code, message, reference_text) = if kind == DeclKind::Parameter {
                (
                    codes::DUPLICATE_PARAMETER,
                    format!("duplicate parameter `{}`", name.name),
                    format!("Duplicate parameter: {}", name.name),
                )
            } else {
                (
                    codes::DUPLICATE_DECLARATION,
                    format!("`{}` is declared twice", name.name),
                    format!("Duplicate declaration: {}", name.name),
                )
            };
            self.out.push(
                Diagnostic::error(code, self.at(name.span), message)
                    .with_label("declared again here")
                    .with_related(
                        self.at(previous_decl.span),
                        format!("first declared here as a {}", previous_decl.kind.describe()),
                    )
                    .with_note(format!("pico-engine reports: `{reference_text}`")),
            );
            let id = self.add_declaration(&name.name, kind, name.span, shape);
            self.table.duplicates.push(Duplicate { id, previous });
            return id;
        }
        self.add_declaration(&name.name, kind, name.span, shape)
    }

    /// A binding of `name` that a new declaration in the current scope would clash with: in the
    /// current scope, or, for a postlude branch, in its rule's scope (language.md §3.2 lists
    /// these clashes as errors the reference should have reported).
    fn same_block_binding(&self, name: &str) -> Option<DeclId> {
        let name = &Name::new(name);
        if let Some(id) = self.bindings.get(&self.table, self.current, name) {
            return Some(id);
        }
        if self.scope_kind(self.current) == ScopeKind::Postlude {
            let parent = self.table.scopes[self.current.0 as usize].parent?;
            return self.bindings.get(&self.table, parent, name);
        }
        None
    }

    fn lookup(&self, name: &str) -> Option<DeclId> {
        let name = Name::new(name);
        let mut scope = Some(self.current);
        while let Some(id) = scope {
            if let Some(decl) = self.bindings.get(&self.table, id, &name) {
                return Some(decl);
            }
            scope = self.outer(id);
        }
        None
    }

    /// The next scope a lookup searches after `id`: its parent, except that a `where`
    /// condition skips its rule's scope.
    fn outer(&self, id: ScopeId) -> Option<ScopeId> {
        let parent = self.table.scopes[id.0 as usize].parent?;
        if self.scope_kind(id) == ScopeKind::Where {
            return self.table.scopes[parent.0 as usize].parent;
        }
        Some(parent)
    }

    /// Records a use of `name` and reports it when nothing declares it.
    fn use_name(&mut self, name: &str, span: Span) -> Option<DeclId> {
        let resolved = self.lookup(name);
        self.table.references.push(Reference { span, resolved });
        if resolved.is_none() {
            let mut diagnostic = Diagnostic::error(
                codes::UNKNOWN_NAME,
                self.at(span),
                format!("unknown name `{name}`"),
            )
            .with_label("not found in this scope");
            if let Some(suggestion) = self.suggest(name) {
                diagnostic = diagnostic.with_help(format!("did you mean `{suggestion}`?"));
            } else if self.set_by_another_event(name) {
                diagnostic = diagnostic.with_help(format!(
                    "`{name}` is set by another event of this `select`, and a `where` sees its own event's settings only; test it in the rule's action condition instead"
                ));
            }
            self.out.push(diagnostic);
        }
        resolved
    }

    /// Whether `name`, unknown in a `where`, is a setting of its rule (of another event).
    fn set_by_another_event(&self, name: &str) -> bool {
        if self.scope_kind(self.current) != ScopeKind::Where {
            return false;
        }
        let rule = self.table.scopes[self.current.0 as usize].parent;
        rule.is_some_and(|rule| self.bindings.get(&self.table, rule, &Name::new(name)).is_some())
    }

    /// The visible name closest to `name` by edit distance, when it is close enough.
    fn suggest(&self, name: &str) -> Option<String> {
        let mut best: Option<(usize, &str)> = None;
        let mut scope = Some(self.current);
        while let Some(id) = scope {
            for candidate in self.bindings.names(&self.table, id) {
                let distance = edit_distance(name, candidate);
                if !is_typo_distance(name, candidate, distance) {
                    continue;
                }
                if best.is_none_or(|(d, n)| (distance, candidate) < (d, n)) {
                    best = Some((distance, candidate));
                }
            }
            scope = self.outer(id);
        }
        best.map(|(_, candidate)| candidate.to_string())
    }

    fn ent_access(&mut self, domain: &Ident, name: &Ident, kind: EntAccessKind) {
        self.table.ent.push(EntAccess {
            name: name.name.to_string(),
            span: domain.span.cover(name.span),
            kind,
        });
    }

    // ----- ruleset structure -----

    /// The root scope: every stdlib operator and `__testing`.
    fn root(&mut self) {
        self.push_scope(ScopeKind::Root, Span::default());
        for op in krl_builtins::named_operators() {
            let signature = Signature {
                params: op.param_names().map(str::to_string).collect(),
                min: op.required,
            };
            let shape = match op.kind {
                Kind::Function | Kind::Property => Shape::Function(signature),
                Kind::Action => Shape::Action(signature),
                Kind::ActionFunction => Shape::ActionFunction(signature),
            };
            self.add_declaration(op.name, DeclKind::Stdlib, Span::default(), shape);
        }
        self.add_declaration(
            krl_builtins::TESTING,
            DeclKind::Testing,
            Span::default(),
            Shape::Unknown,
        );
    }

    fn ruleset(&mut self, ruleset: &Ruleset) {
        self.root();
        self.ruleset_scope(ruleset);
    }

    /// The ruleset's own scope: configure and global names, then the meta and the rules.
    fn ruleset_scope(&mut self, ruleset: &Ruleset) {
        self.push_scope(ScopeKind::Ruleset, ruleset.span);
        let props: Vec<_> = ruleset.meta.iter().flat_map(|meta| meta.props()).collect();
        for prop in &props {
            if let MetaPropKind::Configure { decls } = &prop.kind {
                self.declaration_block(decls, DeclKind::Configure);
            }
        }
        for prop in &props {
            if let MetaPropKind::Use { with, .. } = &prop.kind {
                // The `with` names belong to the used module; only the values are ours. They
                // are evaluated before the globals are declared (as in pico-engine), so they
                // see the `configure using` names only.
                for decl in declarations(with) {
                    self.expr(&decl.value);
                }
            }
        }
        if let Some(global) = &ruleset.global {
            self.declaration_block(&global.decls, DeclKind::Global);
        }
        self.meta_checks(&props);
        for prop in &props {
            match &prop.kind {
                MetaPropKind::Value { value } | MetaPropKind::Key { value, .. } => self.expr(value),
                MetaPropKind::Shares { names } => self.exports(names, "share"),
                MetaPropKind::Provides { names } => self.exports(names, "provide"),
                MetaPropKind::Configure { .. }
                | MetaPropKind::Use { .. }
                | MetaPropKind::Logging { .. }
                | MetaPropKind::ErrorsTo { .. }
                | MetaPropKind::ProvidesKeys { .. } => {}
            }
        }

        let mut rule_names: FastMap<&str, Span> = FastMap::default();
        for rule in ruleset.rules() {
            if let Some(&first) = rule_names.get(rule.name.name.as_str()) {
                self.out.push(
                    Diagnostic::error(
                        codes::DUPLICATE_RULE_NAME,
                        self.at(rule.name.span),
                        format!("rule `{}` is defined twice", rule.name.name),
                    )
                    .with_related(self.at(first), "first defined here")
                    .with_note(format!(
                        "pico-engine reports: `Duplicate rule name: {}`",
                        rule.name.name
                    )),
                );
            } else {
                rule_names.insert(&rule.name.name, rule.name.span);
            }
            // Matches pico-engine: an inactive rule is dropped before it is compiled.
            if rule.is_active() {
                self.rule(rule);
            }
        }
        self.pop_scope();
    }

    /// Repeated single-valued properties and the classic properties the compiler rejects.
    fn meta_checks(&mut self, props: &[&krl_syntax::ast::MetaProp]) {
        let mut seen: FastMap<&str, Span> = FastMap::default();
        for prop in props {
            let key = prop.key.name.as_str();
            match &prop.kind {
                MetaPropKind::Value { .. } | MetaPropKind::Logging { .. } => {
                    if let Some(&first) = seen.get(key) {
                        self.out.push(
                            Diagnostic::error(
                                codes::DUPLICATE_META_PROPERTY,
                                self.at(prop.key.span),
                                format!("`{key}` is given twice in `meta`"),
                            )
                            .with_related(self.at(first), "first given here")
                            .with_help("keep one of them")
                            .with_note(format!("pico-engine reports: `only 1 meta.{key} allowed`")),
                        );
                    } else {
                        seen.insert(key, prop.key.span);
                    }
                }
                MetaPropKind::Key { .. }
                | MetaPropKind::ErrorsTo { .. }
                | MetaPropKind::ProvidesKeys { .. } => {
                    let (reported, shown) = match &prop.kind {
                        MetaPropKind::Key { .. } => ("keys", key),
                        MetaPropKind::ErrorsTo { .. } => ("errors", "errors to"),
                        _ => ("provides_keys", "provides keys"),
                    };
                    self.out.push(
                        Diagnostic::error(
                            codes::UNSUPPORTED_META_PROPERTY,
                            self.at(prop.span),
                            format!("the classic meta property `{shown}` is not supported"),
                        )
                        .with_help(match reported {
                            "keys" => "pass secrets to a module with `configure using`",
                            "errors" => "raise errors with `error` statements and handle `system:error`",
                            _ => "list the names under `provides`",
                        })
                        .with_note(format!(
                            "pico-engine reports: `RulesetMetaProperty not supported: {reported}`"
                        )),
                    );
                }
                _ => {}
            }
        }
    }

    /// `shares`/`provides`: each name must be declared; shared names may not be actions.
    fn exports(&mut self, names: &[Ident], verb: &str) {
        for name in names {
            let resolved = self.lookup(&name.name);
            self.table.references.push(Reference {
                span: name.span,
                resolved,
            });
            match resolved {
                None => {
                    let mut diagnostic = Diagnostic::error(
                        codes::UNDEFINED_EXPORT,
                        self.at(name.span),
                        format!("Trying to {verb}: {} but it's not defined in global", name.name),
                    )
                    .with_label("not declared in `global`");
                    if let Some(suggestion) = self.suggest(&name.name) {
                        diagnostic = diagnostic.with_help(format!("did you mean `{suggestion}`?"));
                    }
                    self.out.push(diagnostic);
                }
                Some(id) if verb == "share" => {
                    let decl = self.table.declaration(id);
                    if matches!(decl.shape, Shape::Action(_)) {
                        let mut diagnostic = Diagnostic::error(
                            codes::SHARED_ACTION,
                            self.at(name.span),
                            format!("Actions must not be shared: {}", name.name),
                        )
                        .with_help("list it under `provides` to let other rulesets use it");
                        if !decl.kind.is_builtin() {
                            diagnostic =
                                diagnostic.with_related(self.at(decl.span), "declared as a `defaction` here");
                        }
                        self.out.push(diagnostic);
                    }
                }
                Some(_) => {}
            }
        }
    }

    fn rule(&mut self, rule: &Rule) {
        self.push_scope(ScopeKind::Rule, rule.span);
        match &rule.select {
            None => self.out.push(
                Diagnostic::error(
                    codes::MISSING_SELECT,
                    self.at(rule.name.span),
                    format!("rule `{}` is missing a `select`", rule.name.name),
                )
                .with_help("add `select when domain type`, or mark the rule `is inactive`"),
            ),
            Some(select) => match &select.kind {
                SelectKind::When { event, within } => {
                    // `within` is evaluated outside the event's matchers: it sees no setting.
                    if let Some(within) = within {
                        self.expr(&within.amount);
                    }
                    let mut positional = Vec::new();
                    self.event_settings(event, &mut positional);
                    self.table.positional.extend(positional);
                    self.event_conditions(event);
                }
                SelectKind::Where { condition } => self.expr(condition),
            },
        }
        for foreach in &rule.foreach {
            self.expr(&foreach.collection);
            self.settings(&foreach.setting, DeclKind::ForeachSetting);
        }
        if let Some(pre) = &rule.pre {
            self.declaration_block(&pre.decls, DeclKind::Pre);
        }
        if let Some(block) = &rule.action_block {
            self.action_block(block);
        }
        if let Some(postlude) = &rule.postlude {
            self.postlude(postlude);
        }
        self.pop_scope();
    }

    fn settings(&mut self, names: &[Ident], kind: DeclKind) {
        let ids = names
            .iter()
            .map(|name| self.declare(name, kind, Shape::Unknown))
            .collect();
        self.table.positional.push(ids);
    }

    /// The names an event expression binds, in source order: each base event's `setting(...)`
    /// and, after its event's, each aggregator's variables; one positional list each.
    fn event_settings(&mut self, event: &EventExpr, positional: &mut Vec<Vec<DeclId>>) {
        struct Settings<'r> {
            resolver: &'r mut Resolver,
            positional: &'r mut Vec<Vec<DeclId>>,
        }
        impl Settings<'_> {
            fn bind(&mut self, names: &[Ident], kind: DeclKind) {
                let ids = names
                    .iter()
                    .map(|name| self.resolver.declare(name, kind, Shape::Unknown))
                    .collect();
                self.positional.push(ids);
            }
        }
        impl<'a> Visitor<'a> for Settings<'_> {
            fn enter(&mut self, node: Node<'a>) -> Flow {
                match node {
                    Node::Event(EventExpr {
                        kind: EventExprKind::Event(base),
                        ..
                    }) => self.bind(&base.setting, DeclKind::EventSetting),
                    // Conditions are resolved once every name is bound (`event_conditions`).
                    Node::Expr(_) => return Flow::Skip,
                    _ => {}
                }
                Flow::Continue
            }
            fn leave(&mut self, node: Node<'a>) {
                if let Node::Event(EventExpr {
                    kind:
                        EventExprKind::Group {
                            aggregator: Some(aggregator),
                            ..
                        },
                    ..
                }) = node
                {
                    self.bind(&aggregator.vars, DeclKind::Aggregator);
                }
            }
        }
        let _ = visit::walk_event(
            &mut Settings {
                resolver: self,
                positional,
            },
            event,
        );
    }

    /// The `where` conditions of an event expression, once all its settings are bound. Each
    /// sees its own event's settings only (matching pico-engine, which evaluates it inside
    /// that event's matcher: another event's setting is undefined there).
    fn event_conditions(&mut self, event: &EventExpr) {
        let _ = visit::walk_event(
            &mut |node: Node<'_>| match node {
                Node::Event(EventExpr {
                    kind: EventExprKind::Event(base),
                    ..
                }) => {
                    if let Some(condition) = &base.where_ {
                        self.where_condition(&base.setting, condition);
                    }
                    Flow::Skip
                }
                _ => Flow::Continue,
            },
            event,
        );
    }

    fn where_condition(&mut self, setting: &[Ident], condition: &Expr) {
        let rule_scope = self.current;
        self.push_scope(ScopeKind::Where, condition.span);
        for name in setting {
            if let Some(id) = self.bindings.get(&self.table, rule_scope, &Name::new(&name.name)) {
                self.bindings.bind(self.current, &name.name, id);
            }
        }
        self.expr(condition);
        self.pop_scope();
    }

    /// A declaration block (language.md §3.2): values see earlier names only; `function`
    /// literals are compiled last and see the whole block, themselves included.
    fn declaration_block(&mut self, items: &[DeclItem], kind: DeclKind) {
        self.declarations(declarations(items), kind);
    }

    /// The declarations of one block, in order (see [`Resolver::declaration_block`]).
    fn declarations<'d>(
        &mut self,
        decls: impl IntoIterator<Item = &'d krl_syntax::ast::Declaration>,
        kind: DeclKind,
    ) {
        let mut functions = Vec::new();
        for decl in decls {
            if let ExprKind::Function(function) = &decl.value.kind {
                self.declare(
                    &decl.name,
                    kind,
                    Shape::Function(function_signature(&function.params)),
                );
                functions.push((function.as_ref(), decl.value.span));
            } else {
                self.expr(&decl.value);
                self.declare(&decl.name, kind, shape_of(&decl.value));
            }
        }
        for (function, span) in functions {
            self.function(function, span);
        }
    }

    fn action_block(&mut self, block: &ActionBlock) {
        if let Some(condition) = &block.condition {
            self.expr(condition);
        }
        if let BlockKind::Choose { discriminant } = &block.kind {
            self.expr(discriminant);
        }
        let choose = matches!(block.kind, BlockKind::Choose { .. });
        for action in block.actions() {
            if choose && action.label.is_none() {
                self.out.push(
                    Diagnostic::error(
                        codes::UNLABELED_CHOOSE_ACTION,
                        self.at(action.name.span),
                        "actions inside `choose` need a label",
                    )
                    .with_help(format!("write `label => {}(...)`", action.name.name))
                    .with_note("pico-engine reports: ``all actions inside a `choose` block need a label``"),
                );
            }
            self.action(action);
        }
    }

    fn action(&mut self, action: &Action) {
        let resolved = match &action.domain {
            // A module action (`http:post`) is looked up at run time.
            Some(_) => None,
            None => self.use_name(&action.name.name, action.name.span),
        };
        self.args(&action.args);
        if let Some(id) = resolved {
            self.check_arity(id, &action.name, &action.args, CallForm::Action);
        }
        if let Some(extra) = action.setting.get(1) {
            self.out.push(
                Diagnostic::error(
                    codes::SEVERAL_ACTION_SETTINGS,
                    self.at(extra.span),
                    "an action returns one value, so `setting` takes one name",
                )
                .with_note("pico-engine reports: `Actions only return on value`"),
            );
        }
        // Extra names are declared too (bound to null), so their uses are not reported again.
        self.settings(&action.setting, DeclKind::ActionSetting);
    }

    fn postlude(&mut self, postlude: &Postlude) {
        for block in postlude.blocks() {
            self.stmt_block(block);
        }
    }

    fn stmt_block(&mut self, block: &StmtBlock) {
        self.push_scope(ScopeKind::Postlude, block.span);
        for stmt in block.statements() {
            self.statement(stmt);
        }
        self.pop_scope();
    }

    fn statement(&mut self, stmt: &Statement) {
        if let Some(Guard::If { condition }) = &stmt.guard {
            self.expr(condition);
        }
        match &stmt.kind {
            StmtKind::PersistentAssignment {
                domain,
                name,
                path,
                value,
            } => {
                if let Some(path) = path {
                    self.expr(path);
                }
                self.expr(value);
                if domain.name == "ent" {
                    self.ent_access(domain, name, EntAccessKind::Write);
                } else {
                    self.non_entity(
                        domain,
                        name,
                        ":=",
                        "PersistentVariableAssignment - only works on ent:* variables",
                    );
                }
            }
            StmtKind::Clear { domain, name, path } => {
                if let Some(path) = path {
                    self.expr(path);
                }
                if domain.name == "ent" {
                    self.ent_access(domain, name, EntAccessKind::Write);
                } else {
                    self.non_entity(
                        domain,
                        name,
                        "clear",
                        "ClearPersistentVariable only works for `ent:`, not `undefined:`",
                    );
                }
            }
            StmtKind::Raise {
                event,
                for_rid,
                attributes,
            } => {
                self.event_ref(event);
                for expr in [for_rid, attributes].into_iter().flatten() {
                    self.expr(expr);
                }
            }
            StmtKind::Schedule {
                event,
                time,
                attributes,
                setting,
            } => {
                self.event_ref(event);
                match time {
                    ScheduleTime::At { time } => self.expr(time),
                    ScheduleTime::Repeat { timespec } => self.expr(timespec),
                }
                if let Some(attributes) = attributes {
                    self.expr(attributes);
                }
                if let Some(setting) = setting {
                    self.declare(setting, DeclKind::ScheduleSetting, Shape::Unknown);
                }
            }
            StmtKind::Log { message, .. } | StmtKind::Error { message, .. } => self.expr(message),
            StmtKind::Last => {}
            StmtKind::Declaration(decl) => {
                if let ExprKind::Function(function) = &decl.value.kind {
                    let shape = Shape::Function(function_signature(&function.params));
                    self.declare(&decl.name, DeclKind::Postlude, shape);
                    self.function(function, decl.value.span);
                } else {
                    self.expr(&decl.value);
                    self.declare(&decl.name, DeclKind::Postlude, shape_of(&decl.value));
                }
            }
        }
    }

    fn non_entity(&mut self, domain: &Ident, name: &Ident, what: &str, reference_text: &str) {
        self.out.push(
            Diagnostic::error(
                codes::NON_ENTITY_ASSIGNMENT,
                self.at(domain.span.cover(name.span)),
                format!("`{what}` only works on `ent:` variables, not `{}:`", domain.name),
            )
            .with_help(format!(
                "use `ent:{}`, or declare a local with `{} = ...`",
                name.name, name.name
            ))
            .with_note(format!("pico-engine reports: `{reference_text}`")),
        );
    }

    fn event_ref(&mut self, event: &EventRef) {
        match event {
            EventRef::Static { event_type, .. } => self.expr(event_type),
            EventRef::Dynamic { domain_and_type } => self.expr(domain_and_type),
        }
    }

    // ----- functions -----

    /// Parameters in order (a default sees the parameters before it), with the checks on them.
    fn params(&mut self, params: &Params) {
        let mut first_default: Option<Span> = None;
        let mut ids = Vec::new();
        for param in &params.items {
            match (&param.default, first_default) {
                (Some(default), _) => {
                    self.expr(default);
                    first_default.get_or_insert(param.span);
                }
                (None, Some(defaulted)) => self.out.push(
                    Diagnostic::error(
                        codes::REQUIRED_AFTER_DEFAULT,
                        self.at(param.name.span),
                        format!(
                            "required parameter `{}` follows a parameter with a default",
                            param.name.name
                        ),
                    )
                    .with_related(self.at(defaulted), "this parameter has a default")
                    .with_help(format!("give `{}` a default, or move it first", param.name.name))
                    .with_note(
                        "pico-engine reports: `Cannot have a non-default parameter after a defaulted one`",
                    ),
                ),
                (None, None) => {}
            }
            let shape = param.default.as_ref().map(shape_of).unwrap_or(Shape::Unknown);
            ids.push(self.declare(&param.name, DeclKind::Parameter, shape));
        }
        self.table.positional.push(ids);
    }

    fn function(&mut self, function: &Function, span: Span) {
        self.push_scope(ScopeKind::Function, span);
        self.params(&function.params);
        self.declaration_block(&function.body, DeclKind::Local);
        self.expr(&function.result);
        self.pop_scope();
    }

    fn defaction(&mut self, defaction: &Defaction, span: Span) {
        self.push_scope(ScopeKind::Defaction, span);
        self.params(&defaction.params);
        self.declaration_block(&defaction.body, DeclKind::Local);
        if let Some(block) = &defaction.actions {
            self.action_block(block);
        }
        if let Some(result) = &defaction.result {
            self.expr(result);
        }
        self.pop_scope();
    }

    // ----- expressions -----

    /// Resolves the names of an expression; the walk goes through the nodes that hold no
    /// names of their own, [`Resolver::enter_expr`] takes the ones that do.
    fn expr(&mut self, expr: &Expr) {
        let _ = visit::walk_expr(self, expr);
    }

    fn enter_expr(&mut self, expr: &Expr) -> Flow {
        match &expr.kind {
            ExprKind::Identifier { name } => {
                self.use_name(name, expr.span);
            }
            ExprKind::DomainIdentifier { domain, name } if domain.name == "ent" => {
                self.ent_access(domain, name, EntAccessKind::Read);
            }
            // Outside a call `a.b` reads the key "b" (deprecated); `b` is not a name, and the
            // walk goes on into `a`.
            ExprKind::Call { callee, args } => {
                self.call(callee, args);
                return Flow::Skip;
            }
            ExprKind::Function(function) => {
                self.function(function, expr.span);
                return Flow::Skip;
            }
            ExprKind::Defaction(defaction) => {
                self.defaction(defaction, expr.span);
                return Flow::Skip;
            }
            _ => {}
        }
        Flow::Continue
    }

    fn call(&mut self, callee: &Expr, args: &Args) {
        match &callee.kind {
            ExprKind::Identifier { name } => {
                let resolved = self.use_name(name, callee.span);
                self.args(args);
                if let Some(id) = resolved {
                    let ident = Ident {
                        name: name.clone(),
                        span: callee.span,
                    };
                    self.check_arity(id, &ident, args, CallForm::Plain);
                }
            }
            ExprKind::Dot {
                object,
                domain: None,
                name,
            } => {
                self.expr(object);
                let resolved = self.use_name(&name.name, name.span);
                self.args(args);
                if let Some(id) = resolved {
                    self.check_arity(id, name, args, CallForm::Method);
                }
            }
            _ => {
                if let ExprKind::DomainIdentifier { domain, name } = &callee.kind
                    && domain.name == "event"
                    && name.name == "attrs"
                {
                    self.out.push(
                        Diagnostic::error(
                            codes::EVENT_ATTRS_CALL,
                            self.at(callee.span.cover(args.span)),
                            "`event:attrs` is a map, not a function",
                        )
                        .with_help(attrs_help(args))
                        .with_note(
                            "pico-engine reports: ``event:attrs` is a Map, not a Function. Use `event:attrs{key}` instead`",
                        ),
                    );
                }
                self.expr(callee);
                self.args(args);
            }
        }
    }

    fn args(&mut self, args: &Args) {
        let mut first_named: Option<Span> = None;
        let mut reported = false;
        for arg in args.args() {
            match (&arg.name, first_named) {
                (Some(_), None) => first_named = Some(arg.span),
                (None, Some(named)) if !reported => {
                    reported = true;
                    self.out.push(
                        Diagnostic::error(
                            codes::POSITIONAL_AFTER_NAMED,
                            self.at(arg.span),
                            "positional argument after a named one",
                        )
                        .with_related(self.at(named), "first named argument")
                        .with_note(
                            "pico-engine reports: `Once you used a named arg, all following must be named.`",
                        ),
                    );
                }
                _ => {}
            }
            self.expr(&arg.value);
        }
    }
}

/// The resolver walks expressions with the one visitor; blocks, rules and functions it walks
/// itself, in the order their names become visible.
impl<'a> Visitor<'a> for Resolver {
    fn enter(&mut self, node: Node<'a>) -> Flow {
        match node {
            Node::Expr(expr) => self.enter_expr(expr),
            _ => Flow::Continue,
        }
    }
}

/// `event:attrs("name")` → ``write `event:attrs{"name"}` ``, when the argument is one literal.
fn attrs_help(args: &Args) -> String {
    let mut items = args.args();
    match (items.next(), items.next()) {
        (Some(arg), None) if arg.name.is_none() => {
            if let ExprKind::String { value } = &arg.value.kind {
                return format!("write `event:attrs{{{value:?}}}`");
            }
            "write `event:attrs{key}`".to_string()
        }
        _ => "write `event:attrs{key}`".to_string(),
    }
}

fn is_event_bound(kind: DeclKind) -> bool {
    matches!(kind, DeclKind::EventSetting | DeclKind::Aggregator)
}

/// Matches pico-engine: a missing argument is null, and rulesets rely on that to make
/// parameters optional (`inbound()` for `inbound = function(key, value)`), so only calls
/// with too many arguments are reported.
fn function_signature(params: &Params) -> Signature {
    Signature {
        params: params
            .items
            .iter()
            .map(|param| param.name.name.to_string())
            .collect(),
        min: 0,
    }
}

/// What a declaration's value is statically (language.md §3.3): only literals count.
fn shape_of(value: &Expr) -> Shape {
    match &value.kind {
        ExprKind::Function(function) => Shape::Function(function_signature(&function.params)),
        ExprKind::Defaction(defaction) => Shape::Action(function_signature(&defaction.params)),
        _ => Shape::Unknown,
    }
}

pub(crate) use krl_diagnostics::suggest::closest;
