//! Lowering: the AST of expressions, declaration blocks, functions and defactions to the IR,
//! resolving every name to a frame slot or a stdlib operator.
//!
//! Name visibility follows the reference compiler (notes §3.2): in a declaration block,
//! non-function declarations see only earlier names (and the names of earlier functions);
//! `function` literals are lowered after the whole block and see every name in it, so
//! functions may recurse and call each other whatever their order. In `name = value` the
//! value sees the *outer* binding of `name`, except a function literal, which sees itself.

mod scope;

use std::sync::Arc;

use krl_diagnostics::{Diagnostic, FileId, FileSpan, Span, codes};
use krl_runtime::Value;
use krl_runtime::stdlib::{self, Operator, OperatorKind};
use krl_runtime::value::Regex;
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
        }
    }

    /// The file later diagnostics point into.
    pub fn set_file(&mut self, file: FileId) {
        self.file = file;
    }

    pub(crate) fn error(&mut self, span: Span, message: impl Into<String>) {
        let at = FileSpan::new(self.file, span);
        self.diagnostics
            .push(Diagnostic::error(codes::COMPILE_ERROR, at, message));
    }

    /// Lowers a declaration block into the innermost frame.
    pub fn block(&mut self, items: &[&ast::Declaration]) -> Vec<Decl> {
        let mut lowered: Vec<Option<Decl>> = Vec::with_capacity(items.len());
        let mut functions = Vec::new();
        let mut seen: Vec<&str> = Vec::new();
        for (idx, decl) in items.iter().enumerate() {
            let name = decl.name.name.as_str();
            if seen.contains(&name) {
                self.error(decl.name.span, format!("Duplicate declaration: {name}"));
            }
            seen.push(name);
            if let ExprKind::Function(_) = decl.value.kind {
                let slot = self.scopes.declare_kind(name, StaticKind::Function);
                functions.push((idx, slot));
                lowered.push(None);
            } else {
                let value = self.expr(&decl.value);
                let kind = self.static_kind(&decl.value);
                let slot = self.scopes.declare_kind(name, kind);
                lowered.push(Some(Decl {
                    slot,
                    name: name.into(),
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
        let mut body_decls = self.block(&decls);
        let mut result = self.expr(&function.result);
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
        let body_decls = self.block(&decls);
        let actions = defaction.actions.as_ref().map(|block| self.action_block(block));
        let result = defaction.result.as_ref().map(|expr| self.expr(expr));
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
            let name = param.name.name.as_str();
            if lowered.iter().any(|p| &*p.name == name) {
                self.error(param.name.span, format!("Duplicate parameter: {name}"));
            }
            if param.default.is_some() {
                seen_default = true;
            } else if seen_default {
                self.error(
                    param.span,
                    "Cannot have a non-default parameter after a defaulted one",
                );
            }
            // Defaults are evaluated in the new frame and see earlier parameters.
            let default = param.default.as_ref().map(|expr| self.expr(expr));
            let slot = self.scopes.declare(name);
            lowered.push(ir::Param {
                name: name.into(),
                slot,
                default,
            });
        }
        lowered
    }

    /// An action block inside the innermost frame (a defaction's, or later a rule's).
    pub fn action_block(&mut self, block: &ast::ActionBlock) -> ir::ActionBlockIr {
        let condition = block.condition.as_ref().map(|c| self.expr(c));
        let kind = match &block.kind {
            ast::BlockKind::Single | ast::BlockKind::Every => ir::BlockKind::Every,
            ast::BlockKind::Sample => ir::BlockKind::Sample,
            ast::BlockKind::Choose { discriminant } => ir::BlockKind::Choose(self.expr(discriminant)),
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
        let setting = action.setting.first().map(|name| self.scopes.declare(&name.name));
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
            let value = self.expr(&arg.value);
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

    /// What is statically known about a declaration's value (see [`StaticKind`]).
    fn static_kind(&self, value: &ast::Expr) -> StaticKind {
        match &value.kind {
            ExprKind::Function(_) => StaticKind::Function,
            ExprKind::Defaction(_) => StaticKind::Action,
            ExprKind::Paren { inner } => self.static_kind(inner),
            ExprKind::Identifier { name } => match self.scopes.resolve_kind(name) {
                Some((_, _, kind)) => kind,
                None => match stdlib::lookup(name).map(|op| op.kind) {
                    Some(OperatorKind::Action) => StaticKind::Action,
                    Some(_) => StaticKind::Function,
                    None => StaticKind::Unknown,
                },
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
        if let Some((depth, slot, kind)) = self.scopes.resolve_kind(name) {
            self.check_callable((kind == StaticKind::Action).then_some("Action"), name_span);
            let callee = Node::Local {
                depth,
                slot,
                name: name.into(),
                span: name_span,
            };
            return Node::Call {
                callee: Box::new(callee),
                args,
                span,
            };
        }
        match stdlib::lookup(name) {
            Some(op) => self.stdlib_call(op, name_span, args, span),
            None => {
                let callee = self.identifier(name, name_span);
                Node::Call {
                    callee: Box::new(callee),
                    args,
                    span,
                }
            }
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

    /// A name in expression position: a binding in scope, else a stdlib operator.
    fn identifier(&mut self, name: &str, span: Span) -> Node {
        if let Some((depth, slot)) = self.scopes.resolve(name) {
            return Node::Local {
                depth,
                slot,
                name: name.into(),
                span,
            };
        }
        if let Some(op) = stdlib::lookup(name) {
            return Node::Const(op.to_value());
        }
        if name == "__testing" {
            return Node::Const(self.testing.clone());
        }
        self.error(span, format!("Undefined id: {name}"));
        Node::Const(Value::Null)
    }

    fn operator(&mut self, name: &str, span: Span) -> Option<&'static Operator> {
        let op = stdlib::lookup(name);
        if op.is_none() {
            self.error(span, format!("the standard library has no operator `{name}`"));
        }
        op
    }

    fn op(&mut self, name: &str, args: Vec<Node>, span: Span) -> Node {
        match self.operator(name, span) {
            Some(op) => Node::Op { op, args, span },
            None => Node::Const(Value::Null),
        }
    }

    pub fn expr(&mut self, expr: &ast::Expr) -> Node {
        // One level of a recursion as deep as the source nests (see `krl_syntax::nesting`).
        krl_syntax::nesting::with_stack(|| self.expr_unguarded(expr))
    }

    fn expr_unguarded(&mut self, expr: &ast::Expr) -> Node {
        let span = expr.span;
        match &expr.kind {
            ExprKind::Null | ExprKind::Error => Node::Const(Value::Null),
            ExprKind::Boolean { value } => Node::Const(Value::Boolean(*value)),
            ExprKind::Number { value } => Node::Const(Value::number(*value)),
            ExprKind::String { value } => Node::Const(Value::string(value.as_str())),
            ExprKind::RegExp { pattern, flags } => match Regex::new(pattern, flags) {
                Ok(regex) => Node::Const(Value::regexp(regex)),
                Err(err) => {
                    self.error(span, err.to_string());
                    Node::Const(Value::Null)
                }
            },
            ExprKind::Chevron { parts } => Node::Chevron(
                parts
                    .iter()
                    .map(|part| match part {
                        ast::ChevronPart::Text { value, .. } => Node::Const(Value::string(value.as_str())),
                        ast::ChevronPart::Beesting { expr } => self.expr(expr),
                    })
                    .collect(),
            ),
            ExprKind::Identifier { name } => self.identifier(name, span),
            // Matches pico-engine: a module function referenced without parentheses is
            // called with no arguments (`stdlib:length` is 0).
            ExprKind::DomainIdentifier { domain, name } if domain.name == "stdlib" => {
                self.stdlib_member_call(&name.name, Args::default(), span)
            }
            ExprKind::DomainIdentifier { domain, name } => Node::Domain {
                domain: domain.name.as_str().into(),
                name: name.name.as_str().into(),
                span,
            },
            ExprKind::Paren { inner } => self.expr(inner),
            ExprKind::Array { items } => Node::Array(
                items
                    .iter()
                    .filter_map(|item| match item {
                        ast::ArrayItem::Item { value } => Some(self.expr(value)),
                        ast::ArrayItem::Error { .. } => None,
                    })
                    .collect(),
            ),
            ExprKind::Map { items } => Node::Map(
                items
                    .iter()
                    .filter_map(|item| match item {
                        ast::MapItem::Entry(entry) => {
                            Some((entry.key.value.as_str().into(), self.expr(&entry.value)))
                        }
                        ast::MapItem::Error { .. } => None,
                    })
                    .collect(),
            ),
            ExprKind::Unary { op, operand } => {
                let operand = self.expr(operand);
                match op {
                    ast::UnaryOp::Not => Node::Not(Box::new(operand)),
                    ast::UnaryOp::Neg => self.op("-", vec![operand], span),
                    ast::UnaryOp::Plus => self.op("+", vec![operand], span),
                }
            }
            ExprKind::Binary { op, left, right } => {
                let (left, right) = (self.expr(left), self.expr(right));
                match op {
                    ast::BinaryOp::And => Node::And(Box::new(left), Box::new(right)),
                    ast::BinaryOp::Or => Node::Or(Box::new(left), Box::new(right)),
                    other => match self.operator(other.as_str(), span) {
                        Some(op) => Node::Binary {
                            op,
                            fast: ir::FastOp::of(op.name),
                            left: Box::new(left),
                            right: Box::new(right),
                            span,
                        },
                        None => Node::Const(Value::Null),
                    },
                }
            }
            ExprKind::Conditional { test, then, else_ } => Node::Conditional {
                test: Box::new(self.expr(test)),
                then: Box::new(self.expr(then)),
                else_: Box::new(self.expr(else_)),
            },
            ExprKind::Dot { object, domain, name } => {
                let object = Box::new(self.expr(object));
                let key = match domain {
                    Some(domain) => format!("{}:{}", domain.name, name.name),
                    None => name.name.to_string(),
                };
                Node::Get {
                    object,
                    key: Box::new(Node::Const(Value::string(key))),
                    kind: ir::GetKind::Dot,
                    span,
                }
            }
            ExprKind::Index { object, index } => Node::Get {
                object: Box::new(self.expr(object)),
                key: Box::new(self.expr(index)),
                kind: ir::GetKind::Index,
                span,
            },
            ExprKind::Path { object, path } => Node::Get {
                object: Box::new(self.expr(object)),
                key: Box::new(self.expr(path)),
                kind: ir::GetKind::Path,
                span,
            },
            ExprKind::Call { callee, args } => self.call(callee, args, span),
            ExprKind::Function(function) => {
                Node::Function(Arc::new(self.function("function", function, span)))
            }
            ExprKind::Defaction(defaction) => {
                Node::Defaction(Arc::new(self.defaction("defaction", defaction, span)))
            }
        }
    }

    fn call(&mut self, callee: &ast::Expr, args: &ast::Args, span: Span) -> Node {
        match &callee.kind {
            // Method-call sugar: `x.f(a)` is `f(x, a)`, with `f` resolved lexically.
            ExprKind::Dot { object, domain, name } => {
                let object = self.expr(object);
                let mut lowered = self.args(args.args());
                lowered.positional.insert(0, object);
                match domain {
                    Some(domain) if domain.name == "stdlib" => {
                        self.stdlib_member_call(&name.name, lowered, span)
                    }
                    Some(domain) => Node::DomainCall {
                        domain: domain.name.as_str().into(),
                        name: name.name.as_str().into(),
                        args: lowered,
                        span,
                    },
                    None => self.named_call(&name.name, name.span, lowered, span),
                }
            }
            ExprKind::DomainIdentifier { domain, name } => {
                if domain.name == "event" && name.name == "attrs" {
                    self.error(
                        callee.span,
                        "`event:attrs` is a Map, not a Function. Use `event:attrs{key}` instead",
                    );
                }
                let args = self.args(args.args());
                if domain.name == "stdlib" {
                    return self.stdlib_member_call(&name.name, args, span);
                }
                Node::DomainCall {
                    domain: domain.name.as_str().into(),
                    name: name.name.as_str().into(),
                    args,
                    span,
                }
            }
            ExprKind::Identifier { name } => {
                let args = self.args(args.args());
                self.named_call(name, callee.span, args, span)
            }
            _ => {
                let callee = self.expr(callee);
                let args = self.args(args.args());
                Node::Call {
                    callee: Box::new(callee),
                    args,
                    span,
                }
            }
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use krl_syntax::ReplItem;

    /// Lowers a `function` literal written as a REPL expression.
    fn lower_function(src: &str) -> ir::FunctionIr {
        let (item, diagnostics) = krl_syntax::parse_repl_item(FileId(0), src);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let Some(ReplItem::Expr(expr)) = item else {
            panic!("not an expression: {src}")
        };
        let mut lowerer = Lowerer::new(FileId(0));
        match lowerer.expr(&expr) {
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
