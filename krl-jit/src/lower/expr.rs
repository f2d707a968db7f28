//! Lowering expressions: one function per kind of node, each building its IR from its
//! children's (names through [`Lowerer::identifier`] and [`Lowerer::named_call`], which read
//! the resolver's table).

use std::sync::Arc;

use krl_diagnostics::Span;
use krl_runtime::Value;
use krl_runtime::stdlib::Operator;
use krl_runtime::value::Regex;
use krl_syntax::ast::{self, ExprKind};

use super::Lowerer;
use crate::ir::{self, Args, Node};

impl Lowerer {
    /// Lowers an expression whose names were resolved (see [`Lowerer::expr`]).
    pub(crate) fn node(&mut self, expr: &ast::Expr) -> Node {
        // One level of a recursion as deep as the source nests (see `krl_syntax::nesting`).
        krl_syntax::nesting::with_stack(|| self.node_unguarded(expr))
    }

    fn node_unguarded(&mut self, expr: &ast::Expr) -> Node {
        let span = expr.span;
        match &expr.kind {
            ExprKind::Null | ExprKind::Error => Node::Const(Value::Null),
            ExprKind::Boolean { value } => Node::Const(Value::Boolean(*value)),
            ExprKind::Number { value } => Node::Const(Value::number(*value)),
            ExprKind::String { value } => Node::Const(Value::string(value.as_str())),
            ExprKind::RegExp { pattern, flags } => self.regexp(pattern, flags, span),
            ExprKind::Chevron { parts } => self.chevron(parts),
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
            ExprKind::Paren { inner } => self.node(inner),
            ExprKind::Array { items } => self.array(items),
            ExprKind::Map { items } => self.map(items),
            ExprKind::Unary { op, operand } => self.unary(*op, operand, span),
            ExprKind::Binary { op, left, right } => self.binary(*op, left, right, span),
            ExprKind::Conditional { test, then, else_ } => Node::Conditional {
                test: Box::new(self.node(test)),
                then: Box::new(self.node(then)),
                else_: Box::new(self.node(else_)),
            },
            ExprKind::Dot { object, domain, name } => {
                let object = Box::new(self.node(object));
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
            ExprKind::Index { object, index } => self.get(object, index, ir::GetKind::Index, span),
            ExprKind::Path { object, path } => self.get(object, path, ir::GetKind::Path, span),
            ExprKind::Call { callee, args } => self.call(callee, args, span),
            ExprKind::Function(function) => {
                Node::Function(Arc::new(self.function("function", function, span)))
            }
            ExprKind::Defaction(defaction) => {
                Node::Defaction(Arc::new(self.defaction("defaction", defaction, span)))
            }
        }
    }

    fn regexp(&mut self, pattern: &str, flags: &str, span: Span) -> Node {
        match Regex::new(pattern, flags) {
            Ok(regex) => Node::Const(Value::regexp(regex)),
            Err(err) => {
                self.error(span, err.to_string());
                Node::Const(Value::Null)
            }
        }
    }

    fn chevron(&mut self, parts: &[ast::ChevronPart]) -> Node {
        Node::Chevron(
            parts
                .iter()
                .map(|part| match part {
                    ast::ChevronPart::Text { value, .. } => Node::Const(Value::string(value.as_str())),
                    ast::ChevronPart::Beesting { expr } => self.node(expr),
                })
                .collect(),
        )
    }

    fn array(&mut self, items: &[ast::ArrayItem]) -> Node {
        Node::Array(
            items
                .iter()
                .filter_map(|item| match item {
                    ast::ArrayItem::Item { value } => Some(self.node(value)),
                    ast::ArrayItem::Error { .. } => None,
                })
                .collect(),
        )
    }

    fn map(&mut self, items: &[ast::MapItem]) -> Node {
        Node::Map(
            items
                .iter()
                .filter_map(|item| match item {
                    ast::MapItem::Entry(entry) => {
                        Some((entry.key.value.as_str().into(), self.node(&entry.value)))
                    }
                    ast::MapItem::Error { .. } => None,
                })
                .collect(),
        )
    }

    fn get(&mut self, object: &ast::Expr, key: &ast::Expr, kind: ir::GetKind, span: Span) -> Node {
        Node::Get {
            object: Box::new(self.node(object)),
            key: Box::new(self.node(key)),
            kind,
            span,
        }
    }

    fn unary(&mut self, op: ast::UnaryOp, operand: &ast::Expr, span: Span) -> Node {
        let operand = self.node(operand);
        match op {
            ast::UnaryOp::Not => Node::Not(Box::new(operand)),
            ast::UnaryOp::Neg => self.op("-", vec![operand], span),
            ast::UnaryOp::Plus => self.op("+", vec![operand], span),
        }
    }

    fn binary(&mut self, op: ast::BinaryOp, left: &ast::Expr, right: &ast::Expr, span: Span) -> Node {
        let (left, right) = (self.node(left), self.node(right));
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

    fn operator(&mut self, name: &str, span: Span) -> Option<&'static Operator> {
        let op = krl_runtime::stdlib::lookup(name);
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

    fn call(&mut self, callee: &ast::Expr, args: &ast::Args, span: Span) -> Node {
        match &callee.kind {
            // Method-call sugar: `x.f(a)` is `f(x, a)`, with `f` resolved lexically.
            ExprKind::Dot { object, domain, name } => {
                let object = self.node(object);
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
                let callee = self.node(callee);
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
