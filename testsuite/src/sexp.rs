//! Prints a syntax tree as a compact S-expression, so that snapshots show how the parser
//! grouped things: `1 + 2 * 3` prints as `(+ 1 (* 2 3))`, `select when a b or c d` as
//! `(select-when (or (e a b) (e c d)))`. Spans are left out (the span invariants check
//! them); parentheses written in the source stay visible as `(paren ...)`.
//!
//! Forms, briefly: binary and unary operators use their KRL spelling as the head; `(cond
//! t a b)` is `t => a | b`; `(. x f)`, `([] x i)`, `({} x p)` are member, index and path
//! access; `(call f args...)` is application with named arguments as `(= name value)`;
//! events are `(e domain type ...)`, infix event operators `(or a b)` and the n-ary prefix
//! forms `(or* a b c)`; `<error>` marks what error recovery skipped.

use krl_syntax::ast::*;

/// An S-expression: an atom or a parenthesised list.
#[derive(Clone, Debug, PartialEq)]
pub enum Sexp {
    Atom(String),
    List(Vec<Sexp>),
}

/// Lines longer than this are broken, one child per line.
const WIDTH: usize = 96;

impl Sexp {
    fn atom(text: impl Into<String>) -> Sexp {
        Sexp::Atom(text.into())
    }

    fn list(head: &str, items: impl IntoIterator<Item = Sexp>) -> Sexp {
        let mut all = vec![Sexp::atom(head)];
        all.extend(items);
        Sexp::List(all)
    }

    /// The expression on one line.
    pub fn flat(&self) -> String {
        match self {
            Sexp::Atom(text) => text.clone(),
            Sexp::List(items) => {
                let inner: Vec<String> = items.iter().map(Sexp::flat).collect();
                format!("({})", inner.join(" "))
            }
        }
    }

    /// The expression broken over lines where it does not fit: leading atoms stay on the
    /// first line, every other child goes on its own line, indented by two.
    pub fn pretty(&self) -> String {
        let mut out = String::new();
        self.write(0, &mut out);
        out
    }

    fn write(&self, indent: usize, out: &mut String) {
        let flat = self.flat();
        let items = match self {
            Sexp::List(items) if indent + flat.len() > WIDTH && items.len() > 1 => items,
            _ => {
                out.push_str(&flat);
                return;
            }
        };
        out.push('(');
        let n_head = items
            .iter()
            .take_while(|item| matches!(item, Sexp::Atom(_)))
            .count()
            .max(1);
        let head: Vec<String> = items[..n_head].iter().map(Sexp::flat).collect();
        out.push_str(&head.join(" "));
        for item in &items[n_head..] {
            out.push('\n');
            out.push_str(&" ".repeat(indent + 2));
            item.write(indent + 2, out);
        }
        out.push(')');
    }
}

/// The S-expression of a whole ruleset, pretty-printed.
pub fn ruleset_to_string(ruleset: &Ruleset) -> String {
    ruleset_sexp(ruleset).pretty()
}

/// The S-expression of one expression, on one line.
pub fn expr_to_string(expr: &Expr) -> String {
    expr_sexp(expr).flat()
}

fn error() -> Sexp {
    Sexp::atom("<error>")
}

fn quoted(text: &str) -> Sexp {
    Sexp::Atom(serde_json::to_string(text).expect("strings serialize"))
}

fn ident(ident: &Ident) -> Sexp {
    Sexp::atom(ident.name.clone())
}

fn names(head: &str, idents: &[Ident]) -> Sexp {
    Sexp::list(head, idents.iter().map(ident))
}

pub fn ruleset_sexp(ruleset: &Ruleset) -> Sexp {
    let mut items = vec![Sexp::atom(ruleset.rid.name.clone())];
    if let Some(version) = &ruleset.version {
        items.push(Sexp::list("version", [quoted(&version.value)]));
    }
    if let Some(meta) = &ruleset.meta {
        items.push(Sexp::list("meta", meta.props.iter().map(meta_item)));
    }
    if let Some(global) = &ruleset.global {
        items.push(Sexp::list("global", global.decls.iter().map(decl_item)));
    }
    items.extend(ruleset.rules.iter().map(|item| match item {
        RuleItem::Rule(rule) => rule_sexp(rule),
        RuleItem::Error { .. } => error(),
    }));
    Sexp::list("ruleset", items)
}

fn meta_item(item: &MetaItem) -> Sexp {
    let MetaItem::Prop(prop) = item else {
        return error();
    };
    let key = prop.key.name.as_str();
    match &prop.kind {
        MetaPropKind::Value { value } => Sexp::list(key, [expr_sexp(value)]),
        MetaPropKind::Logging { on } => Sexp::list(key, [Sexp::atom(if *on { "on" } else { "off" })]),
        MetaPropKind::Key { name, value } => Sexp::list(key, [ident(name), expr_sexp(value)]),
        MetaPropKind::Use { rid, alias, with } => {
            let mut items = vec![Sexp::atom(rid.name.clone())];
            if let Some(alias) = alias {
                items.push(Sexp::list("alias", [ident(alias)]));
            }
            if !with.is_empty() {
                items.push(Sexp::list("with", with.iter().map(decl_item)));
            }
            Sexp::list("use-module", items)
        }
        MetaPropKind::ErrorsTo { rid } => Sexp::list("errors-to", [Sexp::atom(rid.name.clone())]),
        MetaPropKind::Configure { decls } => Sexp::list("configure-using", decls.iter().map(decl_item)),
        MetaPropKind::Provides { names: list } => names(key, list),
        MetaPropKind::ProvidesKeys { names: list, to } => Sexp::list(
            &format!("{key}-keys"),
            [
                names("keys", list),
                Sexp::list("to", to.iter().map(|rid| Sexp::atom(rid.name.clone()))),
            ],
        ),
        MetaPropKind::Shares { names: list } => names(key, list),
    }
}

fn decl_item(item: &DeclItem) -> Sexp {
    match item {
        DeclItem::Declaration(decl) => declaration(decl),
        DeclItem::Error { .. } => error(),
    }
}

fn declaration(decl: &Declaration) -> Sexp {
    Sexp::list("=", [ident(&decl.name), expr_sexp(&decl.value)])
}

fn rule_sexp(rule: &Rule) -> Sexp {
    let mut items = vec![ident(&rule.name)];
    if let Some((state, _)) = rule.state {
        items.push(Sexp::atom(match state {
            RuleState::Active => "is-active",
            RuleState::Inactive => "is-inactive",
        }));
    }
    if let Some(select) = &rule.select {
        items.push(match &select.kind {
            SelectKind::When { event, within } => {
                let mut parts = vec![event_sexp(event)];
                if let Some(within) = within {
                    parts.push(Sexp::list(
                        "within",
                        [expr_sexp(&within.amount), ident(&within.unit_word)],
                    ));
                }
                Sexp::list("select-when", parts)
            }
            SelectKind::Where { condition } => Sexp::list("select-where", [expr_sexp(condition)]),
        });
    }
    for foreach in &rule.foreach {
        items.push(Sexp::list(
            "foreach",
            [expr_sexp(&foreach.collection), names("setting", &foreach.setting)],
        ));
    }
    if let Some(pre) = &rule.pre {
        items.push(Sexp::list("pre", pre.decls.iter().map(decl_item)));
    }
    if let Some(block) = &rule.action_block {
        items.push(action_block(block));
    }
    if let Some(postlude) = &rule.postlude {
        let first = match postlude.first_kw {
            PostludeKw::Fired => "fired",
            PostludeKw::Notfired => "notfired",
            PostludeKw::Always => "always",
        };
        items.push(stmt_block(first, &postlude.first));
        if let Some(block) = &postlude.else_ {
            items.push(stmt_block("else", block));
        }
        if let Some(block) = &postlude.finally {
            items.push(stmt_block("finally", block));
        }
    }
    Sexp::list("rule", items)
}

fn event_sexp(event: &EventExpr) -> Sexp {
    match &event.kind {
        EventExprKind::Event(base) => {
            let mut items = vec![ident(&base.domain), ident(&base.event_type)];
            for attr in &base.attrs {
                items.push(Sexp::list(
                    "attr",
                    [ident(&attr.name), regex(&attr.regex.pattern, &attr.regex.flags)],
                ));
            }
            let where_ = base.where_.as_ref().map(|w| Sexp::list("where", [expr_sexp(w)]));
            let setting = (!base.setting.is_empty()).then(|| names("setting", &base.setting));
            if base.where_before_setting {
                items.extend(where_.into_iter().chain(setting));
            } else {
                items.extend(setting.into_iter().chain(where_));
            }
            Sexp::list("e", items)
        }
        EventExprKind::Op { op, args, prefix } => {
            let name = match op {
                EventOp::Or => "or",
                EventOp::And => "and",
                EventOp::Before => "before",
                EventOp::Then => "then",
                EventOp::After => "after",
                EventOp::Between => "between",
                EventOp::NotBetween => "not-between",
            };
            let head = if *prefix {
                format!("{name}*")
            } else {
                name.to_string()
            };
            Sexp::list(&head, args.iter().map(event_sexp))
        }
        EventExprKind::Any { n, args, .. } => {
            let mut items = vec![Sexp::atom(n.to_string())];
            items.extend(args.iter().map(event_sexp));
            Sexp::list("any", items)
        }
        EventExprKind::Group {
            op,
            n,
            event,
            aggregator,
            ..
        } => {
            let head = match op {
                GroupOp::Count => "count",
                GroupOp::Repeat => "repeat",
            };
            let mut items = vec![Sexp::atom(n.to_string()), event_sexp(event)];
            if let Some(aggregator) = aggregator {
                let name = match aggregator.op {
                    AggregatorOp::Max => "max",
                    AggregatorOp::Min => "min",
                    AggregatorOp::Sum => "sum",
                    AggregatorOp::Avg => "avg",
                    AggregatorOp::Push => "push",
                };
                items.push(names(name, &aggregator.vars));
            }
            Sexp::list(head, items)
        }
        EventExprKind::Paren { inner } => Sexp::list("paren", [event_sexp(inner)]),
        EventExprKind::Error => error(),
    }
}

fn action_block(block: &ActionBlock) -> Sexp {
    let actions = block.actions.iter().map(|item| match item {
        ActionItem::Action(action) => action_sexp(action),
        ActionItem::Error { .. } => error(),
    });
    let body = match &block.kind {
        BlockKind::Single => Sexp::list("single", actions),
        BlockKind::Every => Sexp::list("every", actions),
        BlockKind::Sample => Sexp::list("sample", actions),
        BlockKind::Choose { discriminant } => {
            Sexp::list("choose", std::iter::once(expr_sexp(discriminant)).chain(actions))
        }
    };
    match &block.condition {
        Some(condition) => Sexp::list("if-then", [expr_sexp(condition), body]),
        None => body,
    }
}

fn action_sexp(action: &Action) -> Sexp {
    let mut items = Vec::new();
    if let Some(label) = &action.label {
        items.push(Sexp::list("label", [ident(label)]));
    }
    items.push(match &action.domain {
        Some(domain) => Sexp::atom(format!("{}:{}", domain.name, action.name.name)),
        None => ident(&action.name),
    });
    items.extend(args(&action.args));
    if !action.setting.is_empty() {
        items.push(names("setting", &action.setting));
    }
    Sexp::list("action", items)
}

fn args(args: &Args) -> Vec<Sexp> {
    args.items
        .iter()
        .map(|item| match item {
            ArgItem::Arg(Arg {
                name: Some(name),
                value,
                ..
            }) => Sexp::list("=", [ident(name), expr_sexp(value)]),
            ArgItem::Arg(Arg {
                name: None, value, ..
            }) => expr_sexp(value),
            ArgItem::Error { .. } => error(),
        })
        .collect()
}

fn stmt_block(head: &str, block: &StmtBlock) -> Sexp {
    Sexp::list(
        head,
        block.stmts.iter().map(|item| match item {
            StmtItem::Statement(stmt) => statement(stmt),
            StmtItem::Error { .. } => error(),
        }),
    )
}

fn statement(stmt: &Statement) -> Sexp {
    let mut sexp = match &stmt.kind {
        StmtKind::PersistentAssignment {
            domain,
            name,
            path,
            value,
        } => {
            let mut items = vec![Sexp::atom(format!("{}:{}", domain.name, name.name))];
            items.extend(path.iter().map(|p| Sexp::list("path", [expr_sexp(p)])));
            items.push(expr_sexp(value));
            Sexp::list(":=", items)
        }
        StmtKind::Clear { domain, name, path } => {
            let mut items = vec![Sexp::atom(format!("{}:{}", domain.name, name.name))];
            items.extend(path.iter().map(|p| Sexp::list("path", [expr_sexp(p)])));
            Sexp::list("clear", items)
        }
        StmtKind::Raise {
            event,
            for_rid,
            attributes,
        } => {
            let mut items = event_ref(event);
            items.extend(for_rid.iter().map(|e| Sexp::list("for", [expr_sexp(e)])));
            items.extend(
                attributes
                    .iter()
                    .map(|e| Sexp::list("attributes", [expr_sexp(e)])),
            );
            Sexp::list("raise", items)
        }
        StmtKind::Schedule {
            event,
            time,
            attributes,
            setting,
        } => {
            let mut items = event_ref(event);
            items.push(match time {
                ScheduleTime::At { time } => Sexp::list("at", [expr_sexp(time)]),
                ScheduleTime::Repeat { timespec } => Sexp::list("repeat", [expr_sexp(timespec)]),
            });
            items.extend(
                attributes
                    .iter()
                    .map(|e| Sexp::list("attributes", [expr_sexp(e)])),
            );
            items.extend(setting.iter().map(|name| Sexp::list("setting", [ident(name)])));
            Sexp::list("schedule", items)
        }
        StmtKind::Log {
            level_word, message, ..
        } => Sexp::list("log", [ident(level_word), expr_sexp(message)]),
        StmtKind::Error {
            level_word, message, ..
        } => Sexp::list("error", [ident(level_word), expr_sexp(message)]),
        StmtKind::Last => Sexp::list("last", []),
        StmtKind::Declaration(decl) => declaration(decl),
    };
    if let (Some(guard), Sexp::List(items)) = (&stmt.guard, &mut sexp) {
        items.push(match guard {
            Guard::OnFinal { .. } => Sexp::list("on-final", []),
            Guard::If { condition } => Sexp::list("if", [expr_sexp(condition)]),
        });
    }
    sexp
}

fn event_ref(event: &EventRef) -> Vec<Sexp> {
    match event {
        EventRef::Static { domain, event_type } => {
            vec![ident(domain), Sexp::list("event", [expr_sexp(event_type)])]
        }
        EventRef::Dynamic { domain_and_type } => vec![Sexp::list("event", [expr_sexp(domain_and_type)])],
    }
}

fn regex(pattern: &str, flags: &str) -> Sexp {
    Sexp::atom(format!("re#{}#{flags}", pattern.replace('#', "\\#")))
}

fn params(params: &Params) -> Sexp {
    Sexp::list(
        "params",
        params.items.iter().map(|param| match &param.default {
            Some(default) => Sexp::list("=", [ident(&param.name), expr_sexp(default)]),
            None => ident(&param.name),
        }),
    )
}

pub fn expr_sexp(expr: &Expr) -> Sexp {
    match &expr.kind {
        ExprKind::Null => Sexp::atom("null"),
        ExprKind::Boolean { value } => Sexp::atom(value.to_string()),
        ExprKind::Number { value } => Sexp::atom(value.to_string()),
        ExprKind::String { value } => quoted(value),
        ExprKind::Chevron { parts } => Sexp::list(
            "chevron",
            parts.iter().map(|part| match part {
                ChevronPart::Text { value, .. } => quoted(value),
                ChevronPart::Beesting { expr } => Sexp::list("beesting", [expr_sexp(expr)]),
            }),
        ),
        ExprKind::RegExp { pattern, flags } => regex(pattern, flags),
        ExprKind::Identifier { name } => Sexp::atom(name.clone()),
        ExprKind::DomainIdentifier { domain, name } => Sexp::atom(format!("{}:{}", domain.name, name.name)),
        ExprKind::Paren { inner } => Sexp::list("paren", [expr_sexp(inner)]),
        ExprKind::Array { items } => Sexp::list(
            "array",
            items.iter().map(|item| match item {
                ArrayItem::Item { value } => expr_sexp(value),
                ArrayItem::Error { .. } => error(),
            }),
        ),
        ExprKind::Map { items } => Sexp::list(
            "map",
            items.iter().map(|item| match item {
                MapItem::Entry(entry) => Sexp::List(vec![quoted(&entry.key.value), expr_sexp(&entry.value)]),
                MapItem::Error { .. } => error(),
            }),
        ),
        ExprKind::Unary { op, operand } => {
            let head = match op {
                UnaryOp::Neg => "-",
                UnaryOp::Plus => "+",
                UnaryOp::Not => "not",
            };
            Sexp::list(head, [expr_sexp(operand)])
        }
        ExprKind::Binary { op, left, right } => Sexp::list(op.as_str(), [expr_sexp(left), expr_sexp(right)]),
        ExprKind::Conditional { test, then, else_ } => {
            Sexp::list("cond", [expr_sexp(test), expr_sexp(then), expr_sexp(else_)])
        }
        ExprKind::Dot { object, domain, name } => {
            let member = match domain {
                Some(domain) => Sexp::atom(format!("{}:{}", domain.name, name.name)),
                None => ident(name),
            };
            Sexp::list(".", [expr_sexp(object), member])
        }
        ExprKind::Index { object, index } => Sexp::list("[]", [expr_sexp(object), expr_sexp(index)]),
        ExprKind::Path { object, path } => Sexp::list("{}", [expr_sexp(object), expr_sexp(path)]),
        ExprKind::Call {
            callee,
            args: call_args,
        } => Sexp::list("call", std::iter::once(expr_sexp(callee)).chain(args(call_args))),
        ExprKind::Function(function) => {
            let mut items = vec![params(&function.params)];
            items.extend(function.body.iter().map(decl_item));
            let result = expr_sexp(&function.result);
            items.push(if function.explicit_return {
                Sexp::list("return", [result])
            } else {
                result
            });
            Sexp::list("function", items)
        }
        ExprKind::Defaction(defaction) => {
            let mut items = vec![params(&defaction.params)];
            items.extend(defaction.body.iter().map(decl_item));
            items.extend(defaction.actions.iter().map(action_block));
            items.extend(
                defaction
                    .result
                    .iter()
                    .map(|e| Sexp::list("return", [expr_sexp(e)])),
            );
            Sexp::list("defaction", items)
        }
        ExprKind::Error => error(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use krl_diagnostics::FileId;

    fn expr(src: &str) -> String {
        let (expr, diagnostics) = krl_syntax::parse_expression(FileId(0), src);
        assert!(diagnostics.is_empty(), "{src}: {diagnostics:?}");
        expr_to_string(&expr.expect("an expression"))
    }

    #[test]
    fn precedence_is_visible() {
        assert_eq!(expr("1 + 2 * 3"), "(+ 1 (* 2 3))");
        assert_eq!(expr("-x.length()"), "(- (call (. x length)))");
        assert_eq!(expr("a => b | c"), "(cond a b c)");
    }

    #[test]
    fn long_lists_break_with_leading_atoms_on_the_first_line() {
        let long = Sexp::list("rule", (0..30).map(|i| Sexp::atom(format!("item{i}"))));
        assert!(long.pretty().starts_with("(rule item0 item1"));
        let nested = Sexp::list(
            "rule",
            [
                Sexp::atom("r"),
                Sexp::list("pre", (0..30).map(|i| Sexp::atom(format!("x{i}")))),
            ],
        );
        assert!(
            nested.pretty().starts_with("(rule r\n  (pre x0"),
            "{}",
            nested.pretty()
        );
    }
}
