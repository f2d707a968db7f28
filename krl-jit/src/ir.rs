//! The IR: KRL expressions with names resolved to frame slots, stdlib operators resolved
//! to their table entries and literals turned into values.
//!
//! It is a tree, not bytecode: the interpreter walks it, and the Cranelift backend will
//! compile the same tree into native code that calls the same runtime helpers. Every node
//! that can fail keeps the span of its source so errors point at it.
//!
//! Frames: each function call, rule evaluation and declaration block scope gets a frame of
//! single-assignment slots. A `Local { depth, slot }` walks `depth` parent links up from the
//! current frame. Slots are written once, in textual order; reading one before it is written
//! is the reference's "cannot access before initialization" error.
//!
//! Stack frames: a function with no `function` or `defaction` literal inside cannot have its
//! frame captured, so its slots need not outlive the call. Lowering marks it
//! [`FrameKind::Stack`] and rewrites its own slots to [`Node::Stack`]; the interpreter keeps
//! them in a plain array on the native stack (a compiled backend: in registers or a stack
//! slot), and `Local` depths inside such a function count from the closure's environment.

use std::sync::Arc;

use krl_diagnostics::{FileId, Span};
use krl_runtime::Value;
use krl_runtime::stdlib::Operator;

/// One evaluable node.
#[derive(Debug)]
pub enum Node {
    Const(Value),
    Local {
        depth: u16,
        slot: u16,
        name: Arc<str>,
        span: Span,
    },
    /// A slot of the running call's stack frame (see [`FrameKind::Stack`]). Lowering only
    /// reads such a slot after writing it, so it needs no name for an error.
    Stack {
        slot: u16,
    },
    Array(Vec<Node>),
    Map(Vec<(Arc<str>, Node)>),
    /// Parts of a chevron string; non-constant parts are converted with `as("String")`.
    Chevron(Vec<Node>),
    /// `&&` and `||` short-circuit and return an operand, as JavaScript's do.
    And(Box<Node>, Box<Node>),
    Or(Box<Node>, Box<Node>),
    Not(Box<Node>),
    Conditional {
        test: Box<Node>,
        then: Box<Node>,
        else_: Box<Node>,
    },
    /// A stdlib operator applied to positional arguments (infix and prefix operators).
    Op {
        op: &'static Operator,
        args: Vec<Node>,
        span: Span,
    },
    /// A binary operator. Two finite Numbers take a fast path for the arithmetic and
    /// comparison operators; everything else goes through the stdlib operator `op`.
    Binary {
        op: &'static Operator,
        fast: FastOp,
        left: Box<Node>,
        right: Box<Node>,
        span: Span,
    },
    /// `object[index]`, `object{path}` and `object.name` all read through stdlib `get`;
    /// `.length` on strings and arrays is JavaScript's property.
    Get {
        object: Box<Node>,
        key: Box<Node>,
        kind: GetKind,
        span: Span,
    },
    /// A call of a computed callee.
    Call {
        callee: Box<Node>,
        args: Args,
        span: Span,
    },
    /// A module value such as `event:attrs` or `ctx:rid` (module functions referenced
    /// without parentheses are called with no arguments, as in the reference).
    Domain {
        domain: Arc<str>,
        name: Arc<str>,
        span: Span,
    },
    /// A call of a module function, e.g. `time:now()`.
    DomainCall {
        domain: Arc<str>,
        name: Arc<str>,
        args: Args,
        span: Span,
    },
    /// A `function` literal: evaluating it captures the current frame.
    Function(Arc<FunctionIr>),
    /// A `defaction` literal.
    Defaction(Arc<DefactionIr>),
}

impl Node {
    /// Calls `visit` on each direct child expression. Function and defaction literals are
    /// not entered: their bodies belong to another frame.
    pub fn for_each_child_mut(&mut self, visit: &mut impl FnMut(&mut Node)) {
        match self {
            Node::Const(_)
            | Node::Local { .. }
            | Node::Stack { .. }
            | Node::Domain { .. }
            | Node::Function(_)
            | Node::Defaction(_) => {}
            Node::Array(items) | Node::Chevron(items) | Node::Op { args: items, .. } => {
                items.iter_mut().for_each(visit)
            }
            Node::Map(entries) => entries.iter_mut().for_each(|(_, value)| visit(value)),
            Node::Not(operand) => visit(operand),
            Node::And(left, right)
            | Node::Or(left, right)
            | Node::Binary { left, right, .. }
            | Node::Get {
                object: left,
                key: right,
                ..
            } => {
                visit(left);
                visit(right);
            }
            Node::Conditional { test, then, else_ } => {
                visit(test);
                visit(then);
                visit(else_);
            }
            Node::Call { callee, args, .. } => {
                visit(callee);
                args.for_each_mut(visit);
            }
            Node::DomainCall { args, .. } => args.for_each_mut(visit),
        }
    }
}

impl Args {
    fn for_each_mut(&mut self, visit: &mut impl FnMut(&mut Node)) {
        self.positional.iter_mut().for_each(&mut *visit);
        self.named.iter_mut().for_each(|(_, value)| visit(value));
    }
}

/// The binary operators with a fast path for two finite Numbers. The result must be what
/// the stdlib operator gives for the same operands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FastOp {
    Add,
    Sub,
    Mul,
    /// Only for a non-zero divisor (division by zero logs a debug line).
    Div,
    /// Only for a non-zero divisor.
    Rem,
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
    /// No fast path.
    None,
}

impl FastOp {
    /// The fast path of the operator spelled `name`.
    pub fn of(name: &str) -> FastOp {
        match name {
            "+" => FastOp::Add,
            "-" => FastOp::Sub,
            "*" => FastOp::Mul,
            "/" => FastOp::Div,
            "%" => FastOp::Rem,
            "<" => FastOp::Lt,
            "<=" => FastOp::Le,
            ">" => FastOp::Gt,
            ">=" => FastOp::Ge,
            "==" => FastOp::Eq,
            "!=" => FastOp::Ne,
            _ => FastOp::None,
        }
    }

    /// The result for two finite numbers, or `None` when the stdlib must decide.
    #[inline(always)]
    pub fn apply(self, a: f64, b: f64) -> Option<Value> {
        Some(match self {
            FastOp::Add => Value::number(a + b),
            FastOp::Sub => Value::number(a - b),
            FastOp::Mul => Value::number(a * b),
            FastOp::Div if b != 0.0 => Value::number(a / b),
            FastOp::Rem if b != 0.0 => Value::number(krl_runtime::value::number::js_remainder(a, b)),
            FastOp::Lt => Value::Boolean(a < b),
            FastOp::Le => Value::Boolean(a <= b),
            FastOp::Gt => Value::Boolean(a > b),
            FastOp::Ge => Value::Boolean(a >= b),
            FastOp::Eq => Value::Boolean(a == b),
            FastOp::Ne => Value::Boolean(a != b),
            FastOp::Div | FastOp::Rem | FastOp::None => return None,
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GetKind {
    Index,
    Path,
    Dot,
}

/// Call arguments: positional ones first, then named ones.
#[derive(Debug, Default)]
pub struct Args {
    pub positional: Vec<Node>,
    pub named: Vec<(Arc<str>, Node)>,
}

/// A frame layout plus the declarations that fill it, in evaluation order.
#[derive(Debug, Default)]
pub struct Block {
    pub n_slots: u16,
    pub decls: Vec<Decl>,
}

#[derive(Debug)]
pub struct Decl {
    pub slot: u16,
    pub name: Arc<str>,
    pub value: Node,
    pub span: Span,
}

#[derive(Debug)]
pub struct Param {
    pub name: Arc<str>,
    pub slot: u16,
    pub default: Option<Node>,
}

#[derive(Debug)]
pub struct FunctionIr {
    /// The name it was declared under, for messages.
    pub name: Arc<str>,
    /// The file its spans point into.
    pub file: FileId,
    pub params: Vec<Param>,
    /// Parameters occupy the first slots of the frame; body declarations follow.
    pub body: Block,
    pub result: Node,
    pub span: Span,
    /// Where a call keeps the frame's slots.
    pub frame: FrameKind,
    /// Its call counter and compiled code (see [`crate::tier`]).
    pub tier: crate::tier::TierState,
}

/// Where a function call keeps its slots.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FrameKind {
    /// A heap frame whose parent is the closure's environment: a function or defaction
    /// literal inside may capture it. Slots are read with `Local { depth: 0, .. }`.
    Heap,
    /// An array that lives only as long as the call: nothing can capture it. Slots are read
    /// with [`Node::Stack`], and `Local { depth, .. }` counts from the closure's environment.
    Stack,
}

#[derive(Debug)]
pub struct DefactionIr {
    pub name: Arc<str>,
    /// The file its spans point into.
    pub file: FileId,
    pub params: Vec<Param>,
    pub body: Block,
    pub actions: Option<ActionBlockIr>,
    pub result: Option<Node>,
    pub span: Span,
}

#[derive(Debug)]
pub enum BlockKind {
    /// One action, or `every { }`: all run in order.
    Every,
    /// One action chosen at random.
    Sample,
    /// The action whose label equals the discriminant.
    Choose(Node),
}

#[derive(Debug)]
pub struct ActionBlockIr {
    pub condition: Option<Node>,
    pub kind: BlockKind,
    pub actions: Vec<ActionIr>,
}

#[derive(Debug)]
pub struct ActionIr {
    pub label: Option<Arc<str>>,
    pub callee: ActionCallee,
    pub args: Args,
    /// The slot that receives the action's result (`setting(x)`).
    pub setting: Option<u16>,
    pub span: Span,
}

#[derive(Debug)]
pub enum ActionCallee {
    /// A value in scope (a defaction, or a stdlib action such as `send_directive`).
    Value(Node),
    /// A module action such as `event:send` or `http:post`.
    Domain { domain: Arc<str>, name: Arc<str> },
}
