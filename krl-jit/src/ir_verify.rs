//! The IR verifier: checks the invariants the interpreter (and any compiled tier) relies on
//! instead of re-checking them on every evaluation.
//!
//! - every `Local { depth, slot }` names a frame that exists where it is evaluated (`depth`
//!   parent links up) and a slot inside that frame;
//! - `Stack` slots occur only inside a function with a stack frame, below its size, and such
//!   a function holds no `function` or `defaction` literal (nothing may capture its frame);
//! - parameters occupy the first slots of their frame, in order;
//! - every slot written (declarations, parameters, `setting`) is inside its frame and
//!   written once.
//!
//! Lowering runs it in debug builds (a failure is a lowering bug, so it panics there); the
//! IR snapshot cases and the compile-path fuzz target run it in every build.

use krl_diagnostics::Span;

use crate::ir::{
    ActionBlockIr, ActionCallee, BlockKind, Decl, DefactionIr, FrameKind, FunctionIr, Node, Param,
};

/// One broken invariant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IrError {
    pub message: String,
    /// The nearest span of the IR around it.
    pub span: Option<Span>,
}

impl std::fmt::Display for IrError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.span {
            Some(span) => write!(f, "{} @{}..{}", self.message, span.start, span.end),
            None => f.write_str(&self.message),
        }
    }
}

/// Checks an expression evaluated in a chain of heap frames of the given sizes (outermost
/// first; the expression runs in the last one).
pub fn node(node: &Node, frames: &[u16]) -> Result<(), Vec<IrError>> {
    let mut verifier = Verifier::new(frames);
    verifier.node(node);
    verifier.finish()
}

/// Checks a declaration block run into the last of `frames`.
pub fn decls(decls: &[Decl], frames: &[u16]) -> Result<(), Vec<IrError>> {
    let mut verifier = Verifier::new(frames);
    verifier.decls(decls);
    verifier.finish()
}

/// A heap frame being checked: its size and which slots were written.
struct HeapFrame {
    size: u16,
    written: Vec<bool>,
}

impl HeapFrame {
    fn new(size: u16) -> HeapFrame {
        HeapFrame {
            size,
            written: vec![false; usize::from(size)],
        }
    }
}

/// Walks IR with the frames that exist where each node runs.
pub(crate) struct Verifier {
    /// Heap frames, innermost last.
    heap: Vec<HeapFrame>,
    /// The running function's stack frame, when it has one.
    stack: Option<HeapFrame>,
    errors: Vec<IrError>,
    /// The innermost span seen, for errors on nodes without one.
    near: Option<Span>,
}

impl Verifier {
    pub fn new(frames: &[u16]) -> Verifier {
        Verifier {
            heap: frames.iter().map(|&size| HeapFrame::new(size)).collect(),
            stack: None,
            errors: Vec::new(),
            near: None,
        }
    }

    pub fn finish(self) -> Result<(), Vec<IrError>> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(self.errors)
        }
    }

    pub fn error(&mut self, message: impl Into<String>) {
        self.errors.push(IrError {
            message: message.into(),
            span: self.near,
        });
    }

    pub fn at(&mut self, span: Span) {
        self.near = Some(span);
    }

    /// Runs `body` inside a new heap frame of `size` slots.
    pub fn in_heap_frame(&mut self, size: u16, body: impl FnOnce(&mut Verifier)) {
        self.heap.push(HeapFrame::new(size));
        body(self);
        self.heap.pop();
    }

    /// Records a write of `slot` in the innermost frame (the stack frame inside a function
    /// that has one).
    pub fn write(&mut self, slot: u16, what: &str) {
        let frame = match self.stack.as_mut() {
            Some(stack) => Some(stack),
            None => self.heap.last_mut(),
        };
        let problem = match frame {
            None => Some(format!("{what} writes s{slot} with no frame")),
            Some(frame) => match frame.written.get_mut(usize::from(slot)) {
                None => Some(format!(
                    "{what} writes s{slot} of a frame of {} slots",
                    frame.size
                )),
                Some(written) if *written => Some(format!("{what} writes s{slot} a second time")),
                Some(written) => {
                    *written = true;
                    None
                }
            },
        };
        if let Some(problem) = problem {
            self.error(problem);
        }
    }

    pub fn decls(&mut self, decls: &[Decl]) {
        for decl in decls {
            self.at(decl.span);
            self.node(&decl.value);
            self.at(decl.span);
            self.write(decl.slot, &format!("declaration `{}`", decl.name));
        }
    }

    pub fn node(&mut self, node: &Node) {
        krl_syntax::nesting::with_stack(|| self.node_unguarded(node));
    }

    fn node_unguarded(&mut self, node: &Node) {
        match node {
            Node::Local {
                depth,
                slot,
                name,
                span,
            } => {
                self.at(*span);
                self.local(*depth, *slot, name);
            }
            Node::Stack { slot } => match &self.stack {
                None => self.error(format!("stack slot s{slot} outside a stack-frame function")),
                Some(stack) if *slot >= stack.size => {
                    let size = stack.size;
                    self.error(format!("stack slot s{slot} of a frame of {size} slots"));
                }
                Some(_) => {}
            },
            Node::Function(function) => self.function(function),
            Node::Defaction(defaction) => self.defaction(defaction),
            Node::Op { span, .. }
            | Node::Binary { span, .. }
            | Node::Get { span, .. }
            | Node::Call { span, .. }
            | Node::Domain { span, .. }
            | Node::DomainCall { span, .. } => {
                self.at(*span);
                self.children(node);
            }
            Node::Const(_)
            | Node::Array(_)
            | Node::Map(_)
            | Node::Chevron(_)
            | Node::And(..)
            | Node::Or(..)
            | Node::Not(_)
            | Node::Conditional { .. } => self.children(node),
        }
    }

    /// The direct children, in evaluation order (see [`Node::for_each_child_mut`], which
    /// needs `&mut`; this is its read-only twin over the same shapes).
    fn children(&mut self, node: &Node) {
        match node {
            Node::Const(_)
            | Node::Local { .. }
            | Node::Stack { .. }
            | Node::Domain { .. }
            | Node::Function(_)
            | Node::Defaction(_) => {}
            Node::Array(items) | Node::Chevron(items) | Node::Op { args: items, .. } => {
                items.iter().for_each(|item| self.node(item))
            }
            Node::Map(entries) => entries.iter().for_each(|(_, value)| self.node(value)),
            Node::Not(operand) => self.node(operand),
            Node::And(left, right)
            | Node::Or(left, right)
            | Node::Binary { left, right, .. }
            | Node::Get {
                object: left,
                key: right,
                ..
            } => {
                self.node(left);
                self.node(right);
            }
            Node::Conditional { test, then, else_ } => {
                self.node(test);
                self.node(then);
                self.node(else_);
            }
            Node::Call { callee, args, .. } => {
                self.node(callee);
                self.args(args);
            }
            Node::DomainCall { args, .. } => self.args(args),
        }
    }

    pub fn args(&mut self, args: &crate::ir::Args) {
        args.positional.iter().for_each(|arg| self.node(arg));
        args.named.iter().for_each(|(_, arg)| self.node(arg));
    }

    fn local(&mut self, depth: u16, slot: u16, name: &str) {
        let frames = self.heap.len();
        match frames.checked_sub(1 + usize::from(depth)) {
            None => self.error(format!(
                "`{name}` reads d{depth} s{slot} but only {frames} heap frames enclose it"
            )),
            Some(index) => {
                let size = self.heap[index].size;
                if slot >= size {
                    self.error(format!(
                        "`{name}` reads d{depth} s{slot} of a frame of {size} slots"
                    ));
                }
            }
        }
    }

    fn params(&mut self, params: &[Param]) {
        for (index, param) in params.iter().enumerate() {
            if usize::from(param.slot) != index {
                self.error(format!(
                    "parameter `{}` is in s{} instead of s{index}",
                    param.name, param.slot
                ));
            }
            if let Some(default) = &param.default {
                self.node(default);
            }
            self.write(param.slot, &format!("parameter `{}`", param.name));
        }
    }

    fn function(&mut self, function: &FunctionIr) {
        self.at(function.span);
        if self.stack.is_some() {
            self.error("a function literal inside a stack-frame function");
        }
        let size = function.body.n_slots;
        let outer_stack = self.stack.take();
        match function.frame {
            FrameKind::Heap => self.heap.push(HeapFrame::new(size)),
            FrameKind::Stack => self.stack = Some(HeapFrame::new(size)),
        }
        self.params(&function.params);
        self.decls(&function.body.decls);
        self.node(&function.result);
        if function.frame == FrameKind::Heap {
            self.heap.pop();
        }
        self.stack = outer_stack;
    }

    fn defaction(&mut self, defaction: &DefactionIr) {
        self.at(defaction.span);
        if self.stack.is_some() {
            self.error("a defaction literal inside a stack-frame function");
        }
        let outer_stack = self.stack.take();
        self.heap.push(HeapFrame::new(defaction.body.n_slots));
        self.params(&defaction.params);
        self.decls(&defaction.body.decls);
        if let Some(actions) = &defaction.actions {
            self.action_block(actions);
        }
        if let Some(result) = &defaction.result {
            self.node(result);
        }
        self.heap.pop();
        self.stack = outer_stack;
    }

    pub fn action_block(&mut self, block: &ActionBlockIr) {
        if let Some(condition) = &block.condition {
            self.node(condition);
        }
        if let BlockKind::Choose(discriminant) = &block.kind {
            self.node(discriminant);
        }
        for action in &block.actions {
            self.at(action.span);
            if let ActionCallee::Value(callee) = &action.callee {
                self.node(callee);
            }
            self.args(&action.args);
            if let Some(slot) = action.setting {
                self.write(slot, "an action's `setting`");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use krl_diagnostics::{FileId, Span};

    use super::*;
    use crate::ir::{Block, FunctionIr, Node};

    fn local(depth: u16, slot: u16) -> Node {
        Node::Local {
            depth,
            slot,
            name: "x".into(),
            span: Span::new(3, 4),
        }
    }

    fn function(frame: FrameKind, n_slots: u16, result: Node) -> Node {
        Node::Function(Arc::new(FunctionIr {
            name: "f".into(),
            file: FileId(0),
            params: Vec::new(),
            body: Block {
                n_slots,
                decls: Vec::new(),
            },
            result,
            span: Span::new(0, 10),
            frame,
            tier: Default::default(),
        }))
    }

    fn messages(result: Result<(), Vec<IrError>>) -> Vec<String> {
        result
            .err()
            .unwrap_or_default()
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn locals_must_name_an_existing_frame_and_slot() {
        assert_eq!(node(&local(1, 0), &[1, 0]), Ok(()));
        assert_eq!(
            messages(node(&local(2, 0), &[1, 0])),
            ["`x` reads d2 s0 but only 2 heap frames enclose it @3..4"]
        );
        assert_eq!(
            messages(node(&local(0, 2), &[4, 2])),
            ["`x` reads d0 s2 of a frame of 2 slots @3..4"]
        );
    }

    #[test]
    fn stack_slots_belong_to_stack_frame_functions() {
        assert_eq!(
            messages(node(&Node::Stack { slot: 0 }, &[1])),
            ["stack slot s0 outside a stack-frame function"]
        );
        let fits = function(FrameKind::Stack, 1, Node::Stack { slot: 0 });
        assert_eq!(node(&fits, &[0]), Ok(()));
        let too_far = function(FrameKind::Stack, 1, Node::Stack { slot: 1 });
        assert_eq!(
            messages(node(&too_far, &[0])),
            ["stack slot s1 of a frame of 1 slots @0..10"]
        );
        let captures = function(
            FrameKind::Stack,
            0,
            function(FrameKind::Heap, 0, Node::Const(0.into())),
        );
        assert_eq!(
            messages(node(&captures, &[0])),
            ["a function literal inside a stack-frame function @0..10"]
        );
    }

    #[test]
    fn a_heap_function_adds_a_frame_and_slots_are_written_once() {
        // Inside a heap function, d1 is the enclosing frame.
        assert_eq!(node(&function(FrameKind::Heap, 1, local(1, 0)), &[1]), Ok(()));
        let decl = |slot| Decl {
            slot,
            name: "y".into(),
            value: Node::Const(1.into()),
            span: Span::new(5, 6),
        };
        assert_eq!(
            messages(decls(&[decl(0), decl(0), decl(1)], &[1])),
            [
                "declaration `y` writes s0 a second time @5..6",
                "declaration `y` writes s1 of a frame of 1 slots @5..6"
            ]
        );
    }
}
