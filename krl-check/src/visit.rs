//! Pre-order walks over every expression of a ruleset, for the lints that look at expressions
//! wherever they occur, and for the interpreter's generated `__testing` map. Inactive rules
//! are skipped: the reference never compiles them.

use krl_diagnostics::Span;
use krl_syntax::ast::{
    ActionBlock, Args, ArrayItem, BlockKind, ChevronPart, DeclItem, EventExpr, EventExprKind, EventRef, Expr,
    ExprKind, Guard, Ident, MapItem, MetaPropKind, Rule, Ruleset, ScheduleTime, SelectKind, StmtKind,
    declarations,
};

/// Calls `f` on every expression of `ruleset`, outer expressions before inner ones.
pub fn each_expr(ruleset: &Ruleset, f: &mut dyn FnMut(&Expr)) {
    for prop in ruleset.meta.iter().flat_map(|meta| meta.props()) {
        match &prop.kind {
            MetaPropKind::Value { value } | MetaPropKind::Key { value, .. } => walk_expr(value, f),
            MetaPropKind::Use { with: decls, .. } | MetaPropKind::Configure { decls } => walk_decls(decls, f),
            _ => {}
        }
    }
    if let Some(global) = &ruleset.global {
        walk_decls(&global.decls, f);
    }
    for rule in ruleset.rules().filter(|rule| rule.is_active()) {
        each_expr_in_rule(rule, f);
    }
}

/// Calls `f` on every expression of one rule, outer expressions before inner ones.
pub fn each_expr_in_rule(rule: &Rule, f: &mut dyn FnMut(&Expr)) {
    if let Some(select) = &rule.select {
        match &select.kind {
            SelectKind::When { event, within } => {
                walk_event(event, f);
                if let Some(within) = within {
                    walk_expr(&within.amount, f);
                }
            }
            SelectKind::Where { condition } => walk_expr(condition, f),
        }
    }
    each_expr_after_select(rule, f);
}

/// Calls `f` on every expression of one rule after its `select`: the `foreach` collections,
/// the prelude, the actions and the postlude, outer expressions before inner ones.
pub fn each_expr_after_select(rule: &Rule, f: &mut dyn FnMut(&Expr)) {
    for foreach in &rule.foreach {
        walk_expr(&foreach.collection, f);
    }
    if let Some(pre) = &rule.pre {
        walk_decls(&pre.decls, f);
    }
    if let Some(block) = &rule.action_block {
        walk_action_block(block, f);
    }
    if let Some(postlude) = &rule.postlude {
        let blocks = [
            Some(&postlude.first),
            postlude.else_.as_ref(),
            postlude.finally.as_ref(),
        ];
        for stmt in blocks.into_iter().flatten().flat_map(|block| block.statements()) {
            if let Some(Guard::If { condition }) = &stmt.guard {
                walk_expr(condition, f);
            }
            match &stmt.kind {
                StmtKind::PersistentAssignment { path, value, .. } => {
                    path.iter().for_each(|path| walk_expr(path, f));
                    walk_expr(value, f);
                }
                StmtKind::Clear { path, .. } => path.iter().for_each(|path| walk_expr(path, f)),
                StmtKind::Raise {
                    event,
                    for_rid,
                    attributes,
                } => {
                    walk_event_ref(event, f);
                    [for_rid, attributes]
                        .into_iter()
                        .flatten()
                        .for_each(|e| walk_expr(e, f));
                }
                StmtKind::Schedule {
                    event,
                    time,
                    attributes,
                    ..
                } => {
                    walk_event_ref(event, f);
                    match time {
                        ScheduleTime::At { time } => walk_expr(time, f),
                        ScheduleTime::Repeat { timespec } => walk_expr(timespec, f),
                    }
                    attributes.iter().for_each(|e| walk_expr(e, f));
                }
                StmtKind::Log { message, .. } | StmtKind::Error { message, .. } => walk_expr(message, f),
                StmtKind::Last => {}
                StmtKind::Declaration(decl) => walk_expr(&decl.value, f),
            }
        }
    }
}

fn walk_event_ref(event: &EventRef, f: &mut dyn FnMut(&Expr)) {
    match event {
        EventRef::Static { event_type, .. } => walk_expr(event_type, f),
        EventRef::Dynamic { domain_and_type } => walk_expr(domain_and_type, f),
    }
}

fn walk_event(event: &EventExpr, f: &mut dyn FnMut(&Expr)) {
    // One level of a recursion as deep as the source nests (see `krl_syntax::nesting`).
    krl_syntax::nesting::with_stack(|| walk_event_unguarded(event, f))
}

fn walk_event_unguarded(event: &EventExpr, f: &mut dyn FnMut(&Expr)) {
    match &event.kind {
        EventExprKind::Event(base) => base.where_.iter().for_each(|e| walk_expr(e, f)),
        EventExprKind::Op { args, .. } | EventExprKind::Any { args, .. } => {
            args.iter().for_each(|arg| walk_event(arg, f));
        }
        EventExprKind::Group { event, .. } => walk_event(event, f),
        EventExprKind::Paren { inner } => walk_event(inner, f),
        EventExprKind::Error => {}
    }
}

fn walk_decls(items: &[DeclItem], f: &mut dyn FnMut(&Expr)) {
    for decl in declarations(items) {
        walk_expr(&decl.value, f);
    }
}

pub fn walk_action_block(block: &ActionBlock, f: &mut dyn FnMut(&Expr)) {
    if let Some(condition) = &block.condition {
        walk_expr(condition, f);
    }
    if let BlockKind::Choose { discriminant } = &block.kind {
        walk_expr(discriminant, f);
    }
    for action in block.actions() {
        for arg in action.args.args() {
            walk_expr(&arg.value, f);
        }
    }
}

/// Calls `f` on `expr` and then on every expression inside it.
pub fn walk_expr(expr: &Expr, f: &mut dyn FnMut(&Expr)) {
    // One level of a recursion as deep as the source nests (see `krl_syntax::nesting`).
    krl_syntax::nesting::with_stack(|| walk_expr_unguarded(expr, f))
}

fn walk_expr_unguarded(expr: &Expr, f: &mut dyn FnMut(&Expr)) {
    f(expr);
    match &expr.kind {
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
                if let ChevronPart::Beesting { expr } = part {
                    walk_expr(expr, f);
                }
            }
        }
        ExprKind::Paren { inner } => walk_expr(inner, f),
        ExprKind::Array { items } => {
            for item in items {
                if let ArrayItem::Item { value } = item {
                    walk_expr(value, f);
                }
            }
        }
        ExprKind::Map { items } => {
            for item in items {
                if let MapItem::Entry(entry) = item {
                    walk_expr(&entry.value, f);
                }
            }
        }
        ExprKind::Unary { operand, .. } => walk_expr(operand, f),
        ExprKind::Binary { left, right, .. } => {
            walk_expr(left, f);
            walk_expr(right, f);
        }
        ExprKind::Conditional { test, then, else_ } => {
            walk_expr(test, f);
            walk_expr(then, f);
            walk_expr(else_, f);
        }
        ExprKind::Dot { object, .. } => walk_expr(object, f),
        ExprKind::Index { object, index } => {
            walk_expr(object, f);
            walk_expr(index, f);
        }
        ExprKind::Path { object, path } => {
            walk_expr(object, f);
            walk_expr(path, f);
        }
        ExprKind::Call { callee, args } => {
            walk_expr(callee, f);
            for arg in args.args() {
                walk_expr(&arg.value, f);
            }
        }
        ExprKind::Function(function) => {
            for param in &function.params.items {
                param.default.iter().for_each(|e| walk_expr(e, f));
            }
            walk_decls(&function.body, f);
            walk_expr(&function.result, f);
        }
        ExprKind::Defaction(defaction) => {
            for param in &defaction.params.items {
                param.default.iter().for_each(|e| walk_expr(e, f));
            }
            walk_decls(&defaction.body, f);
            if let Some(block) = &defaction.actions {
                walk_action_block(block, f);
            }
            defaction.result.iter().for_each(|e| walk_expr(e, f));
        }
    }
}

/// A call of a member of another namespace, `domain:name(args)`, as an expression or an action.
pub(crate) struct DomainCall {
    pub domain: String,
    pub name: String,
    /// The argument list, parentheses included.
    pub args_span: Span,
    /// Positional arguments (named ones bind by name).
    pub positional: usize,
}

impl DomainCall {
    fn new(domain: &Ident, name: &Ident, args: &Args) -> DomainCall {
        DomainCall {
            domain: domain.name.to_string(),
            name: name.name.to_string(),
            args_span: args.span,
            positional: args.args().filter(|arg| arg.name.is_none()).count(),
        }
    }
}

/// Every `domain:name(...)` call of `ruleset`: in expressions, in rules' action blocks and in
/// defactions' actions (inactive rules skipped, as in [`each_expr`]).
pub(crate) fn domain_calls(ruleset: &Ruleset) -> Vec<DomainCall> {
    fn actions(block: &ActionBlock, calls: &mut Vec<DomainCall>) {
        for action in block.actions() {
            if let Some(domain) = &action.domain {
                calls.push(DomainCall::new(domain, &action.name, &action.args));
            }
        }
    }
    let mut calls = Vec::new();
    each_expr(ruleset, &mut |expr| match &expr.kind {
        ExprKind::Call { callee, args } => {
            if let ExprKind::DomainIdentifier { domain, name } = &callee.kind {
                calls.push(DomainCall::new(domain, name, args));
            }
        }
        ExprKind::Defaction(defaction) => {
            if let Some(block) = &defaction.actions {
                actions(block, &mut calls);
            }
        }
        _ => {}
    });
    for rule in ruleset.rules().filter(|rule| rule.is_active()) {
        if let Some(block) = &rule.action_block {
            actions(block, &mut calls);
        }
    }
    calls
}
