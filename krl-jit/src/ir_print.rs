//! The IR as stable, readable text (`krl eval --dump-ir`, the IR snapshot cases in
//! `testsuite/cases/ir/`).
//!
//! One node per line, children indented by two spaces; a child that plays a named part
//! (`callee:`, `then:`, a map key, a named argument) carries that name as a prefix. Slots
//! print as `s3`, a heap-frame read as `local d1 s3 name` (one frame up, slot 3), spans as
//! `@start..end` byte offsets. Nothing in the text depends on addresses or hashing, so the
//! same source always prints the same text.

use std::fmt::Write as _;

use krl_diagnostics::Span;

use crate::display::krl_literal;
use crate::ir::{
    ActionBlockIr, ActionCallee, Args, Block, BlockKind, Decl, DefactionIr, FastOp, FunctionIr, GetKind,
    Node, Param,
};

/// IR as text (`krl eval --dump-ir`) with what the verifier found in it.
#[derive(Debug)]
pub struct IrDump {
    pub text: String,
    /// Broken IR invariants: always empty unless lowering has a bug.
    pub problems: Vec<crate::ir_verify::IrError>,
}

/// The text of one expression.
pub fn node(node: &Node) -> String {
    let mut printer = Printer::default();
    printer.node("", node);
    printer.out
}

/// The text of one function.
pub fn function(function: &FunctionIr) -> String {
    let mut printer = Printer::default();
    printer.function("", function);
    printer.out
}

/// The text of a declaration block, one declaration after another.
pub fn decls(decls: &[Decl]) -> String {
    let mut printer = Printer::default();
    printer.decls(decls);
    printer.out
}

/// Writes IR as indented lines. Public to the crate so that the ruleset printer adds its
/// own parts in the same style.
#[derive(Default)]
pub(crate) struct Printer {
    pub out: String,
    depth: usize,
}

pub(crate) fn span(span: Span) -> String {
    format!("@{}..{}", span.start, span.end)
}

impl Printer {
    /// One line at the current depth.
    pub fn line(&mut self, label: &str, text: &str) {
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
        if !label.is_empty() {
            self.out.push_str(label);
            self.out.push_str(": ");
        }
        self.out.push_str(text);
        self.out.push('\n');
    }

    /// Runs `body` one level deeper.
    pub fn nested(&mut self, body: impl FnOnce(&mut Printer)) {
        self.depth += 1;
        body(self);
        self.depth -= 1;
    }

    pub fn decls(&mut self, decls: &[Decl]) {
        for decl in decls {
            self.decl(decl);
        }
    }

    pub fn decl(&mut self, decl: &Decl) {
        let head = format!("decl s{} {} {}", decl.slot, decl.name, span(decl.span));
        self.line("", &head);
        self.nested(|p| p.node("", &decl.value));
    }

    pub fn node(&mut self, label: &str, node: &Node) {
        // One level of a recursion as deep as the source nests.
        krl_syntax::nesting::with_stack(|| self.node_unguarded(label, node));
    }

    fn node_unguarded(&mut self, label: &str, node: &Node) {
        match node {
            Node::Const(value) => self.line(label, &format!("const {}", krl_literal(value))),
            Node::Local {
                depth,
                slot,
                name,
                span: at,
            } => self.line(label, &format!("local d{depth} s{slot} {name} {}", span(*at))),
            Node::Stack { slot } => self.line(label, &format!("stack s{slot}")),
            Node::Array(items) => self.list(label, "array", items),
            Node::Chevron(parts) => self.list(label, "chevron", parts),
            Node::Map(entries) => {
                self.line(label, "map");
                self.nested(|p| {
                    for (key, value) in entries {
                        p.node(&krl_literal(&krl_runtime::Value::string(key.as_ref())), value);
                    }
                });
            }
            Node::And(left, right) => self.pair(label, "and", left, right),
            Node::Or(left, right) => self.pair(label, "or", left, right),
            Node::Not(operand) => {
                self.line(label, "not");
                self.nested(|p| p.node("", operand));
            }
            Node::Conditional { test, then, else_ } => {
                self.line(label, "if");
                self.nested(|p| {
                    p.node("test", test);
                    p.node("then", then);
                    p.node("else", else_);
                });
            }
            Node::Op { op, args, span: at } => {
                self.list(label, &format!("op {} {}", op.name, span(*at)), args)
            }
            Node::Binary {
                op,
                fast,
                left,
                right,
                span: at,
            } => {
                let fast = match fast {
                    FastOp::None => String::new(),
                    other => format!(" fast={other:?}"),
                };
                self.pair(
                    label,
                    &format!("binary {}{fast} {}", op.name, span(*at)),
                    left,
                    right,
                );
            }
            Node::Get {
                object,
                key,
                kind,
                span: at,
            } => {
                let kind = match kind {
                    GetKind::Index => "index",
                    GetKind::Path => "path",
                    GetKind::Dot => "dot",
                };
                self.pair(label, &format!("get {kind} {}", span(*at)), object, key);
            }
            Node::Call {
                callee,
                args,
                span: at,
            } => {
                self.line(label, &format!("call {}", span(*at)));
                self.nested(|p| {
                    p.node("callee", callee);
                    p.args(args);
                });
            }
            Node::Domain {
                domain,
                name,
                span: at,
            } => self.line(label, &format!("domain {domain}:{name} {}", span(*at))),
            Node::DomainCall {
                domain,
                name,
                args,
                span: at,
            } => {
                self.line(label, &format!("domain-call {domain}:{name} {}", span(*at)));
                self.nested(|p| p.args(args));
            }
            Node::Function(function) => self.function(label, function),
            Node::Defaction(defaction) => self.defaction(label, defaction),
        }
    }

    fn list(&mut self, label: &str, head: &str, items: &[Node]) {
        self.line(label, head);
        self.nested(|p| items.iter().for_each(|item| p.node("", item)));
    }

    fn pair(&mut self, label: &str, head: &str, left: &Node, right: &Node) {
        self.line(label, head);
        self.nested(|p| {
            p.node("", left);
            p.node("", right);
        });
    }

    pub fn args(&mut self, args: &Args) {
        for arg in &args.positional {
            self.node("arg", arg);
        }
        for (name, arg) in &args.named {
            self.node(&format!("arg {name}"), arg);
        }
    }

    fn params(&mut self, params: &[Param]) {
        for param in params {
            let head = format!("param s{} {}", param.slot, param.name);
            match &param.default {
                None => self.line("", &head),
                Some(default) => self.node(&head, default),
            }
        }
    }

    fn block(&mut self, block: &Block) {
        self.decls(&block.decls);
    }

    pub fn function(&mut self, label: &str, function: &FunctionIr) {
        let frame = match function.frame {
            crate::ir::FrameKind::Heap => "heap",
            crate::ir::FrameKind::Stack => "stack",
        };
        let head = format!(
            "function {} frame={frame} slots={} {}",
            function.name,
            function.body.n_slots,
            span(function.span)
        );
        self.line(label, &head);
        self.nested(|p| {
            p.params(&function.params);
            p.block(&function.body);
            p.node("result", &function.result);
        });
    }

    fn defaction(&mut self, label: &str, defaction: &DefactionIr) {
        let head = format!(
            "defaction {} slots={} {}",
            defaction.name,
            defaction.body.n_slots,
            span(defaction.span)
        );
        self.line(label, &head);
        self.nested(|p| {
            p.params(&defaction.params);
            p.block(&defaction.body);
            if let Some(actions) = &defaction.actions {
                p.action_block(actions);
            }
            if let Some(result) = &defaction.result {
                p.node("returns", result);
            }
        });
    }

    pub fn action_block(&mut self, block: &ActionBlockIr) {
        match &block.kind {
            BlockKind::Every => self.line("", "actions every"),
            BlockKind::Sample => self.line("", "actions sample"),
            BlockKind::Choose(discriminant) => self.node("actions choose", discriminant),
        }
        self.nested(|p| {
            if let Some(condition) = &block.condition {
                p.node("if", condition);
            }
            for action in &block.actions {
                let mut head = String::from("action");
                if let Some(label) = &action.label {
                    let _ = write!(head, " {label} =>");
                }
                match &action.callee {
                    ActionCallee::Domain { domain, name } => {
                        let _ = write!(head, " {domain}:{name}");
                    }
                    ActionCallee::Value(_) => {}
                }
                if let Some(slot) = action.setting {
                    let _ = write!(head, " setting=s{slot}");
                }
                let _ = write!(head, " {}", span(action.span));
                p.line("", &head);
                p.nested(|p| {
                    if let ActionCallee::Value(callee) = &action.callee {
                        p.node("callee", callee);
                    }
                    p.args(&action.args);
                });
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use crate::lower::lower_test_expr;

    fn lowered(src: &str) -> crate::ir::Node {
        lower_test_expr(src)
    }

    #[test]
    fn a_function_prints_its_frame_params_and_body() {
        let node = lowered("function(n, m = 2) { k = n * m; [k, \"x\"] }");
        let crate::ir::Node::Function(function) = &node else {
            panic!("not a function")
        };
        let text = super::function(Arc::as_ref(function));
        assert_eq!(
            text,
            "function function frame=stack slots=3 @0..42\n\
             \x20 param s0 n\n\
             \x20 param s1 m: const 2\n\
             \x20 decl s2 k @21..30\n\
             \x20   binary * fast=Mul @25..30\n\
             \x20     stack s0\n\
             \x20     stack s1\n\
             \x20 result: array\n\
             \x20   stack s2\n\
             \x20   const \"x\"\n"
        );
    }

    #[test]
    fn calls_label_their_callee_and_named_arguments() {
        let text = super::node(&lowered("f(1, b = {\"k\": null})"));
        assert!(text.starts_with("call @0..21\n"), "{text}");
        assert!(text.contains("  arg: const 1\n"), "{text}");
        assert!(text.contains("  arg b: map\n    \"k\": const null\n"), "{text}");
    }
}
