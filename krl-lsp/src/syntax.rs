//! The language server's uses of the one tree walk (`krl_syntax::visit`): every node for
//! selection ranges, code actions and event navigation, finding the declaration or parameter
//! behind a name, and small facts about events and literals.

use krl_diagnostics::Span;
use krl_syntax::ast::{
    BaseEvent, ChevronPart, Declaration, EventExpr, EventExprKind, Expr, ExprKind, Param, Rule, Ruleset,
    SelectKind,
};
use krl_syntax::visit::{self, Flow, Visitor};

pub(crate) use krl_syntax::visit::Node;

/// Calls `f` on every node of `ruleset`, parents before children (inactive rules included).
pub(crate) fn walk<'a>(ruleset: &'a Ruleset, f: &mut dyn FnMut(Node<'a>)) {
    let _ = visit::walk_ruleset(
        &mut |node| {
            f(node);
            Flow::Continue
        },
        ruleset,
    );
}

/// The declaration node whose name is at `name_span`.
pub(crate) fn declaration_named(ruleset: &Ruleset, name_span: Span) -> Option<&Declaration> {
    let mut found = None;
    let _ = visit::walk_ruleset(
        &mut |node| match node {
            Node::Decl(decl) if decl.name.span == name_span => {
                found = Some(decl);
                Flow::Stop
            }
            // Names are inside the nodes that cover them.
            _ if !node.span().contains(name_span) => Flow::Skip,
            _ => Flow::Continue,
        },
        ruleset,
    );
    found
}

/// A parameter found by the span of its name, with the declaration that owns the function
/// or defaction (`None` for an anonymous function) and whether that is a defaction.
pub(crate) struct ParamSite<'a> {
    pub param: &'a Param,
    pub owner: Option<&'a Declaration>,
    pub in_defaction: bool,
}

/// The parameter whose name is at `name_span`, with its function or defaction.
pub(crate) fn parameter_named(ruleset: &Ruleset, name_span: Span) -> Option<ParamSite<'_>> {
    /// Walks down to the parameter list that holds the name, remembering the declaration
    /// whose value is the function or defaction around it.
    struct Search<'a> {
        name_span: Span,
        /// The innermost declaration entered, while its value is the current node.
        owner: Option<&'a Declaration>,
        found: Option<ParamSite<'a>>,
    }
    impl<'a> Visitor<'a> for Search<'a> {
        fn enter(&mut self, node: Node<'a>) -> Flow {
            if !node.span().contains(self.name_span) {
                return Flow::Skip;
            }
            let (params, in_defaction) = match node {
                Node::Decl(decl) => {
                    self.owner = Some(decl);
                    return Flow::Continue;
                }
                Node::Expr(Expr {
                    kind: ExprKind::Function(function),
                    ..
                }) => (&function.params, false),
                Node::Expr(Expr {
                    kind: ExprKind::Defaction(defaction),
                    ..
                }) => (&defaction.params, true),
                _ => {
                    // Only a declaration's value itself is owned by it.
                    self.owner = None;
                    return Flow::Continue;
                }
            };
            if let Some(param) = params
                .items
                .iter()
                .find(|param| param.name.span == self.name_span)
            {
                // The function is the declaration's value only when the declaration encloses it.
                let owner = self.owner.filter(|decl| decl.value.span == node.span());
                self.found = Some(ParamSite {
                    param,
                    owner,
                    in_defaction,
                });
                return Flow::Stop;
            }
            self.owner = None;
            Flow::Continue
        }
    }
    let mut search = Search {
        name_span,
        owner: None,
        found: None,
    };
    let _ = visit::walk_ruleset(&mut search, ruleset);
    search.found
}

/// Every declaration node keyed by the span of its name, from one walk.
pub(crate) fn declarations_by_name(ruleset: &Ruleset) -> std::collections::HashMap<Span, &Declaration> {
    let mut out = std::collections::HashMap::new();
    walk(ruleset, &mut |node| {
        if let Node::Decl(decl) = node {
            out.insert(decl.name.span, decl);
        }
    });
    out
}

/// The rule whose span holds `offset`.
pub(crate) fn rule_at(ruleset: &Ruleset, offset: u32) -> Option<&Rule> {
    ruleset
        .rules()
        .find(|rule| rule.span.start <= offset && offset <= rule.span.end)
}

/// Every base event of an event expression, with its span.
pub(crate) fn base_events(event: &EventExpr) -> Vec<(&BaseEvent, Span)> {
    let mut out = Vec::new();
    let _ = visit::walk_event(
        &mut |node| {
            if let Node::Event(EventExpr {
                kind: EventExprKind::Event(base),
                span,
            }) = node
            {
                out.push((base, *span));
            }
            Flow::Continue
        },
        event,
    );
    out
}

/// The base events a rule selects on (`select when`); empty for `select where`.
pub(crate) fn selected_events(rule: &Rule) -> Vec<(&BaseEvent, Span)> {
    match rule.select.as_ref().map(|select| &select.kind) {
        Some(SelectKind::When { event, .. }) => base_events(event),
        _ => Vec::new(),
    }
}

/// The text of a string literal expression.
pub(crate) fn literal_string(e: &Expr) -> Option<&str> {
    match &e.kind {
        ExprKind::String { value } => Some(value),
        ExprKind::Chevron { parts } => match parts.as_slice() {
            [ChevronPart::Text { value, .. }] => Some(value),
            _ => None,
        },
        ExprKind::Paren { inner } => literal_string(inner),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use krl_diagnostics::FileId;

    const SRC: &str = r#"ruleset t {
  global {
    named = function(x) { x }
    wrapped = [function(y) { y }]
    act = defaction(z) { noop() }
  }
}"#;

    /// The span of the name that starts where `context` first occurs.
    fn name_at(context: &str, name: &str) -> Span {
        let start = SRC
            .find(context)
            .unwrap_or_else(|| panic!("{context} in the source")) as u32;
        Span::new(start, start + name.len() as u32)
    }

    #[test]
    fn a_parameter_belongs_to_the_declaration_whose_value_is_its_function() {
        let parse = krl_syntax::parse_ruleset(FileId(0), SRC);
        let owner = |param: &str| {
            let site = parameter_named(&parse.ruleset, name_at(&format!("{param})"), param)).expect(param);
            (
                site.owner.map(|decl| decl.name.name.to_string()),
                site.in_defaction,
            )
        };
        assert_eq!(owner("x"), (Some("named".to_string()), false));
        // A function inside an array is anonymous, though a declaration holds the array.
        assert_eq!(owner("y"), (None, false));
        assert_eq!(owner("z"), (Some("act".to_string()), true));
    }

    #[test]
    fn a_declaration_is_found_by_the_span_of_its_name() {
        let parse = krl_syntax::parse_ruleset(FileId(0), SRC);
        let decl = declaration_named(&parse.ruleset, name_at("wrapped", "wrapped")).expect("wrapped");
        assert!(decl.value.span.text(SRC).starts_with("[function(y)"));
        assert!(declaration_named(&parse.ruleset, name_at("noop", "noop")).is_none());
    }
}
