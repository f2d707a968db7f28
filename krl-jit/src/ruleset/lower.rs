//! Lowering a whole ruleset: meta facts, the global frame, and each rule's event expression,
//! frames and statements.

use std::sync::Arc;

use krl_builtins::TESTING;
use krl_runtime::engine::select::{self, EventExpr, Leaf};
use krl_runtime::engine::{RuleSelect, RuleSpec, RulesetMeta, backend::ModuleUse};
use krl_runtime::value::Regex;
use krl_syntax::ast::{self, EventExprKind, ExprKind, MetaPropKind, SelectKind, StmtKind as AstStmt};

use super::code::{RuleCode, StmtCode};
use super::ir::{
    EventTarget, ForeachIr, Guard, RuleIr, RulesetIr, ScheduleWhen, StmtIr, StmtKind, UseIr, WhereIr,
};
use super::testing;
use crate::lower::{Export, Lowerer, StaticKind};
use krl_check::DeclId;

/// What the `meta` block gives lowering besides [`RulesetMeta`].
struct MetaParts<'a> {
    configure: Vec<&'a ast::Declaration>,
    uses: Vec<(&'a ast::Rid, Option<&'a ast::Ident>, &'a [ast::DeclItem])>,
    /// `shares` and `provides` names, with the verb the reference's error uses.
    exports: Vec<(&'a ast::Ident, &'static str)>,
}

/// Lowers a parsed ruleset. Errors are left in `lowerer.diagnostics`.
pub fn ruleset(lowerer: &mut Lowerer, ruleset: &ast::Ruleset) -> RulesetIr {
    lowerer.resolve_ruleset(ruleset);
    let (meta, parts) = self::meta(lowerer, ruleset);
    lowerer.testing = testing::generated(ruleset, &meta.shares);
    // The global frame: configure names, then globals (one scope for the resolver).
    let configure = lowerer.decls(&parts.configure);
    // `with` values are evaluated in the user's scope at its initialisation, before globals.
    let uses = parts
        .uses
        .into_iter()
        .map(|(rid, alias, with)| UseIr {
            rid: Arc::from(rid.name.as_str()),
            alias: Arc::from(alias.map_or(rid.name.as_str(), |a| a.name.as_str())),
            with: ast::declarations(with)
                .map(|d| (Arc::from(d.name.name.as_str()), lowerer.node(&d.value)))
                .collect(),
        })
        .collect();
    let global_decls: Vec<&ast::Declaration> = ruleset
        .global
        .iter()
        .flat_map(|g| ast::declarations(&g.decls))
        .collect();
    let globals = lowerer.decls(&global_decls);
    // Matches pico-engine: a query of `__testing` answers the ruleset's own declaration.
    let testing_slot = global_decls
        .iter()
        .chain(&parts.configure)
        .filter(|decl| decl.name.name == TESTING)
        .find_map(|decl| lowerer.declared_slot(decl.name.span))
        .map(|(_, slot)| slot);
    let mut exports = Vec::new();
    let mut builtin_exports = Vec::new();
    for (name, verb) in parts.exports {
        match lowerer.export(name, verb) {
            Some(Export::Slot(slot)) => exports.push((name.name.to_string(), slot)),
            Some(Export::Value(value)) => builtin_exports.push((name.name.to_string(), value)),
            Some(Export::Testing) | None => {}
        }
    }
    let (specs, rules) = self::rules(lowerer, ruleset);
    // Inactive rules are not compiled; rule traces still name them (`why.rs`).
    let inactive = ruleset
        .rules()
        .filter(|r| !r.is_active())
        .map(|r| (r.name.name.to_string(), r.name.span))
        .collect();
    RulesetIr {
        rid: ruleset.rid.name.clone(),
        meta,
        n_global_slots: lowerer.scopes.innermost_size(),
        configure,
        uses,
        globals,
        specs,
        inactive,
        rules,
        exports,
        builtin_exports,
        testing: lowerer.testing.clone(),
        testing_slot,
    }
}

/// The meta facts the engine keeps, and the parts of `meta` lowering compiles.
fn meta<'a>(lowerer: &mut Lowerer, ruleset: &'a ast::Ruleset) -> (RulesetMeta, MetaParts<'a>) {
    let mut meta = RulesetMeta::default();
    let mut parts = MetaParts {
        configure: Vec::new(),
        uses: Vec::new(),
        exports: Vec::new(),
    };
    for prop in ruleset.meta.iter().flat_map(|m| m.props()) {
        match &prop.kind {
            MetaPropKind::Value { value } => {
                let text = literal_text(value);
                match prop.key.name.as_str() {
                    "name" => meta.name = text,
                    "description" => meta.description = text,
                    "author" => meta.author = text,
                    _ => meta.version = text,
                }
            }
            MetaPropKind::Shares { names } => {
                meta.shares.extend(names.iter().map(|n| n.name.to_string()));
                parts.exports.extend(names.iter().map(|n| (n, "share")));
            }
            MetaPropKind::Provides { names } => {
                meta.provides.extend(names.iter().map(|n| n.name.to_string()));
                parts.exports.extend(names.iter().map(|n| (n, "provide")));
            }
            MetaPropKind::Configure { decls } => parts.configure.extend(ast::declarations(decls)),
            MetaPropKind::Use { rid, alias, with } => {
                meta.uses.push(ModuleUse {
                    rid: rid.name.clone(),
                    alias: alias
                        .as_ref()
                        .map_or_else(|| rid.name.to_string(), |a| a.name.to_string()),
                });
                parts.uses.push((rid, alias.as_ref(), with));
            }
            MetaPropKind::Key { .. } => lowerer.error(prop.span, "RulesetMetaProperty not supported: keys"),
            MetaPropKind::ErrorsTo { .. } => {
                lowerer.error(prop.span, "RulesetMetaProperty not supported: errors")
            }
            MetaPropKind::ProvidesKeys { .. } => {
                lowerer.error(prop.span, "RulesetMetaProperty not supported: provides_keys")
            }
            MetaPropKind::Logging { .. } => {}
        }
    }
    meta.configure = parts.configure.iter().map(|d| d.name.name.to_string()).collect();
    (meta, parts)
}

/// The active rules: what the engine selects on, and each rule's IR.
fn rules(lowerer: &mut Lowerer, ruleset: &ast::Ruleset) -> (Vec<RuleSpec>, Vec<RuleIr>) {
    let mut specs = Vec::new();
    let mut rules = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    for rule in ruleset.rules().filter(|r| r.is_active()) {
        if seen.contains(&rule.name.name.as_str()) {
            lowerer.error(rule.name.span, format!("Duplicate rule name: {}", rule.name.name));
        }
        seen.push(&rule.name.name);
        let Some(select) = &rule.select else {
            lowerer.error(
                rule.name.span,
                format!("rule {} is missing a `select`", rule.name.name),
            );
            continue;
        };
        let (spec, ir) = self::rule(lowerer, rule, select);
        specs.push(spec);
        rules.push(ir);
    }
    (specs, rules)
}

/// The text of a literal meta value (`name "x"`); other expressions are not evaluated.
fn literal_text(expr: &ast::Expr) -> Option<String> {
    match &expr.kind {
        ExprKind::String { value } => Some(value.clone()),
        ExprKind::Number { value } => Some(krl_runtime::value::number::format_number(*value)),
        ExprKind::Chevron { parts } => parts
            .iter()
            .map(|part| match part {
                ast::ChevronPart::Text { value, .. } => Some(value.as_str()),
                ast::ChevronPart::Beesting { .. } => None,
            })
            .collect::<Option<String>>(),
        _ => None,
    }
}

fn rule(lowerer: &mut Lowerer, rule: &ast::Rule, select: &ast::Select) -> (RuleSpec, RuleIr) {
    let mut wheres = Vec::new();
    let mut binding_names: Vec<(String, Option<DeclId>)> = Vec::new();
    let (spec_select, select_where, within) = match &select.kind {
        SelectKind::When { event, within } => {
            let expr = event_expr(lowerer, event, &mut wheres, &mut binding_names);
            in_setting_order(&mut binding_names, &expr);
            let within = within.as_ref().map(|w| {
                lowerer.scopes.push();
                let amount = lowerer.node(&w.amount);
                lowerer.scopes.pop();
                // Matches pico-engine: an unknown unit means milliseconds.
                (amount, w.unit.map_or(1.0, |u| u.millis()))
            });
            (RuleSelect::When(expr), None, within)
        }
        SelectKind::Where { condition } => {
            lowerer.scopes.push();
            let node = lowerer.node(condition);
            lowerer.scopes.pop();
            (RuleSelect::Where, Some(node), None)
        }
    };
    lowerer.scopes.push();
    let bindings: Vec<(String, u16)> = binding_names
        .iter()
        .map(|(name, decl)| (name.clone(), lowerer.scopes.declare(*decl, StaticKind::Unknown)))
        .collect();
    let mut foreach = Vec::new();
    for loop_ in &rule.foreach {
        // The collection is evaluated in the enclosing frame; the loop's names in a new one.
        let collection = lowerer.node(&loop_.collection);
        lowerer.scopes.push();
        let value_slot = loop_
            .setting
            .first()
            .map(|n| lowerer.declare(n, StaticKind::Unknown));
        let key_slot = loop_
            .setting
            .get(1)
            .map(|n| lowerer.declare(n, StaticKind::Unknown));
        foreach.push(ForeachIr {
            collection,
            n_slots: 0,
            value_slot,
            key_slot,
        });
    }
    let pre_decls: Vec<&ast::Declaration> = rule
        .pre
        .iter()
        .flat_map(|p| ast::declarations(&p.decls))
        .collect();
    let pre = lowerer.decls(&pre_decls);
    let actions = rule
        .action_block
        .as_ref()
        .map(|block| lowerer.action_block(block));
    let (mut fired, mut notfired, mut always) = (Vec::new(), Vec::new(), Vec::new());
    if let Some(postlude) = &rule.postlude {
        fired = statements(lowerer, postlude.fired());
        notfired = statements(lowerer, postlude.notfired());
        always = statements(lowerer, postlude.always());
    }
    for level in foreach.iter_mut().rev() {
        level.n_slots = lowerer.scopes.pop();
    }
    let rule_size = lowerer.scopes.pop();
    let spec = RuleSpec {
        name: rule.name.name.to_string(),
        select: spec_select,
        span: rule.name.span,
    };
    let action_args: Vec<usize> = actions.as_ref().map_or_else(Vec::new, |block| {
        block
            .actions
            .iter()
            .map(|action| action.args.positional.len() + action.args.named.len())
            .collect()
    });
    let code = RuleCode::new(&spec.name, wheres.len(), foreach.len(), &action_args);
    let ir = RuleIr {
        code,
        n_slots: rule_size,
        bindings,
        select_where,
        wheres,
        within,
        foreach,
        pre,
        actions,
        fired,
        notfired,
        always,
    };
    (spec, ir)
}

fn event_expr(
    lowerer: &mut Lowerer,
    expr: &ast::EventExpr,
    wheres: &mut Vec<WhereIr>,
    names: &mut Vec<(String, Option<DeclId>)>,
) -> EventExpr {
    // One level of a recursion as deep as the source nests (see `krl_syntax::nesting`).
    krl_syntax::nesting::with_stack(|| event_expr_unguarded(lowerer, expr, wheres, names))
}

fn event_expr_unguarded(
    lowerer: &mut Lowerer,
    expr: &ast::EventExpr,
    wheres: &mut Vec<WhereIr>,
    names: &mut Vec<(String, Option<DeclId>)>,
) -> EventExpr {
    let mut children = |lowerer: &mut Lowerer, args: &[ast::EventExpr]| -> Vec<EventExpr> {
        args.iter()
            .map(|arg| event_expr(lowerer, arg, wheres, names))
            .collect()
    };
    match &expr.kind {
        EventExprKind::Event(base) => EventExpr::Leaf(leaf(lowerer, base, wheres, names)),
        EventExprKind::Paren { inner } => event_expr(lowerer, inner, wheres, names),
        EventExprKind::Op { op, args, .. } => {
            let mut args = children(lowerer, args);
            match op {
                ast::EventOp::Or => EventExpr::Or(args),
                ast::EventOp::And => EventExpr::And(args),
                ast::EventOp::Before => EventExpr::Before(args),
                ast::EventOp::Then => EventExpr::Then(args),
                ast::EventOp::After => EventExpr::After(args),
                ast::EventOp::Between | ast::EventOp::NotBetween if args.len() == 3 => {
                    let (c, b, a) = (args.pop(), args.pop(), args.pop());
                    let (Some(a), Some(b), Some(c)) = (a, b, c) else {
                        unreachable!("three arguments")
                    };
                    if *op == ast::EventOp::Between {
                        EventExpr::Between(Box::new(a), Box::new(b), Box::new(c))
                    } else {
                        EventExpr::NotBetween(Box::new(a), Box::new(b), Box::new(c))
                    }
                }
                ast::EventOp::Between | ast::EventOp::NotBetween => EventExpr::Or(args),
            }
        }
        EventExprKind::Any { n, args, .. } => EventExpr::Any(*n, children(lowerer, args)),
        EventExprKind::Group {
            op,
            n,
            event,
            aggregator,
            ..
        } => {
            let leaf = match &event.kind {
                EventExprKind::Event(base) => leaf(lowerer, base, wheres, names),
                _ => Leaf {
                    domain: String::new(),
                    name: String::new(),
                    attrs: Vec::new(),
                    setting: Vec::new(),
                    where_id: None,
                },
            };
            let aggregator = aggregator.as_ref().map(|agg| {
                for var in &agg.vars {
                    push_name(lowerer, names, var);
                }
                select::Aggregator {
                    op: match agg.op {
                        ast::AggregatorOp::Max => select::AggregatorOp::Max,
                        ast::AggregatorOp::Min => select::AggregatorOp::Min,
                        ast::AggregatorOp::Sum => select::AggregatorOp::Sum,
                        ast::AggregatorOp::Avg => select::AggregatorOp::Avg,
                        ast::AggregatorOp::Push => select::AggregatorOp::Push,
                    },
                    vars: agg.vars.iter().map(|v| v.name.to_string()).collect(),
                }
            });
            match op {
                ast::GroupOp::Count => EventExpr::Count(*n, leaf, aggregator),
                ast::GroupOp::Repeat => EventExpr::Repeat(*n, leaf, aggregator),
            }
        }
        EventExprKind::Error => EventExpr::Or(Vec::new()),
    }
}

/// Orders a rule's bindings as the engine sends them (`RulesetInstance::run_rule`): by
/// [`select::setting_names`], so that the i-th value goes to the i-th slot.
fn in_setting_order(names: &mut [(String, Option<DeclId>)], expr: &EventExpr) {
    let order = select::setting_names(expr);
    names.sort_by_key(|(name, _)| order.iter().position(|n| n == name).unwrap_or(usize::MAX));
}

/// Adds a setting or aggregator variable to the rule's bindings, once per name.
fn push_name(lowerer: &Lowerer, names: &mut Vec<(String, Option<DeclId>)>, name: &ast::Ident) {
    if !names.iter().any(|(n, _)| *n == name.name) {
        names.push((name.name.to_string(), lowerer.declaration(name)));
    }
}

fn leaf(
    lowerer: &mut Lowerer,
    base: &ast::BaseEvent,
    wheres: &mut Vec<WhereIr>,
    names: &mut Vec<(String, Option<DeclId>)>,
) -> Leaf {
    let attrs = base
        .attrs
        .iter()
        .filter_map(|attr| match Regex::new(&attr.regex.pattern, &attr.regex.flags) {
            Ok(regex) => Some((attr.name.name.to_string(), regex)),
            Err(err) => {
                lowerer.error(attr.regex.span, err.to_string());
                None
            }
        })
        .collect();
    for name in &base.setting {
        push_name(lowerer, names, name);
    }
    let where_id = base.where_.as_ref().map(|condition| {
        lowerer.scopes.push();
        let bindings = base
            .setting
            .iter()
            .map(|n| (n.name.to_string(), lowerer.declare(n, StaticKind::Unknown)))
            .collect();
        let condition = lowerer.node(condition);
        let n_slots = lowerer.scopes.pop();
        wheres.push(WhereIr {
            n_slots,
            bindings,
            condition,
        });
        (wheres.len() - 1) as u32
    });
    Leaf {
        domain: base.domain.name.to_string(),
        name: base.event_type.name.to_string(),
        attrs,
        setting: base.setting.iter().map(|n| n.name.to_string()).collect(),
        where_id,
    }
}

fn statements(lowerer: &mut Lowerer, block: Option<&ast::StmtBlock>) -> Vec<StmtIr> {
    let Some(block) = block else { return Vec::new() };
    block.statements().map(|stmt| statement(lowerer, stmt)).collect()
}

fn level(level: Option<ast::LogLevel>) -> &'static str {
    match level {
        Some(ast::LogLevel::Error) => "error",
        Some(ast::LogLevel::Warn) => "warn",
        Some(ast::LogLevel::Debug) => "debug",
        Some(ast::LogLevel::Info) | None => "info",
    }
}

fn statement(lowerer: &mut Lowerer, stmt: &ast::Statement) -> StmtIr {
    let guard = stmt.guard.as_ref().map(|guard| match guard {
        ast::Guard::OnFinal { .. } => Guard::OnFinal,
        ast::Guard::If { condition } => Guard::If(lowerer.node(condition)),
    });
    let kind = match &stmt.kind {
        AstStmt::PersistentAssignment {
            domain,
            name,
            path,
            value,
        } => {
            if domain.name != "ent" {
                lowerer.error(
                    domain.span,
                    "PersistentVariableAssignment - only works on ent:* variables",
                );
            }
            StmtKind::EntSet {
                name: Arc::from(name.name.as_str()),
                path: path.as_ref().map(|p| lowerer.node(p)),
                value: lowerer.node(value),
            }
        }
        AstStmt::Clear { domain, name, path } => {
            if domain.name != "ent" {
                lowerer.error(
                    domain.span,
                    format!(
                        "ClearPersistentVariable only works for `ent:`, not `{}:`",
                        domain.name
                    ),
                );
            }
            StmtKind::EntClear {
                name: Arc::from(name.name.as_str()),
                path: path.as_ref().map(|p| lowerer.node(p)),
            }
        }
        AstStmt::Raise {
            event, attributes, ..
        } => StmtKind::Raise {
            target: event_target(lowerer, event),
            attrs: attributes.as_ref().map(|a| lowerer.node(a)),
        },
        AstStmt::Schedule {
            event,
            time,
            attributes,
            setting,
        } => {
            let target = event_target(lowerer, event);
            let time = match time {
                ast::ScheduleTime::At { time } => ScheduleWhen::At(lowerer.node(time)),
                ast::ScheduleTime::Repeat { timespec } => ScheduleWhen::Repeat(lowerer.node(timespec)),
            };
            let attrs = attributes.as_ref().map(|a| lowerer.node(a));
            // The name is declared after the expressions, which cannot see it.
            let setting = setting
                .as_ref()
                .map(|name| lowerer.declare(name, StaticKind::Unknown));
            StmtKind::Schedule {
                target,
                time,
                attrs,
                setting,
            }
        }
        AstStmt::Log {
            level: l, message, ..
        } => StmtKind::Log {
            level: level(*l),
            message: lowerer.node(message),
        },
        AstStmt::Error {
            level: l, message, ..
        } => StmtKind::Error {
            level: level(*l),
            message: lowerer.node(message),
        },
        AstStmt::Last => StmtKind::Last,
        AstStmt::Declaration(decl) => {
            let mut lowered = lowerer.decls(&[decl]);
            match lowered.pop() {
                Some(decl) => StmtKind::Decl(decl),
                None => StmtKind::Last,
            }
        }
    };
    StmtIr {
        kind,
        guard,
        span: stmt.span,
        code: StmtCode::default(),
    }
}

fn event_target(lowerer: &mut Lowerer, event: &ast::EventRef) -> EventTarget {
    match event {
        ast::EventRef::Static { domain, event_type } => EventTarget::Static {
            domain: Arc::from(domain.name.as_str()),
            name: lowerer.node(event_type),
        },
        ast::EventRef::Dynamic { domain_and_type } => EventTarget::Dynamic(lowerer.node(domain_and_type)),
    }
}
