//! A whole ruleset's IR as text, in the style of [`crate::ir_print`]: the global frame's
//! declarations, then each rule with its event expression, frames, body and postlude.

use krl_runtime::engine::RuleSelect;
use krl_runtime::engine::select::{EventExpr, Leaf};

use super::ir::{EventTarget, Guard, RuleIr, RulesetIr, ScheduleWhen, StmtIr, StmtKind};
use crate::ir_print::{Printer, span};

/// The text of a lowered ruleset.
pub fn ruleset(ir: &RulesetIr) -> String {
    let mut p = Printer::default();
    p.line("", &format!("ruleset {} globals={}", ir.rid, ir.n_global_slots));
    p.nested(|p| {
        if !ir.configure.is_empty() {
            p.line("", "configure");
            p.nested(|p| p.decls(&ir.configure));
        }
        for use_ in &ir.uses {
            p.line("", &format!("use {} alias {}", use_.rid, use_.alias));
            p.nested(|p| {
                for (name, value) in &use_.with {
                    p.node(&format!("with {name}"), value);
                }
            });
        }
        if !ir.globals.is_empty() {
            p.line("", "global");
            p.nested(|p| p.decls(&ir.globals));
        }
        for (name, slot) in &ir.exports {
            p.line("", &format!("export {name} s{slot}"));
        }
        for (name, _) in &ir.builtin_exports {
            p.line("", &format!("export {name} stdlib"));
        }
        if let Some(slot) = ir.testing_slot {
            p.line("", &format!("testing s{slot}"));
        }
        for (spec, rule) in ir.specs.iter().zip(&ir.rules) {
            p.line("", &format!("rule {} slots={}", spec.name, rule.n_slots));
            p.nested(|p| {
                match &spec.select {
                    RuleSelect::When(expr) => event_expr(p, "select when", expr),
                    RuleSelect::Where => p.line("", "select where"),
                }
                self::rule(p, rule);
            });
        }
    });
    p.out
}

fn event_expr(p: &mut Printer, label: &str, expr: &EventExpr) {
    let (head, children): (String, Vec<&EventExpr>) = match expr {
        EventExpr::Leaf(leaf) => return self::leaf(p, label, leaf, ""),
        EventExpr::Or(args) => ("or".into(), args.iter().collect()),
        EventExpr::And(args) => ("and".into(), args.iter().collect()),
        EventExpr::Before(args) => ("before".into(), args.iter().collect()),
        EventExpr::Then(args) => ("then".into(), args.iter().collect()),
        EventExpr::After(args) => ("after".into(), args.iter().collect()),
        EventExpr::Between(a, b, c) => ("between".into(), vec![a, b, c]),
        EventExpr::NotBetween(a, b, c) => ("not between".into(), vec![a, b, c]),
        EventExpr::Any(n, args) => (format!("any {n}"), args.iter().collect()),
        EventExpr::Count(n, leaf, agg) | EventExpr::Repeat(n, leaf, agg) => {
            let op = if matches!(expr, EventExpr::Count(..)) {
                "count"
            } else {
                "repeat"
            };
            let agg = agg
                .as_ref()
                .map(|agg| format!(" {:?}({})", agg.op, agg.vars.join(", ")))
                .unwrap_or_default();
            return self::leaf(p, label, leaf, &format!("{op} {n}{agg} "));
        }
    };
    p.line(label, &head);
    p.nested(|p| children.into_iter().for_each(|child| event_expr(p, "", child)));
}

fn leaf(p: &mut Printer, label: &str, leaf: &Leaf, prefix: &str) {
    let mut text = format!("{prefix}{} {}", leaf.domain, leaf.name);
    for (name, regex) in &leaf.attrs {
        text.push_str(&format!(" {name} {}", regex.to_krl_string()));
    }
    if !leaf.setting.is_empty() {
        text.push_str(&format!(" setting({})", leaf.setting.join(", ")));
    }
    if let Some(id) = leaf.where_id {
        text.push_str(&format!(" where#{id}"));
    }
    p.line(label, &text);
}

fn rule(p: &mut Printer, rule: &RuleIr) {
    if let Some(condition) = &rule.select_where {
        p.node("where", condition);
    }
    for (id, where_) in rule.wheres.iter().enumerate() {
        p.line("", &format!("where#{id} slots={}", where_.n_slots));
        p.nested(|p| {
            for (name, slot) in &where_.bindings {
                p.line("", &format!("bind {name} s{slot}"));
            }
            p.node("condition", &where_.condition);
        });
    }
    if let Some((amount, unit)) = &rule.within {
        p.node(&format!("within x{unit}ms"), amount);
    }
    for (name, slot) in &rule.bindings {
        p.line("", &format!("bind {name} s{slot}"));
    }
    for loop_ in &rule.foreach {
        let slot = |slot: Option<u16>| slot.map_or("-".to_string(), |s| format!("s{s}"));
        let head = format!(
            "foreach slots={} value={} key={}",
            loop_.n_slots,
            slot(loop_.value_slot),
            slot(loop_.key_slot)
        );
        p.node(&head, &loop_.collection);
    }
    if !rule.pre.is_empty() {
        p.line("", "pre");
        p.nested(|p| p.decls(&rule.pre));
    }
    if let Some(actions) = &rule.actions {
        p.action_block(actions);
    }
    for (name, stmts) in [
        ("fired", &rule.fired),
        ("notfired", &rule.notfired),
        ("always", &rule.always),
    ] {
        if !stmts.is_empty() {
            p.line("", name);
            p.nested(|p| stmts.iter().for_each(|stmt| statement(p, stmt)));
        }
    }
}

fn target(p: &mut Printer, target: &EventTarget) {
    match target {
        EventTarget::Static { domain, name } => p.node(&format!("event {domain}"), name),
        EventTarget::Dynamic(node) => p.node("event", node),
    }
}

fn statement(p: &mut Printer, stmt: &StmtIr) {
    let at = span(stmt.span);
    let guard = |p: &mut Printer| match &stmt.guard {
        Some(Guard::OnFinal) => p.line("", "on final"),
        Some(Guard::If(condition)) => p.node("if", condition),
        None => {}
    };
    match &stmt.kind {
        StmtKind::EntSet { name, path, value } => {
            p.line("", &format!("ent:{name} := {at}"));
            p.nested(|p| {
                if let Some(path) = path {
                    p.node("path", path);
                }
                p.node("value", value);
                guard(p);
            });
        }
        StmtKind::EntClear { name, path } => {
            p.line("", &format!("clear ent:{name} {at}"));
            p.nested(|p| {
                if let Some(path) = path {
                    p.node("path", path);
                }
                guard(p);
            });
        }
        StmtKind::Raise { target: event, attrs } => {
            p.line("", &format!("raise {at}"));
            p.nested(|p| {
                target(p, event);
                if let Some(attrs) = attrs {
                    p.node("attributes", attrs);
                }
                guard(p);
            });
        }
        StmtKind::Schedule {
            target: event,
            time,
            attrs,
            setting,
        } => {
            let setting = setting.map(|s| format!(" setting=s{s}")).unwrap_or_default();
            p.line("", &format!("schedule{setting} {at}"));
            p.nested(|p| {
                target(p, event);
                match time {
                    ScheduleWhen::At(time) => p.node("at", time),
                    ScheduleWhen::Repeat(spec) => p.node("repeat", spec),
                }
                if let Some(attrs) = attrs {
                    p.node("attributes", attrs);
                }
                guard(p);
            });
        }
        StmtKind::Log { level, message } | StmtKind::Error { level, message } => {
            let word = if matches!(stmt.kind, StmtKind::Log { .. }) {
                "log"
            } else {
                "error"
            };
            p.line("", &format!("{word} {level} {at}"));
            p.nested(|p| {
                p.node("message", message);
                guard(p);
            });
        }
        StmtKind::Last => {
            p.line("", &format!("last {at}"));
            p.nested(guard);
        }
        StmtKind::Decl(decl) => {
            p.decl(decl);
            p.nested(guard);
        }
    }
}
