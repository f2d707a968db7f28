//! The one walk over the syntax tree. Every pass that looks at nodes wherever they occur (the
//! checker's resolver and lints, the language server's handlers, the generated `__testing`
//! map) implements [`Visitor`] and lets [`walk_ruleset`] (or [`walk_rule`], [`walk_expr`], ...)
//! drive it, instead of writing its own recursion over every node type.
//!
//! The walk is pre-order, in source order: [`Visitor::enter`] sees a node before its
//! children, [`Visitor::leave`] after them. `enter` answers with a [`Flow`]: go on into the
//! children, skip them (the visitor handles that subtree itself, or does not care), or stop the
//! whole walk (a search that found its node). A pass that needs its own order for some nodes
//! (the resolver binds a block's names before it reads their values) handles them in `enter`,
//! returns [`Flow::Skip`], and hands the parts back to the walk with [`walk_node`] or
//! [`walk_children`].
//!
//! The walk grows its stack on demand at every expression (but leaves) and event expression
//! ([`crate::nesting::with_stack`]), so any visitor is safe on trees as deep as the nesting
//! limit allows, on any thread.
//!
//! Inactive rules are walked like the others; passes that follow the reference compiler, which
//! drops them before compiling, skip them with [`Flow::Skip`] on [`Node::Rule`].

use std::ops::ControlFlow;

use krl_diagnostics::Span;

use crate::ast::{
    Action, ActionBlock, Args, ArrayItem, BlockKind, ChevronPart, DeclItem, Declaration, EventExpr,
    EventExprKind, EventRef, Expr, ExprKind, Foreach, Global, Guard, MapEntry, MapItem, Meta, MetaProp,
    MetaPropKind, Params, Postlude, Pre, Rule, Ruleset, ScheduleTime, Select, SelectKind, Statement,
    StmtBlock, StmtKind, Within, declarations,
};

/// What [`Visitor::enter`] asks the walk to do next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flow {
    /// Walk the node's children, then call [`Visitor::leave`].
    Continue,
    /// Do not walk the node's children; [`Visitor::leave`] is still called.
    Skip,
    /// End the whole walk now; no further `enter` or `leave` is called.
    Stop,
}

/// A node of the tree, as the walk hands it out.
#[derive(Clone, Copy, Debug)]
pub enum Node<'a> {
    /// The root: entered first, left last.
    Ruleset(&'a Ruleset),
    Meta(&'a Meta),
    MetaProp(&'a MetaProp),
    Global(&'a Global),
    Rule(&'a Rule),
    Select(&'a Select),
    Within(&'a Within),
    Foreach(&'a Foreach),
    Pre(&'a Pre),
    ActionBlock(&'a ActionBlock),
    Action(&'a Action),
    /// The argument list of a call or an action, parentheses included.
    Args(&'a Args),
    Postlude(&'a Postlude),
    /// One branch of a postlude (`fired`, `else`, `finally`, ...).
    StmtBlock(&'a StmtBlock),
    Stmt(&'a Statement),
    /// `name = value` in any declaration block or postlude.
    Decl(&'a Declaration),
    Event(&'a EventExpr),
    Expr(&'a Expr),
    MapEntry(&'a MapEntry),
    /// The parameter list of a `function` or `defaction`.
    Params(&'a Params),
}

impl Node<'_> {
    pub fn span(&self) -> Span {
        match self {
            Node::Ruleset(ruleset) => ruleset.span,
            Node::Meta(meta) => meta.span,
            Node::MetaProp(prop) => prop.span,
            Node::Global(global) => global.span,
            Node::Rule(rule) => rule.span,
            Node::Select(select) => select.span,
            Node::Within(within) => within.span,
            Node::Foreach(foreach) => foreach.span,
            Node::Pre(pre) => pre.span,
            Node::ActionBlock(block) => block.span,
            Node::Action(action) => action.span,
            Node::Args(args) => args.span,
            Node::Postlude(postlude) => postlude.span,
            Node::StmtBlock(block) => block.span,
            Node::Stmt(stmt) => stmt.span,
            Node::Decl(decl) => decl.span,
            Node::Event(event) => event.span,
            Node::Expr(expr) => expr.span,
            Node::MapEntry(entry) => entry.span,
            Node::Params(params) => params.span,
        }
    }
}

/// A pass over the tree. Both methods have defaults, so a visitor writes only what it needs.
pub trait Visitor<'a> {
    /// Called before the node's children.
    fn enter(&mut self, node: Node<'a>) -> Flow {
        let _ = node;
        Flow::Continue
    }

    /// Called after the node's children (or right after `enter` returned [`Flow::Skip`]).
    fn leave(&mut self, node: Node<'a>) {
        let _ = node;
    }
}

/// A closure is a visitor that only enters.
impl<'a, F: FnMut(Node<'a>) -> Flow> Visitor<'a> for F {
    fn enter(&mut self, node: Node<'a>) -> Flow {
        self(node)
    }
}

/// Whether a walk ran to its end or a visitor stopped it.
pub type Walked = ControlFlow<()>;

/// Walks every node of `ruleset`: the ruleset itself, then meta, global and the rules.
pub fn walk_ruleset<'a>(visitor: &mut (impl Visitor<'a> + ?Sized), ruleset: &'a Ruleset) -> Walked {
    walk_node(visitor, Node::Ruleset(ruleset))
}

/// Walks one rule and everything in it.
pub fn walk_rule<'a>(visitor: &mut (impl Visitor<'a> + ?Sized), rule: &'a Rule) -> Walked {
    walk_node(visitor, Node::Rule(rule))
}

/// Walks an expression and everything in it.
pub fn walk_expr<'a>(visitor: &mut (impl Visitor<'a> + ?Sized), expr: &'a Expr) -> Walked {
    walk_node(visitor, Node::Expr(expr))
}

/// Walks an event expression and everything in it.
pub fn walk_event<'a>(visitor: &mut (impl Visitor<'a> + ?Sized), event: &'a EventExpr) -> Walked {
    walk_node(visitor, Node::Event(event))
}

/// Walks the declarations of a recovered list (a block, a `configure`, a `with`).
pub fn walk_decls<'a>(visitor: &mut (impl Visitor<'a> + ?Sized), items: &'a [DeclItem]) -> Walked {
    for decl in declarations(items) {
        walk_node(visitor, Node::Decl(decl))?;
    }
    ControlFlow::Continue(())
}

/// Enters `node`, walks its children unless the visitor skips them, and leaves it.
pub fn walk_node<'a>(visitor: &mut (impl Visitor<'a> + ?Sized), node: Node<'a>) -> Walked {
    match node {
        // A leaf ends the recursion, so it needs no stack check (half of all expressions).
        Node::Expr(expr) if is_leaf(expr) => walk_node_unguarded(visitor, node),
        // One level of a recursion as deep as the source nests (see `crate::nesting`).
        Node::Expr(_) | Node::Event(_) => crate::nesting::with_stack(|| walk_node_unguarded(visitor, node)),
        _ => walk_node_unguarded(visitor, node),
    }
}

/// Expressions without child expressions.
fn is_leaf(expr: &Expr) -> bool {
    matches!(
        expr.kind,
        ExprKind::Null
            | ExprKind::Boolean { .. }
            | ExprKind::Number { .. }
            | ExprKind::String { .. }
            | ExprKind::RegExp { .. }
            | ExprKind::Identifier { .. }
            | ExprKind::DomainIdentifier { .. }
            | ExprKind::Error
    )
}

fn walk_node_unguarded<'a>(visitor: &mut (impl Visitor<'a> + ?Sized), node: Node<'a>) -> Walked {
    match visitor.enter(node) {
        Flow::Stop => return ControlFlow::Break(()),
        Flow::Skip => {}
        Flow::Continue => walk_children(visitor, node)?,
    }
    visitor.leave(node);
    ControlFlow::Continue(())
}

/// Walks the children of `node` in source order, without entering `node` itself.
pub fn walk_children<'a>(visitor: &mut (impl Visitor<'a> + ?Sized), node: Node<'a>) -> Walked {
    match node {
        Node::Ruleset(ruleset) => {
            if let Some(meta) = &ruleset.meta {
                walk_node(visitor, Node::Meta(meta))?;
            }
            if let Some(global) = &ruleset.global {
                walk_node(visitor, Node::Global(global))?;
            }
            for rule in ruleset.rules() {
                walk_node(visitor, Node::Rule(rule))?;
            }
        }
        Node::Meta(meta) => {
            for prop in meta.props() {
                walk_node(visitor, Node::MetaProp(prop))?;
            }
        }
        Node::MetaProp(prop) => match &prop.kind {
            MetaPropKind::Value { value } | MetaPropKind::Key { value, .. } => walk_expr(visitor, value)?,
            MetaPropKind::Use { with: decls, .. } | MetaPropKind::Configure { decls } => {
                walk_decls(visitor, decls)?
            }
            MetaPropKind::Logging { .. }
            | MetaPropKind::ErrorsTo { .. }
            | MetaPropKind::Provides { .. }
            | MetaPropKind::ProvidesKeys { .. }
            | MetaPropKind::Shares { .. } => {}
        },
        Node::Global(global) => walk_decls(visitor, &global.decls)?,
        Node::Rule(rule) => {
            if let Some(select) = &rule.select {
                walk_node(visitor, Node::Select(select))?;
            }
            for foreach in &rule.foreach {
                walk_node(visitor, Node::Foreach(foreach))?;
            }
            if let Some(pre) = &rule.pre {
                walk_node(visitor, Node::Pre(pre))?;
            }
            if let Some(block) = &rule.action_block {
                walk_node(visitor, Node::ActionBlock(block))?;
            }
            if let Some(postlude) = &rule.postlude {
                walk_node(visitor, Node::Postlude(postlude))?;
            }
        }
        Node::Select(select) => match &select.kind {
            SelectKind::When { event, within } => {
                walk_event(visitor, event)?;
                if let Some(within) = within {
                    walk_node(visitor, Node::Within(within))?;
                }
            }
            SelectKind::Where { condition } => walk_expr(visitor, condition)?,
        },
        Node::Within(within) => walk_expr(visitor, &within.amount)?,
        Node::Foreach(foreach) => walk_expr(visitor, &foreach.collection)?,
        Node::Pre(pre) => walk_decls(visitor, &pre.decls)?,
        Node::ActionBlock(block) => {
            if let Some(condition) = &block.condition {
                walk_expr(visitor, condition)?;
            }
            if let BlockKind::Choose { discriminant } = &block.kind {
                walk_expr(visitor, discriminant)?;
            }
            for action in block.actions() {
                walk_node(visitor, Node::Action(action))?;
            }
        }
        Node::Action(action) => walk_node(visitor, Node::Args(&action.args))?,
        Node::Args(args) => {
            for arg in args.args() {
                walk_expr(visitor, &arg.value)?;
            }
        }
        Node::Postlude(postlude) => {
            for block in postlude.blocks() {
                walk_node(visitor, Node::StmtBlock(block))?;
            }
        }
        Node::StmtBlock(block) => {
            for stmt in block.statements() {
                walk_node(visitor, Node::Stmt(stmt))?;
            }
        }
        Node::Stmt(stmt) => statement_children(visitor, stmt)?,
        Node::Decl(decl) => walk_expr(visitor, &decl.value)?,
        Node::Event(event) => match &event.kind {
            EventExprKind::Event(base) => {
                if let Some(condition) = &base.where_ {
                    walk_expr(visitor, condition)?;
                }
            }
            EventExprKind::Op { args, .. } | EventExprKind::Any { args, .. } => {
                for arg in args {
                    walk_event(visitor, arg)?;
                }
            }
            EventExprKind::Group { event, .. } => walk_event(visitor, event)?,
            EventExprKind::Paren { inner } => walk_event(visitor, inner)?,
            EventExprKind::Error => {}
        },
        Node::Expr(expr) => expr_children(visitor, expr)?,
        Node::MapEntry(entry) => walk_expr(visitor, &entry.value)?,
        Node::Params(params) => {
            for default in params.items.iter().filter_map(|param| param.default.as_ref()) {
                walk_expr(visitor, default)?;
            }
        }
    }
    ControlFlow::Continue(())
}

fn statement_children<'a>(visitor: &mut (impl Visitor<'a> + ?Sized), stmt: &'a Statement) -> Walked {
    if let Some(Guard::If { condition }) = &stmt.guard {
        walk_expr(visitor, condition)?;
    }
    match &stmt.kind {
        StmtKind::PersistentAssignment { path, value, .. } => {
            if let Some(path) = path {
                walk_expr(visitor, path)?;
            }
            walk_expr(visitor, value)?;
        }
        StmtKind::Clear { path, .. } => {
            if let Some(path) = path {
                walk_expr(visitor, path)?;
            }
        }
        StmtKind::Raise {
            event,
            for_rid,
            attributes,
        } => {
            walk_event_ref(visitor, event)?;
            for expr in [for_rid, attributes].into_iter().flatten() {
                walk_expr(visitor, expr)?;
            }
        }
        StmtKind::Schedule {
            event,
            time,
            attributes,
            ..
        } => {
            walk_event_ref(visitor, event)?;
            match time {
                ScheduleTime::At { time } => walk_expr(visitor, time)?,
                ScheduleTime::Repeat { timespec } => walk_expr(visitor, timespec)?,
            }
            if let Some(attributes) = attributes {
                walk_expr(visitor, attributes)?;
            }
        }
        StmtKind::Log { message, .. } | StmtKind::Error { message, .. } => walk_expr(visitor, message)?,
        StmtKind::Last => {}
        StmtKind::Declaration(decl) => walk_node(visitor, Node::Decl(decl))?,
    }
    ControlFlow::Continue(())
}

/// Walks the expressions of the event a `raise` or `schedule` names.
pub fn walk_event_ref<'a>(visitor: &mut (impl Visitor<'a> + ?Sized), event: &'a EventRef) -> Walked {
    match event {
        EventRef::Static { event_type, .. } => walk_expr(visitor, event_type),
        EventRef::Dynamic { domain_and_type } => walk_expr(visitor, domain_and_type),
    }
}

fn expr_children<'a>(visitor: &mut (impl Visitor<'a> + ?Sized), expr: &'a Expr) -> Walked {
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
                    walk_expr(visitor, expr)?;
                }
            }
        }
        ExprKind::Paren { inner } => walk_expr(visitor, inner)?,
        ExprKind::Array { items } => {
            for item in items {
                if let ArrayItem::Item { value } = item {
                    walk_expr(visitor, value)?;
                }
            }
        }
        ExprKind::Map { items } => {
            for item in items {
                if let MapItem::Entry(entry) = item {
                    walk_node(visitor, Node::MapEntry(entry))?;
                }
            }
        }
        ExprKind::Unary { operand, .. } => walk_expr(visitor, operand)?,
        ExprKind::Binary { left, right, .. } => {
            walk_expr(visitor, left)?;
            walk_expr(visitor, right)?;
        }
        ExprKind::Conditional { test, then, else_ } => {
            walk_expr(visitor, test)?;
            walk_expr(visitor, then)?;
            walk_expr(visitor, else_)?;
        }
        ExprKind::Dot { object, .. } => walk_expr(visitor, object)?,
        ExprKind::Index { object, index } => {
            walk_expr(visitor, object)?;
            walk_expr(visitor, index)?;
        }
        ExprKind::Path { object, path } => {
            walk_expr(visitor, object)?;
            walk_expr(visitor, path)?;
        }
        ExprKind::Call { callee, args } => {
            walk_expr(visitor, callee)?;
            walk_node(visitor, Node::Args(args))?;
        }
        ExprKind::Function(function) => {
            walk_node(visitor, Node::Params(&function.params))?;
            walk_decls(visitor, &function.body)?;
            walk_expr(visitor, &function.result)?;
        }
        ExprKind::Defaction(defaction) => {
            walk_node(visitor, Node::Params(&defaction.params))?;
            walk_decls(visitor, &defaction.body)?;
            if let Some(block) = &defaction.actions {
                walk_node(visitor, Node::ActionBlock(block))?;
            }
            if let Some(result) = &defaction.result {
                walk_expr(visitor, result)?;
            }
        }
    }
    ControlFlow::Continue(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use krl_diagnostics::FileId;

    const SRC: &str = r#"ruleset t {
  global { f = function(a, b = 1) { c = a + b; c } }
  rule r { select when e t where x > 1  pre { y = [1, {"k": 2}] }  send_directive("d", {"n": y})
    fired { ent:n := f(1) } else { z = 3 } finally { raise e event "u" } }
  rule off is inactive { select when e u  noop() }
}"#;

    fn parse() -> crate::Parse {
        let parse = crate::parse_ruleset(FileId(0), SRC);
        assert!(parse.diagnostics.is_empty(), "{:?}", parse.diagnostics);
        parse
    }

    fn text(node: Node<'_>) -> String {
        node.span().text(SRC).chars().take(12).collect()
    }

    #[test]
    fn enter_and_leave_pair_up_in_source_order() {
        struct Trace(Vec<String>);
        impl<'a> Visitor<'a> for Trace {
            fn enter(&mut self, node: Node<'a>) -> Flow {
                self.0.push(format!("+{}", text(node)));
                Flow::Continue
            }
            fn leave(&mut self, node: Node<'a>) {
                self.0.push(format!("-{}", text(node)));
            }
        }
        let parse = parse();
        let mut trace = Trace(Vec::new());
        assert!(walk_ruleset(&mut trace, &parse.ruleset).is_continue());
        let enters = trace.0.iter().filter(|t| t.starts_with('+')).count();
        assert_eq!(enters * 2, trace.0.len());
        // The postlude's branches in order, each after the action block.
        let position = |t: &str| {
            trace
                .0
                .iter()
                .position(|x| x == t)
                .unwrap_or_else(|| panic!("{t} in {:?}", trace.0))
        };
        assert!(position("+fired { ent:") < position("+{ ent:n := f"));
        assert!(position("+{ ent:n := f") < position("+{ z = 3 }"));
        assert!(position("+{ z = 3 }") < position("+{ raise e ev"));
        assert!(position("-{ z = 3 }") < position("+{ raise e ev"));
    }

    #[test]
    fn skip_leaves_out_the_children_only() {
        let parse = parse();
        let mut inactive_exprs = 0;
        let mut rules = 0;
        let mut skipped = |node: Node<'_>| match node {
            Node::Rule(rule) => {
                rules += 1;
                if rule.is_active() {
                    Flow::Continue
                } else {
                    Flow::Skip
                }
            }
            Node::Expr(expr) if expr.span.start > SRC.find("rule off").unwrap_or(0) as u32 => {
                inactive_exprs += 1;
                Flow::Continue
            }
            _ => Flow::Continue,
        };
        assert!(walk_ruleset(&mut skipped, &parse.ruleset).is_continue());
        assert_eq!((rules, inactive_exprs), (2, 0));
    }

    #[test]
    fn stop_ends_the_walk_at_the_first_match() {
        let parse = parse();
        let mut seen = Vec::new();
        let mut find = |node: Node<'_>| {
            if let Node::Expr(expr) = node {
                seen.push(expr.span);
                if matches!(expr.kind, ExprKind::Number { .. }) {
                    return Flow::Stop;
                }
            }
            Flow::Continue
        };
        assert!(walk_ruleset(&mut find, &parse.ruleset).is_break());
        // `function`, `a + b`... stop at the default `1` of `b`, the first number.
        let last = seen.last().expect("a number").text(SRC);
        assert_eq!(last, "1");
        assert_eq!(seen.len(), 2);
    }

    #[test]
    fn deep_trees_walk_on_a_small_stack() {
        let depth = crate::nesting::MAX_NESTING as usize - 2;
        let src = format!(
            "ruleset t {{ global {{ x = {}1{} }} }}",
            "[".repeat(depth),
            "]".repeat(depth)
        );
        let parse = crate::parse_ruleset(FileId(0), &src);
        assert!(parse.diagnostics.is_empty());
        // The tree is made and dropped on this thread; only the walk runs on the small stack.
        let walked = std::thread::scope(|scope| {
            std::thread::Builder::new()
                .stack_size(256 * 1024)
                .spawn_scoped(scope, || {
                    let mut count = 0usize;
                    let mut counter = |_: Node<'_>| {
                        count += 1;
                        Flow::Continue
                    };
                    let _ = walk_ruleset(&mut counter, &parse.ruleset);
                    count
                })
                .expect("spawn")
                .join()
        });
        // The ruleset, the global block, the declaration, and every level of the array.
        assert_eq!(walked.expect("no overflow"), 3 + depth + 1);
    }
}
