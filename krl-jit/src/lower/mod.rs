//! Lowering: the AST of expressions, declaration blocks, functions and defactions to the IR,
//! each name to a frame slot or a stdlib operator.
//!
//! Which declaration a name means is not decided here: lowering first runs the checker's
//! resolver (`krl_check::NameResolver`, the visibility rules of language.md §3) over the code
//! it is given, then reads each use's declaration from the resulting table by the span of the
//! name, and only decides where each declaration lives (see [`Scopes`]). Unknown names and
//! duplicate declarations come from that table too, so `krl check` and the engine cannot
//! disagree about them; lowering words them as the reference's compile errors.
//!
//! Lowering is a fold, not a visit: each node's IR is built from its children's IR, in the
//! order the runtime frames need, so it keeps its own recursion (ARCHITECTURE.md).

mod expr;
mod scope;

use std::sync::Arc;

use krl_check::{DeclId, DeclKind, NameResolver, Resolutions};
use krl_diagnostics::{Diagnostic, FileId, FileSpan, Span, codes};
use krl_runtime::Value;
use krl_runtime::stdlib::{self, Operator, OperatorKind};
use krl_syntax::ast::{self, ExprKind};

use crate::ir::{self, Args, Decl, Node};
pub use scope::{Scopes, StaticKind};

/// Lowers KRL to IR for one file, collecting compile errors.
pub struct Lowerer {
    file: FileId,
    pub scopes: Scopes,
    pub diagnostics: Vec<Diagnostic>,
    /// How many function and defaction literals were lowered so far: a function whose body
    /// adds none gets a stack frame (see [`ir::FrameKind`]).
    closure_literals: u32,
    /// What `__testing` names where no declaration shadows it: the ruleset's generated map.
    pub testing: Value,
    /// The resolver, kept for the whole session so REPL inputs see earlier declarations.
    names: NameResolver,
    /// The names of the code being lowered, by span.
    resolved: Resolutions,
}

/// What a name in expression position means.
enum Meaning {
    Local { depth: u16, slot: u16, kind: StaticKind },
    Operator(&'static Operator),
    Testing,
    Undefined,
}

impl Lowerer {
    /// A lowerer whose outermost frame is the one the caller will create for `scopes`.
    pub fn new(file: FileId) -> Lowerer {
        Lowerer {
            file,
            scopes: Scopes::new(),
            diagnostics: Vec::new(),
            closure_literals: 0,
            testing: crate::ruleset::testing::empty(),
            names: NameResolver::new(file),
            resolved: Resolutions::default(),
        }
    }

    /// The file later diagnostics point into.
    pub fn set_file(&mut self, file: FileId) {
        self.file = file;
        self.names.set_file(file);
    }

    pub(crate) fn error(&mut self, span: Span, message: impl Into<String>) {
        let at = FileSpan::new(self.file, span);
        self.diagnostics
            .push(Diagnostic::error(codes::COMPILE_ERROR, at, message));
    }

    // ----- resolving before lowering -----

    /// Resolves the names of some code with `resolve`, and makes them what the following
    /// lowering reads. The resolver's own diagnostics are `krl check`'s to report; lowering
    /// reports the name errors of the table as the reference words them.
    fn resolve_with(&mut self, resolve: impl FnOnce(&mut NameResolver)) {
        let mark = self.names.mark();
        resolve(&mut self.names);
        self.resolved = self.names.table().resolutions_since(mark);
        self.names.take_diagnostics();
    }

    /// Resolves a whole ruleset (see [`Lowerer::resolve_with`]).
    pub(crate) fn resolve_ruleset(&mut self, ruleset: &ast::Ruleset) {
        self.resolve_with(|names| names.ruleset(ruleset));
    }

    /// A new frame for the next session input, with a name scope of its own.
    pub fn push_frame(&mut self) {
        self.scopes.push();
        self.names.push_scope();
    }

    /// Leaves the frame [`Lowerer::push_frame`] opened; returns its size.
    pub fn pop_frame(&mut self) -> u16 {
        self.names.pop_scope();
        self.scopes.pop()
    }

    /// Resolves and lowers an expression of a session input.
    pub fn expr(&mut self, expr: &ast::Expr) -> Node {
        self.resolve_with(|names| names.expr(expr));
        self.node(expr)
    }

    /// Resolves and lowers the declarations of a session input into the innermost frame.
    pub fn block(&mut self, items: &[&ast::Declaration]) -> Vec<Decl> {
        self.resolve_with(|names| names.declarations(items));
        self.decls(items)
    }

    /// The frame and slot of the declaration made by the name at `span` in the code lowered
    /// last.
    pub fn declared_slot(&self, span: Span) -> Option<(u16, u16)> {
        let id = self.resolved.declared_at(span)?;
        self.scopes.resolve(id).map(|(depth, slot, _)| (depth, slot))
    }

    // ----- declarations -----

    /// The declaration the name at `name` makes: its own, or for a setting bound by several
    /// events (`a b setting(x) or c d setting(x)`), the first one's.
    pub(crate) fn declaration(&self, name: &ast::Ident) -> Option<DeclId> {
        self.resolved
            .declared_at(name.span)
            .or_else(|| self.resolved.use_at(name.span).flatten())
    }

    /// Gives the declaration at `name` a slot of the innermost frame, reporting it when its
    /// block already declares the name (the resolver's verdict, in the reference's words).
    pub(crate) fn declare(&mut self, name: &ast::Ident, kind: StaticKind) -> u16 {
        let decl = self.declaration(name);
        if let Some(id) = decl
            && self.names.table().is_duplicate(id)
        {
            let message = match self.names.table().declaration(id).kind {
                DeclKind::Parameter => format!("Duplicate parameter: {}", name.name),
                _ => format!("Duplicate declaration: {}", name.name),
            };
            self.error(name.span, message);
        }
        self.scopes.declare(decl, kind)
    }

    /// Lowers a declaration block into the innermost frame (language.md §3.2: `function`
    /// literals are lowered after the rest of the block, as the resolver resolved them).
    pub(crate) fn decls(&mut self, items: &[&ast::Declaration]) -> Vec<Decl> {
        let mut lowered: Vec<Option<Decl>> = Vec::with_capacity(items.len());
        let mut functions = Vec::new();
        for (idx, decl) in items.iter().enumerate() {
            if let ExprKind::Function(_) = decl.value.kind {
                let slot = self.declare(&decl.name, StaticKind::Function);
                functions.push((idx, slot));
                lowered.push(None);
            } else {
                let value = self.node(&decl.value);
                let kind = self.static_kind(&decl.value);
                let slot = self.declare(&decl.name, kind);
                lowered.push(Some(Decl {
                    slot,
                    name: decl.name.name.as_str().into(),
                    value,
                    span: decl.span,
                }));
            }
        }
        for (idx, slot) in functions {
            let decl = items[idx];
            if let ExprKind::Function(function) = &decl.value.kind {
                let value = Node::Function(Arc::new(self.function(
                    &decl.name.name,
                    function,
                    decl.value.span,
                )));
                lowered[idx] = Some(Decl {
                    slot,
                    name: decl.name.name.as_str().into(),
                    value,
                    span: decl.span,
                });
            }
        }
        lowered.into_iter().flatten().collect()
    }

    /// A `function` literal: parameters in the first slots of a new frame, then the body.
    pub fn function(&mut self, name: &str, function: &ast::Function, span: Span) -> ir::FunctionIr {
        let literals_before = self.closure_literals;
        self.scopes.push();
        let mut params = self.params(&function.params);
        let decls: Vec<&ast::Declaration> = ast::declarations(&function.body).collect();
        let mut body_decls = self.decls(&decls);
        let mut result = self.node(&function.result);
        let n_slots = self.scopes.pop();
        // Nothing inside can capture the frame when no closure literal was lowered in it.
        let frame = if self.closure_literals == literals_before {
            let defaults = params.iter_mut().filter_map(|param| param.default.as_mut());
            let values = body_decls.iter_mut().map(|decl| &mut decl.value);
            defaults
                .chain(values)
                .chain(std::iter::once(&mut result))
                .for_each(to_stack_frame);
            ir::FrameKind::Stack
        } else {
            ir::FrameKind::Heap
        };
        self.closure_literals += 1;
        ir::FunctionIr {
            name: name.into(),
            file: self.file,
            params,
            body: ir::Block {
                n_slots,
                decls: body_decls,
            },
            result,
            span,
            frame,
            tier: Default::default(),
        }
    }

    fn defaction(&mut self, name: &str, defaction: &ast::Defaction, span: Span) -> ir::DefactionIr {
        self.scopes.push();
        let params = self.params(&defaction.params);
        let decls: Vec<&ast::Declaration> = ast::declarations(&defaction.body).collect();
        let body_decls = self.decls(&decls);
        let actions = defaction.actions.as_ref().map(|block| self.action_block(block));
        let result = defaction.result.as_ref().map(|expr| self.node(expr));
        let n_slots = self.scopes.pop();
        self.closure_literals += 1;
        ir::DefactionIr {
            name: name.into(),
            file: self.file,
            params,
            body: ir::Block {
                n_slots,
                decls: body_decls,
            },
            actions,
            result,
            span,
        }
    }

    fn params(&mut self, params: &ast::Params) -> Vec<ir::Param> {
        let mut seen_default = false;
        let mut lowered: Vec<ir::Param> = Vec::new();
        for param in &params.items {
            if param.default.is_some() {
                seen_default = true;
            } else if seen_default {
                self.error(
                    param.span,
                    "Cannot have a non-default parameter after a defaulted one",
                );
            }
            // Defaults are evaluated in the new frame and see earlier parameters.
            let default = param.default.as_ref().map(|expr| self.node(expr));
            let slot = self.declare(&param.name, StaticKind::Unknown);
            lowered.push(ir::Param {
                name: param.name.name.as_str().into(),
                slot,
                default,
            });
        }
        lowered
    }

    /// An action block inside the innermost frame (a defaction's or a rule's).
    pub fn action_block(&mut self, block: &ast::ActionBlock) -> ir::ActionBlockIr {
        let condition = block.condition.as_ref().map(|c| self.node(c));
        let kind = match &block.kind {
            ast::BlockKind::Single | ast::BlockKind::Every => ir::BlockKind::Every,
            ast::BlockKind::Sample => ir::BlockKind::Sample,
            ast::BlockKind::Choose { discriminant } => ir::BlockKind::Choose(self.node(discriminant)),
        };
        if let ast::BlockKind::Choose { .. } = block.kind {
            for action in block.actions().filter(|a| a.label.is_none()) {
                self.error(action.span, "all actions inside a `choose` block need a label");
            }
        }
        let actions = block.actions().map(|action| self.action(action)).collect();
        ir::ActionBlockIr {
            condition,
            kind,
            actions,
        }
    }

    fn action(&mut self, action: &ast::Action) -> ir::ActionIr {
        let callee = match &action.domain {
            Some(domain) => ir::ActionCallee::Domain {
                domain: domain.name.as_str().into(),
                name: action.name.name.as_str().into(),
            },
            None => ir::ActionCallee::Value(self.identifier(&action.name.name, action.name.span)),
        };
        let args = self.args(action.args.args());
        if action.setting.len() > 1 {
            self.error(action.span, "Actions only return on value");
        }
        // Extra names (an error above) are declared too, as the resolver declares them, so
        // their uses are not reported a second time.
        let slots: Vec<u16> = action
            .setting
            .iter()
            .map(|name| self.declare(name, StaticKind::Unknown))
            .collect();
        let setting = slots.first().copied();
        ir::ActionIr {
            label: action.label.as_ref().map(|l| l.name.as_str().into()),
            callee,
            args,
            setting,
            span: action.span,
        }
    }

    fn args<'a>(&mut self, args: impl Iterator<Item = &'a ast::Arg>) -> Args {
        let mut lowered = Args::default();
        for arg in args {
            let value = self.node(&arg.value);
            match &arg.name {
                Some(name) => lowered.named.push((name.name.as_str().into(), value)),
                None if !lowered.named.is_empty() => {
                    self.error(
                        arg.span,
                        "Once you used a named arg, all following must be named.",
                    );
                }
                None => lowered.positional.push(value),
            }
        }
        lowered
    }

    // ----- names -----

    /// What the name used at `span` means, from the resolver's table. An unknown name is the
    /// resolver's verdict; a declaration with no slot in the frames being lowered would be a
    /// disagreement between the resolver and lowering, reported the same way rather than
    /// lowered into a wrong slot.
    fn meaning(&self, name: &str, span: Span) -> Meaning {
        let Some(Some(id)) = self.resolved.use_at(span) else {
            return Meaning::Undefined;
        };
        match self.names.table().declaration(id).kind {
            DeclKind::Stdlib => stdlib::lookup(name).map_or(Meaning::Undefined, Meaning::Operator),
            DeclKind::Testing => Meaning::Testing,
            _ => match self.scopes.resolve(id) {
                Some((depth, slot, kind)) => Meaning::Local { depth, slot, kind },
                None => Meaning::Undefined,
            },
        }
    }

    /// What is statically known about a declaration's value (see [`StaticKind`]).
    fn static_kind(&self, value: &ast::Expr) -> StaticKind {
        match &value.kind {
            ExprKind::Function(_) => StaticKind::Function,
            ExprKind::Defaction(_) => StaticKind::Action,
            ExprKind::Paren { inner } => self.static_kind(inner),
            ExprKind::Identifier { name } => match self.meaning(name, value.span) {
                Meaning::Local { kind, .. } => kind,
                Meaning::Operator(op) if op.kind == OperatorKind::Action => StaticKind::Action,
                Meaning::Operator(_) => StaticKind::Function,
                Meaning::Testing | Meaning::Undefined => StaticKind::Unknown,
            },
            _ => StaticKind::Unknown,
        }
    }

    /// Matches pico-engine: calling a name statically known to be an action (a `defaction`,
    /// `send_directive`) or an action-function (`noop`) is a compile error.
    fn check_callable(&mut self, kind: Option<&'static str>, span: Span) {
        if let Some(kind) = kind {
            self.error(span, format!("Not a function: {kind}"));
        }
    }

    /// The callee of `name(args)` or `x.name(args)`: a local binding, else a stdlib operator.
    /// A stdlib operator called with positional arguments only becomes an [`Node::Op`], so
    /// the call needs no callee value and no argument vector.
    fn named_call(&mut self, name: &str, name_span: Span, args: Args, span: Span) -> Node {
        let callee = match self.meaning(name, name_span) {
            Meaning::Operator(op) => return self.stdlib_call(op, name_span, args, span),
            Meaning::Local { depth, slot, kind } => {
                self.check_callable((kind == StaticKind::Action).then_some("Action"), name_span);
                Node::Local {
                    depth,
                    slot,
                    name: name.into(),
                    span: name_span,
                }
            }
            Meaning::Testing | Meaning::Undefined => self.identifier(name, name_span),
        };
        Node::Call {
            callee: Box::new(callee),
            args,
            span,
        }
    }

    fn stdlib_call(&mut self, op: &'static Operator, name_span: Span, args: Args, span: Span) -> Node {
        let kind = match op.kind {
            OperatorKind::Function | OperatorKind::Property => None,
            OperatorKind::Action => Some("Action"),
            OperatorKind::ActionFunction => Some("ActionFunction"),
        };
        self.check_callable(kind, name_span);
        if args.named.is_empty() {
            Node::Op {
                op,
                args: args.positional,
                span,
            }
        } else {
            Node::Call {
                callee: Box::new(Node::Const(op.to_value())),
                args,
                span,
            }
        }
    }

    /// `stdlib:name(args)`: the operator itself, whatever local names shadow it. An unknown
    /// member is null, so calling it fails at run time as in the reference.
    fn stdlib_member_call(&mut self, name: &str, args: Args, span: Span) -> Node {
        match stdlib::lookup(name) {
            Some(op) if op.kind == OperatorKind::Function && args.named.is_empty() => Node::Op {
                op,
                args: args.positional,
                span,
            },
            found => Node::Call {
                callee: Box::new(Node::Const(found.map_or(Value::Null, Operator::to_value))),
                args,
                span,
            },
        }
    }

    /// A name in expression position: a binding in scope, a stdlib operator or `__testing`.
    fn identifier(&mut self, name: &str, span: Span) -> Node {
        match self.meaning(name, span) {
            Meaning::Local { depth, slot, .. } => Node::Local {
                depth,
                slot,
                name: name.into(),
                span,
            },
            Meaning::Operator(op) => Node::Const(op.to_value()),
            Meaning::Testing => Node::Const(self.testing.clone()),
            Meaning::Undefined => {
                self.error(span, format!("Undefined id: {name}"));
                Node::Const(Value::Null)
            }
        }
    }

    /// The value a shared or provided name exports: `None` when the resolver found no
    /// declaration (reported as the reference does).
    pub(crate) fn export(&mut self, name: &ast::Ident, verb: &str) -> Option<Export> {
        let export = match self.meaning(&name.name, name.span) {
            Meaning::Local { depth: 0, slot, .. } => Some(Export::Slot(slot)),
            Meaning::Operator(op) => Some(Export::Value(op.to_value())),
            Meaning::Testing => Some(Export::Testing),
            Meaning::Local { .. } | Meaning::Undefined => None,
        };
        if export.is_none() {
            self.error(
                name.span,
                format!("Trying to {verb}: {} but it's not defined in global", name.name),
            );
        }
        export
    }
}

/// Where a shared or provided name's value comes from.
pub(crate) enum Export {
    /// A configure or global declaration's slot of the global frame.
    Slot(u16),
    /// A stdlib operator.
    Value(Value),
    /// `__testing`, which a query answers whether or not it is shared.
    Testing,
}

/// Rewrites a node of a function that gets a stack frame: its own slots (depth 0) become
/// [`Node::Stack`], and outer slots are one link closer because no heap frame of its own
/// sits between the body and the closure's environment.
fn to_stack_frame(node: &mut Node) {
    match node {
        Node::Local { depth: 0, slot, .. } => *node = Node::Stack { slot: *slot },
        Node::Local { depth, .. } => *depth -= 1,
        other => other.for_each_child_mut(&mut to_stack_frame),
    }
}

/// Lowers one expression written as a REPL input, for the crate's unit tests.
#[cfg(test)]
pub(crate) fn lower_test_expr(src: &str) -> Node {
    let (item, diagnostics) = krl_syntax::parse_repl_item(FileId(0), src);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    let Some(krl_syntax::ReplItem::Expr(expr)) = item else {
        panic!("not an expression: {src}")
    };
    Lowerer::new(FileId(0)).expr(&expr)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lowers a `function` literal written as a REPL expression.
    fn lower_function(src: &str) -> ir::FunctionIr {
        match lower_test_expr(src) {
            Node::Function(function) => Arc::into_inner(function).expect("only owner"),
            other => panic!("not a function: {other:?}"),
        }
    }

    fn is_stack_slot(node: &Node, want: u16) -> bool {
        matches!(node, Node::Stack { slot } if *slot == want)
    }

    #[test]
    fn a_function_without_closure_literals_gets_a_stack_frame() {
        let function = lower_function("function(a, b = a) { c = a + b; c }");
        assert_eq!(function.frame, ir::FrameKind::Stack);
        assert!(is_stack_slot(
            function.params[1].default.as_ref().expect("default"),
            0
        ));
        let Node::Binary { left, right, .. } = &function.body.decls[0].value else {
            panic!("not a binary node")
        };
        assert!(is_stack_slot(left, 0) && is_stack_slot(right, 1));
        assert!(is_stack_slot(&function.result, 2));
    }

    #[test]
    fn a_function_with_a_closure_literal_keeps_a_heap_frame() {
        let outer = lower_function("function(a) { inner = function(b) { [a, b] }; inner }");
        assert_eq!(outer.frame, ir::FrameKind::Heap);
        assert!(matches!(
            outer.result,
            Node::Local {
                depth: 0,
                slot: 1,
                ..
            }
        ));
        let Node::Function(inner) = &outer.body.decls[0].value else {
            panic!("not a function literal")
        };
        assert_eq!(inner.frame, ir::FrameKind::Stack);
        // `a` is in the enclosing heap frame, which is the inner closure's environment.
        let Node::Array(items) = &inner.result else {
            panic!("not an array")
        };
        assert!(matches!(
            items[0],
            Node::Local {
                depth: 0,
                slot: 0,
                ..
            }
        ));
        assert!(is_stack_slot(&items[1], 0));
    }

    #[test]
    fn a_defaction_inside_makes_a_heap_frame() {
        let function = lower_function("function(a) { act = defaction() { noop() }; a }");
        assert_eq!(function.frame, ir::FrameKind::Heap);
    }
}
