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
use krl_syntax::ast::{ExprKind, MetaPropKind, Ruleset};
use krl_syntax::visit::{self, Flow, Node, Visitor};

use crate::events::EventFacts;
use crate::scope::NameTable;
use crate::types::Types;

/// What every lint sees.
pub struct LintContext<'a> {
    pub file: FileId,
    pub ruleset: &'a Ruleset,
    pub names: &'a NameTable,
    pub types: &'a Types<'a>,
    /// The ruleset's `use module` lines: each module's rid and its alias.
    pub(crate) uses: Vec<(&'a str, Option<&'a str>)>,
}

impl<'a> LintContext<'a> {
    pub fn new(file: FileId, ruleset: &'a Ruleset, names: &'a NameTable, types: &'a Types<'a>) -> Self {
        let uses = ruleset
            .meta
            .iter()
            .flat_map(|meta| meta.props())
            .filter_map(|prop| match &prop.kind {
                MetaPropKind::Use { rid, alias, .. } => {
                    Some((rid.name.as_str(), alias.as_ref().map(|alias| alias.name.as_str())))
                }
                _ => None,
            })
            .collect();
        LintContext {
            file,
            ruleset,
            names,
            types,
            uses,
        }
    }

    pub(crate) fn at(&self, span: Span) -> FileSpan {
        FileSpan::new(self.file, span)
    }

    /// Whether a used module takes `domain` as its name (its alias, or its rid without one).
    pub(crate) fn module_named(&self, domain: &str) -> bool {
        self.uses
            .iter()
            .any(|(rid, alias)| alias.unwrap_or(rid) == domain)
    }

    /// Whether a used module's alias is `domain`.
    pub(crate) fn alias_named(&self, domain: &str) -> bool {
        self.uses.iter().any(|(_, alias)| *alias == Some(domain))
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

/// A check run on nodes of the shared walk.
pub type NodeCheck = fn(&LintContext, &NodeCx, &mut Vec<Diagnostic>);

/// How a lint looks at a ruleset.
pub enum Check {
    /// Once, over whole-ruleset facts (the name table, the `ent:` accesses).
    Ruleset(fn(&LintContext, &mut Vec<Diagnostic>)),
    /// On the nodes of these kinds in the one walk that all such lints share (inactive rules
    /// skipped); the walk hands a node only to the checks that asked for its kind.
    Node(&'static [Kind], NodeCheck),
}

/// What the shared walk dispatches on: the node's variant, with expressions split by the
/// forms that checks look at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Ruleset,
    MetaProp,
    Rule,
    Select,
    ActionBlock,
    Action,
    Stmt,
    Event,
    /// `f(...)`, `x.f(...)`, `domain:f(...)`.
    Call,
    Binary,
    Unary,
    /// `test => then | else`.
    Conditional,
    /// `x.name` (not called).
    Dot,
    /// `domain:name`.
    DomainIdentifier,
    Defaction,
    /// The other nodes and expressions, which no check looks at.
    Other,
}

const KIND_COUNT: usize = Kind::Other as usize + 1;

impl Kind {
    fn of(node: Node<'_>) -> Kind {
        match node {
            Node::Ruleset(_) => Kind::Ruleset,
            Node::MetaProp(_) => Kind::MetaProp,
            Node::Rule(_) => Kind::Rule,
            Node::Select(_) => Kind::Select,
            Node::ActionBlock(_) => Kind::ActionBlock,
            Node::Action(_) => Kind::Action,
            Node::Stmt(_) => Kind::Stmt,
            Node::Event(_) => Kind::Event,
            Node::Expr(expr) => match expr.kind {
                ExprKind::Call { .. } => Kind::Call,
                ExprKind::Binary { .. } => Kind::Binary,
                ExprKind::Unary { .. } => Kind::Unary,
                ExprKind::Conditional { .. } => Kind::Conditional,
                ExprKind::Dot { .. } => Kind::Dot,
                ExprKind::DomainIdentifier { .. } => Kind::DomainIdentifier,
                ExprKind::Defaction(_) => Kind::Defaction,
                _ => Kind::Other,
            },
            _ => Kind::Other,
        }
    }
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

/// The checks besides the lints that look at nodes: operand types, the built-in modules'
/// members, and too many arguments to a built-in module's function or action.
const OTHER_NODE_CHECKS: &[(&[Kind], NodeCheck)] = &[
    (&[Kind::Binary, Kind::Unary], crate::types::check_node),
    (
        &[Kind::DomainIdentifier, Kind::Call, Kind::Action],
        crate::module_members::check_node,
    ),
    (&[Kind::Call, Kind::Action], too_many_arguments::check_module_call),
];

pub(crate) use too_many_arguments::too_many;

/// Runs every lint and node check: the whole-ruleset lints, then one walk of the tree that
/// hands each node to the checks of its kind, instead of one walk per check. The walk also
/// collects what the expressions produce for the notes across files
/// ([`EventFacts::expr`]), which would otherwise take a walk of its own.
pub fn run_all(ctx: &LintContext, out: &mut Vec<Diagnostic>) -> EventFacts {
    let mut by_kind: [Vec<NodeCheck>; KIND_COUNT] = Default::default();
    let mut add = |kinds: &[Kind], check: NodeCheck| {
        for kind in kinds {
            by_kind[*kind as usize].push(check);
        }
    };
    for lint in LINTS {
        match lint.check {
            Check::Ruleset(run) => run(ctx, out),
            Check::Node(kinds, check) => add(kinds, check),
        }
    }
    for (kinds, check) in OTHER_NODE_CHECKS {
        add(kinds, *check);
    }
    let mut pass = Pass {
        ctx,
        by_kind: &by_kind,
        ancestors: Vec::new(),
        out,
        events: EventFacts::default(),
    };
    let _ = visit::walk_ruleset(&mut pass, ctx.ruleset);
    pass.events
}

/// The shared walk: hands each node of active code to the checks of its kind.
struct Pass<'a, 'c> {
    ctx: &'c LintContext<'a>,
    by_kind: &'c [Vec<NodeCheck>; KIND_COUNT],
    ancestors: Vec<Node<'a>>,
    out: &'c mut Vec<Diagnostic>,
    /// What the expressions of active code produce.
    events: EventFacts,
}

impl<'a> Visitor<'a> for Pass<'a, '_> {
    fn enter(&mut self, node: Node<'a>) -> Flow {
        // Matches pico-engine: an inactive rule is dropped before it is compiled.
        let flow = match node {
            Node::Rule(rule) if !rule.is_active() => Flow::Skip,
            _ => {
                if let Node::Expr(expr) = node {
                    self.events.expr(expr);
                }
                let cx = NodeCx {
                    node,
                    ancestors: &self.ancestors,
                };
                for check in &self.by_kind[Kind::of(node) as usize] {
                    check(self.ctx, &cx, self.out);
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
    use super::*;
    use krl_diagnostics::FileId;

    #[test]
    fn the_walk_hands_a_node_only_to_the_checks_of_its_kind() {
        let src = r#"ruleset t {
  global { f = function(n) { n * 2 } }
  rule r { select when a b  pre { x = f(1) + "s"  y = {"k": x}.keys() }  send_directive("d") }
}"#;
        let parse = krl_syntax::parse_ruleset(FileId(0), src);
        let names = crate::resolve::resolve(FileId(0), &parse.ruleset, &mut Vec::new());
        let types = Types::new(&names);
        let ctx = LintContext::new(FileId(0), &parse.ruleset, &names, &types);
        let mut seen: Vec<(Kind, &str)> = Vec::new();
        let mut record = |node: Node<'_>| {
            let kind = Kind::of(node);
            if kind != Kind::Other {
                seen.push((kind, &src[node.span().start as usize..node.span().end as usize]));
            }
            Flow::Continue
        };
        let _ = visit::walk_ruleset(&mut record, ctx.ruleset);
        let calls: Vec<&str> = seen
            .iter()
            .filter(|(kind, _)| *kind == Kind::Call)
            .map(|(_, text)| *text)
            .collect();
        assert_eq!(calls, ["f(1)", r#"{"k": x}.keys()"#]);
        assert!(seen.contains(&(Kind::Action, r#"send_directive("d")"#)));
        assert!(seen.contains(&(Kind::Binary, r#"f(1) + "s""#)));
        assert!(seen.contains(&(Kind::Binary, "n * 2")));
        // Identifiers, literals, maps and declarations are `Other`: no check looks at them.
        assert!(
            seen.iter()
                .all(|(_, text)| !matches!(*text, "n" | "x" | "1" | r#""s""#))
        );
        for lint in LINTS {
            if let Check::Node(kinds, _) = lint.check {
                assert!(
                    !kinds.is_empty() && !kinds.contains(&Kind::Other),
                    "{}",
                    lint.code.name
                );
            }
        }
    }

    #[test]
    fn every_lint_is_a_registered_warning_code() {
        for lint in super::LINTS {
            assert!(lint.code.id.starts_with("W01"), "{}", lint.code.id);
            assert!(krl_diagnostics::codes::lookup(lint.code.id).is_some());
            assert!(crate::levels::lint_id(lint.code.name) == Some(lint.code.id));
        }
    }
}
