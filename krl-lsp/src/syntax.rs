//! Walks over the syntax tree for the handlers that need nodes rather than names: selection
//! ranges, calls for code actions, `raise`/`event:send` for event navigation, and finding the
//! declaration node behind a name.

use krl_diagnostics::Span;
use krl_syntax::ast::{
    Action, ActionBlock, ArrayItem, BaseEvent, BlockKind, ChevronPart, DeclItem, Declaration, EventExpr,
    EventExprKind, EventRef, Expr, ExprKind, Guard, MapItem, MetaPropKind, Param, Rule, Ruleset,
    ScheduleTime, SelectKind, Statement, StmtKind, declarations,
};

/// A node of the tree, as the walk hands it out.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Node<'a> {
    /// A block or clause that is not a node of its own type (meta, global, select, pre, ...).
    Block(Span),
    Rule(&'a Rule),
    Decl(&'a Declaration),
    Event(&'a EventExpr),
    Action(&'a Action),
    Stmt(&'a Statement),
    Expr(&'a Expr),
}

impl Node<'_> {
    pub(crate) fn span(&self) -> Span {
        match self {
            Node::Block(span) => *span,
            Node::Rule(rule) => rule.span,
            Node::Decl(decl) => decl.span,
            Node::Event(event) => event.span,
            Node::Action(action) => action.span,
            Node::Stmt(stmt) => stmt.span,
            Node::Expr(expr) => expr.span,
        }
    }
}

/// Calls `f` on every node of `ruleset`, parents before children (inactive rules included).
pub(crate) fn walk<'a>(ruleset: &'a Ruleset, f: &mut dyn FnMut(Node<'a>)) {
    if let Some(meta) = &ruleset.meta {
        f(Node::Block(meta.span));
        for prop in meta.props() {
            f(Node::Block(prop.span));
            match &prop.kind {
                MetaPropKind::Value { value } | MetaPropKind::Key { value, .. } => expr(value, f),
                MetaPropKind::Use { with: decls, .. } | MetaPropKind::Configure { decls } => {
                    decl_items(decls, f)
                }
                _ => {}
            }
        }
    }
    if let Some(global) = &ruleset.global {
        f(Node::Block(global.span));
        decl_items(&global.decls, f);
    }
    for rule in ruleset.rules() {
        walk_rule(rule, f);
    }
}

pub(crate) fn walk_rule<'a>(rule: &'a Rule, f: &mut dyn FnMut(Node<'a>)) {
    f(Node::Rule(rule));
    if let Some(select) = &rule.select {
        f(Node::Block(select.span));
        match &select.kind {
            SelectKind::When { event, within } => {
                event_expr(event, f);
                if let Some(within) = within {
                    f(Node::Block(within.span));
                    expr(&within.amount, f);
                }
            }
            SelectKind::Where { condition } => expr(condition, f),
        }
    }
    for foreach in &rule.foreach {
        f(Node::Block(foreach.span));
        expr(&foreach.collection, f);
    }
    if let Some(pre) = &rule.pre {
        f(Node::Block(pre.span));
        decl_items(&pre.decls, f);
    }
    if let Some(block) = &rule.action_block {
        action_block(block, f);
    }
    if let Some(postlude) = &rule.postlude {
        f(Node::Block(postlude.span));
        let blocks = [
            Some(&postlude.first),
            postlude.else_.as_ref(),
            postlude.finally.as_ref(),
        ];
        for block in blocks.into_iter().flatten() {
            f(Node::Block(block.span));
            for stmt in block.statements() {
                statement(stmt, f);
            }
        }
    }
}

fn statement<'a>(stmt: &'a Statement, f: &mut dyn FnMut(Node<'a>)) {
    f(Node::Stmt(stmt));
    if let Some(Guard::If { condition }) = &stmt.guard {
        expr(condition, f);
    }
    match &stmt.kind {
        StmtKind::PersistentAssignment { path, value, .. } => {
            path.iter().for_each(|path| expr(path, f));
            expr(value, f);
        }
        StmtKind::Clear { path, .. } => path.iter().for_each(|path| expr(path, f)),
        StmtKind::Raise {
            event,
            for_rid,
            attributes,
        } => {
            event_ref(event, f);
            for_rid.iter().chain(attributes).for_each(|e| expr(e, f));
        }
        StmtKind::Schedule {
            event,
            time,
            attributes,
            ..
        } => {
            event_ref(event, f);
            match time {
                ScheduleTime::At { time } => expr(time, f),
                ScheduleTime::Repeat { timespec } => expr(timespec, f),
            }
            attributes.iter().for_each(|e| expr(e, f));
        }
        StmtKind::Log { message, .. } | StmtKind::Error { message, .. } => expr(message, f),
        StmtKind::Last => {}
        StmtKind::Declaration(decl) => {
            f(Node::Decl(decl));
            expr(&decl.value, f);
        }
    }
}

fn event_ref<'a>(event: &'a EventRef, f: &mut dyn FnMut(Node<'a>)) {
    match event {
        EventRef::Static { event_type, .. } => expr(event_type, f),
        EventRef::Dynamic { domain_and_type } => expr(domain_and_type, f),
    }
}

fn event_expr<'a>(event: &'a EventExpr, f: &mut dyn FnMut(Node<'a>)) {
    f(Node::Event(event));
    match &event.kind {
        EventExprKind::Event(base) => base.where_.iter().for_each(|e| expr(e, f)),
        EventExprKind::Op { args, .. } | EventExprKind::Any { args, .. } => {
            args.iter().for_each(|arg| event_expr(arg, f));
        }
        EventExprKind::Group { event, .. } => event_expr(event, f),
        EventExprKind::Paren { inner } => event_expr(inner, f),
        EventExprKind::Error => {}
    }
}

fn decl_items<'a>(items: &'a [DeclItem], f: &mut dyn FnMut(Node<'a>)) {
    for decl in declarations(items) {
        f(Node::Decl(decl));
        expr(&decl.value, f);
    }
}

fn action_block<'a>(block: &'a ActionBlock, f: &mut dyn FnMut(Node<'a>)) {
    f(Node::Block(block.span));
    if let Some(condition) = &block.condition {
        expr(condition, f);
    }
    if let BlockKind::Choose { discriminant } = &block.kind {
        expr(discriminant, f);
    }
    for action in block.actions() {
        f(Node::Action(action));
        f(Node::Block(action.args.span));
        for arg in action.args.args() {
            expr(&arg.value, f);
        }
    }
}

/// Calls `f` on `e` and then on every expression inside it.
pub(crate) fn expr<'a>(e: &'a Expr, f: &mut dyn FnMut(Node<'a>)) {
    f(Node::Expr(e));
    match &e.kind {
        ExprKind::Null
        | ExprKind::Boolean { .. }
        | ExprKind::Number { .. }
        | ExprKind::String { .. }
        | ExprKind::RegExp { .. }
        | ExprKind::Identifier { .. }
        | ExprKind::DomainIdentifier { .. }
        | ExprKind::Error => {}
        ExprKind::Chevron { parts } => {
            for part in parts {
                if let ChevronPart::Beesting { expr: inner } = part {
                    expr(inner, f);
                }
            }
        }
        ExprKind::Paren { inner } => expr(inner, f),
        ExprKind::Array { items } => {
            for item in items {
                if let ArrayItem::Item { value } = item {
                    expr(value, f);
                }
            }
        }
        ExprKind::Map { items } => {
            for item in items {
                if let MapItem::Entry(entry) = item {
                    f(Node::Block(entry.span));
                    expr(&entry.value, f);
                }
            }
        }
        ExprKind::Unary { operand, .. } => expr(operand, f),
        ExprKind::Binary { left, right, .. } => {
            expr(left, f);
            expr(right, f);
        }
        ExprKind::Conditional { test, then, else_ } => {
            expr(test, f);
            expr(then, f);
            expr(else_, f);
        }
        ExprKind::Dot { object, .. } => expr(object, f),
        ExprKind::Index { object, index } => {
            expr(object, f);
            expr(index, f);
        }
        ExprKind::Path { object, path } => {
            expr(object, f);
            expr(path, f);
        }
        ExprKind::Call { callee, args } => {
            expr(callee, f);
            f(Node::Block(args.span));
            for arg in args.args() {
                expr(&arg.value, f);
            }
        }
        ExprKind::Function(function) => {
            f(Node::Block(function.params.span));
            for param in &function.params.items {
                param.default.iter().for_each(|e| expr(e, f));
            }
            decl_items(&function.body, f);
            expr(&function.result, f);
        }
        ExprKind::Defaction(defaction) => {
            f(Node::Block(defaction.params.span));
            for param in &defaction.params.items {
                param.default.iter().for_each(|e| expr(e, f));
            }
            decl_items(&defaction.body, f);
            if let Some(block) = &defaction.actions {
                action_block(block, f);
            }
            defaction.result.iter().for_each(|e| expr(e, f));
        }
    }
}

/// The declaration node whose name is at `name_span`.
pub(crate) fn declaration_named(ruleset: &Ruleset, name_span: Span) -> Option<&Declaration> {
    let mut found = None;
    walk(ruleset, &mut |node| {
        if let Node::Decl(decl) = node
            && decl.name.span == name_span
        {
            found = Some(decl);
        }
    });
    found
}

/// A parameter found by the span of its name, with the declaration that owns the function
/// or defaction (`None` for an anonymous function) and whether that is a defaction.
pub(crate) struct ParamSite<'a> {
    pub param: &'a Param,
    pub owner: Option<&'a Declaration>,
    pub in_defaction: bool,
}

/// The parameter whose name is at `name_span`, with its function or defaction.
pub(crate) fn parameter_named(ruleset: &Ruleset, name_span: Span) -> Option<ParamSite<'_>> {
    let mut found = None;
    let mut owner: Option<&Declaration> = None;
    walk(ruleset, &mut |node| {
        let (params, in_defaction) = match node {
            Node::Decl(decl) => {
                owner = Some(decl);
                return;
            }
            Node::Expr(Expr {
                kind: ExprKind::Function(function),
                ..
            }) => (&function.params, false),
            Node::Expr(Expr {
                kind: ExprKind::Defaction(defaction),
                ..
            }) => (&defaction.params, true),
            _ => return,
        };
        if let Some(param) = params.items.iter().find(|param| param.name.span == name_span) {
            // The function is the declaration's value only when the declaration encloses it.
            let owner = owner.filter(|decl| decl.span.contains(params.span));
            found = Some(ParamSite {
                param,
                owner,
                in_defaction,
            });
        }
    });
    found
}

/// Every declaration node keyed by the span of its name, from one walk.
pub(crate) fn declarations_by_name(ruleset: &Ruleset) -> std::collections::HashMap<Span, &Declaration> {
    let mut out = std::collections::HashMap::new();
    walk(ruleset, &mut |node| {
        if let Node::Decl(decl) = node {
            out.insert(decl.name.span, decl);
        }
    });
    out
}

/// The rule whose span holds `offset`.
pub(crate) fn rule_at(ruleset: &Ruleset, offset: u32) -> Option<&Rule> {
    ruleset
        .rules()
        .find(|rule| rule.span.start <= offset && offset <= rule.span.end)
}

/// Every base event of an event expression, with its span.
pub(crate) fn base_events(event: &EventExpr) -> Vec<(&BaseEvent, Span)> {
    let mut out = Vec::new();
    collect_base_events(event, &mut out);
    out
}

fn collect_base_events<'a>(event: &'a EventExpr, out: &mut Vec<(&'a BaseEvent, Span)>) {
    match &event.kind {
        EventExprKind::Event(base) => out.push((base, event.span)),
        EventExprKind::Op { args, .. } | EventExprKind::Any { args, .. } => {
            args.iter().for_each(|arg| collect_base_events(arg, out));
        }
        EventExprKind::Group { event, .. } => collect_base_events(event, out),
        EventExprKind::Paren { inner } => collect_base_events(inner, out),
        EventExprKind::Error => {}
    }
}

/// The base events a rule selects on (`select when`); empty for `select where`.
pub(crate) fn selected_events(rule: &Rule) -> Vec<(&BaseEvent, Span)> {
    match rule.select.as_ref().map(|select| &select.kind) {
        Some(SelectKind::When { event, .. }) => base_events(event),
        _ => Vec::new(),
    }
}

/// The text of a string literal expression.
pub(crate) fn literal_string(e: &Expr) -> Option<&str> {
    match &e.kind {
        ExprKind::String { value } => Some(value),
        ExprKind::Chevron { parts } => match parts.as_slice() {
            [ChevronPart::Text { value, .. }] => Some(value),
            _ => None,
        },
        ExprKind::Paren { inner } => literal_string(inner),
        _ => None,
    }
}
