//! The generated `__testing` map, built from the source at compile time as pico-engine's
//! compiler builds it:
//!
//! - `queries`: one `{"name", "args"}` per shared name, in `shares` order; `args` are the
//!   parameter names when the global is a function literal (or a name bound to one), else `[]`.
//! - `events`: per active rule, one `{"domain", "name", "attrs"}` per distinct event the rule
//!   selects, in source order; `attrs` are the attribute names the rule mentions, in the order
//!   the reference's compiler meets them: attribute matches (`name re#..#`) and, anywhere in
//!   the rule, `event:attrs{"x"}`, `event:attrs.get("x")` and `event:attr("x")`. A name is
//!   added to every event the rule has selected so far.
//!
//! A ruleset may declare its own `__testing` in `global`; its declaration sees this map under
//! the same name, and a query of `__testing` answers the declared value (see `run`).

use krl_runtime::value::{Map, Value};
use krl_syntax::ast::{self, EventExprKind, ExprKind};
use krl_syntax::visit::{self, Flow, Node, Visitor};

/// The generated `__testing` value of `ruleset`.
pub fn generated(ruleset: &ast::Ruleset, shares: &[String]) -> Value {
    let mut testing = Map::new();
    testing.insert("queries", Value::array(queries(ruleset, shares)));
    testing.insert("events", Value::array(events(ruleset)));
    Value::map(testing)
}

/// The `__testing` a scope without a ruleset sees (the REPL): no queries, no events.
pub fn empty() -> Value {
    let mut testing = Map::new();
    testing.insert("queries", Value::array(Vec::new()));
    testing.insert("events", Value::array(Vec::new()));
    Value::map(testing)
}

fn queries(ruleset: &ast::Ruleset, shares: &[String]) -> Vec<Value> {
    // What the reference's compiler knows of each global at the end of the ruleset: the
    // parameters of a function, followed through plain aliases (`g = f`).
    let mut params: Vec<(&str, Option<Vec<&str>>)> = Vec::new();
    let decls: Vec<&ast::Declaration> = ruleset
        .meta
        .iter()
        .flat_map(|m| m.props())
        .map(|prop| match &prop.kind {
            ast::MetaPropKind::Configure { decls } => decls.as_slice(),
            _ => &[],
        })
        .flat_map(ast::declarations)
        .chain(ruleset.global.iter().flat_map(|g| ast::declarations(&g.decls)))
        .collect();
    for decl in decls {
        let known = match &decl.value.kind {
            ExprKind::Function(function) => Some(
                function
                    .params
                    .items
                    .iter()
                    .map(|p| p.name.name.as_str())
                    .collect(),
            ),
            ExprKind::Identifier { name } => params
                .iter()
                .rev()
                .find(|(known, _)| known == name)
                .and_then(|(_, p)| p.clone()),
            _ => None,
        };
        params.push((decl.name.name.as_str(), known));
    }
    shares
        .iter()
        .map(|name| {
            let args = params
                .iter()
                .rev()
                .find(|(known, _)| known == name)
                .and_then(|(_, p)| p.as_ref())
                .map(|p| p.iter().map(|&n| Value::string(n)).collect())
                .unwrap_or_default();
            let mut entry = Map::new();
            entry.insert("name", Value::string(name.as_str()));
            entry.insert("args", Value::array(args));
            Value::map(entry)
        })
        .collect()
}

/// One rule's selected events, `(domain, name, attrs)`, deduplicated in first-seen order.
#[derive(Default)]
struct RuleEvents {
    events: Vec<(String, String, Vec<String>)>,
}

impl RuleEvents {
    fn add(&mut self, domain: &str, name: &str) {
        if !self.events.iter().any(|(d, n, _)| d == domain && n == name) {
            self.events
                .push((domain.to_string(), name.to_string(), Vec::new()));
        }
    }

    fn add_attr(&mut self, attr: &str) {
        for (_, _, attrs) in &mut self.events {
            if !attrs.iter().any(|known| known == attr) {
                attrs.push(attr.to_string());
            }
        }
    }
}

/// Collects a rule's events and the attributes it reads, in one walk of the rule: an event's
/// `where` adds to the events named so far, the rest of the rule to all of them.
impl<'a> Visitor<'a> for RuleEvents {
    fn enter(&mut self, node: Node<'a>) -> Flow {
        match node {
            Node::Event(ast::EventExpr {
                kind: EventExprKind::Event(base),
                ..
            }) => {
                self.add(&base.domain.name, &base.event_type.name);
                for attr in &base.attrs {
                    self.add_attr(&attr.name.name);
                }
            }
            Node::Within(_) => return Flow::Skip,
            Node::Expr(expr) => {
                if let Some(attr) = attribute_named(expr) {
                    self.add_attr(attr);
                }
            }
            _ => {}
        }
        Flow::Continue
    }
}

fn events(ruleset: &ast::Ruleset) -> Vec<Value> {
    let mut out = Vec::new();
    for rule in ruleset.rules().filter(|rule| rule.is_active()) {
        let mut found = RuleEvents::default();
        let _ = visit::walk_rule(&mut found, rule);
        for (domain, name, attrs) in found.events {
            let mut entry = Map::new();
            entry.insert("domain", Value::string(domain));
            entry.insert("name", Value::string(name));
            entry.insert(
                "attrs",
                Value::array(attrs.into_iter().map(Value::string).collect()),
            );
            out.push(Value::map(entry));
        }
    }
    out
}

/// The attribute named by `event:attrs{"x"}`, `event:attrs.get("x")` or `event:attr("x")`:
/// the forms pico-engine's compiler lists in `__testing` (not `event:attrs["x"]`).
fn attribute_named(expr: &ast::Expr) -> Option<&str> {
    let is_event = |expr: &ast::Expr, want: &str| {
        matches!(&expr.kind, ExprKind::DomainIdentifier { domain, name }
            if domain.name == "event" && name.name == want)
    };
    let key = match &expr.kind {
        ExprKind::Path { object, path } if is_event(object, "attrs") => path,
        ExprKind::Call { callee, args } => {
            let named = match &callee.kind {
                ExprKind::Dot {
                    object,
                    domain: None,
                    name,
                } => is_event(object, "attrs") && name.name == "get",
                _ => is_event(callee, "attr"),
            };
            if !named {
                return None;
            }
            &args.args().next()?.value
        }
        _ => return None,
    };
    match &key.kind {
        ExprKind::String { value } => Some(value),
        _ => None,
    }
}
