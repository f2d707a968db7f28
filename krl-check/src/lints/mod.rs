//! Lints: warnings about code that compiles but is probably wrong. One file per lint, each
//! documented with "What it flags / Why / Example / Fix" (STYLE.md §6).

mod constant_condition;
mod deprecated_syntax;
mod ent_read_never_written;
mod ent_written_never_read;
mod implicit_coercion;
mod klog_in_shared_function;
mod shadowed_builtin;
mod too_many_arguments;
mod unmatched_event_attribute;
mod unreachable_select;
mod unused_declaration;
mod whole_entity_put;
mod wrong_receiver_type;

use krl_diagnostics::{Code, Diagnostic, FileId, FileSpan, Span};
use krl_syntax::ast::Ruleset;
use krl_syntax::visit::{self, Flow, Node, Visitor};

use crate::scope::NameTable;
use crate::types::Types;

/// What every lint sees.
pub struct LintContext<'a> {
    pub file: FileId,
    pub ruleset: &'a Ruleset,
    pub names: &'a NameTable,
    pub types: &'a Types<'a>,
}

impl LintContext<'_> {
    pub(crate) fn at(&self, span: Span) -> FileSpan {
        FileSpan::new(self.file, span)
    }
}

/// One node of the shared walk, with the nodes around it.
pub struct NodeCx<'a, 'w> {
    pub node: Node<'a>,
    /// The nodes that hold this one, outermost first.
    pub ancestors: &'w [Node<'a>],
}

impl<'a> NodeCx<'a, '_> {
    pub fn parent(&self) -> Option<Node<'a>> {
        self.ancestors.last().copied()
    }
}

/// How a lint looks at a ruleset.
pub enum Check {
    /// Once, over whole-ruleset facts (the name table, the `ent:` accesses).
    Ruleset(fn(&LintContext, &mut Vec<Diagnostic>)),
    /// On every node of the one walk that all such lints share (inactive rules skipped).
    Node(fn(&LintContext, &NodeCx, &mut Vec<Diagnostic>)),
}

/// A lint: its stable code (whose name is the kebab-case lint name) and how it checks.
pub struct Lint {
    pub code: Code,
    pub check: Check,
}

/// Every lint, in code order.
pub const LINTS: &[Lint] = &[
    unused_declaration::LINT,
    shadowed_builtin::LINT,
    ent_read_never_written::LINT,
    ent_written_never_read::LINT,
    implicit_coercion::LINT,
    constant_condition::LINT,
    deprecated_syntax::LINT,
    klog_in_shared_function::LINT,
    too_many_arguments::LINT,
    unmatched_event_attribute::LINT,
    unreachable_select::LINT,
    whole_entity_put::LINT,
    wrong_receiver_type::LINT,
];

pub(crate) use too_many_arguments::too_many;

/// Runs every lint: the whole-ruleset ones, then one walk of the tree for all node lints and
/// the operand type check (`types::check_node`), instead of one walk per lint.
pub fn run_all(ctx: &LintContext, out: &mut Vec<Diagnostic>) {
    let mut node_lints = Vec::new();
    for lint in LINTS {
        match lint.check {
            Check::Ruleset(run) => run(ctx, out),
            Check::Node(check) => node_lints.push(check),
        }
    }
    node_lints.push(crate::types::check_node);
    let mut pass = Pass {
        ctx,
        lints: &node_lints,
        ancestors: Vec::new(),
        out,
    };
    let _ = visit::walk_ruleset(&mut pass, ctx.ruleset);
}

/// The shared walk: hands each node of active code to every node lint.
struct Pass<'a, 'c> {
    ctx: &'c LintContext<'a>,
    lints: &'c [fn(&LintContext, &NodeCx, &mut Vec<Diagnostic>)],
    ancestors: Vec<Node<'a>>,
    out: &'c mut Vec<Diagnostic>,
}

impl<'a> Visitor<'a> for Pass<'a, '_> {
    fn enter(&mut self, node: Node<'a>) -> Flow {
        // Matches pico-engine: an inactive rule is dropped before it is compiled.
        let flow = match node {
            Node::Rule(rule) if !rule.is_active() => Flow::Skip,
            _ => {
                let cx = NodeCx {
                    node,
                    ancestors: &self.ancestors,
                };
                for lint in self.lints {
                    lint(self.ctx, &cx, self.out);
                }
                Flow::Continue
            }
        };
        self.ancestors.push(node);
        flow
    }

    fn leave(&mut self, _node: Node<'a>) {
        self.ancestors.pop();
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_lint_is_a_registered_warning_code() {
        for lint in super::LINTS {
            assert!(lint.code.id.starts_with("W01"), "{}", lint.code.id);
            assert!(krl_diagnostics::codes::lookup(lint.code.id).is_some());
            assert!(crate::levels::lint_id(lint.code.name) == Some(lint.code.id));
        }
    }
}
