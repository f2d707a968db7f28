//! The verifier over a whole ruleset's IR (see [`crate::ir_verify`]): each part is checked
//! in the frames the engine runs it in (`ruleset/run.rs`).

use krl_runtime::engine::RuleSelect;
use krl_runtime::engine::select::EventExpr;

use super::ir::{EventTarget, Guard, RuleIr, RulesetIr, ScheduleWhen, StmtIr, StmtKind};
use crate::ir_verify::{IrError, Verifier};

/// Every broken invariant of a lowered ruleset.
pub fn ruleset(ir: &RulesetIr) -> Result<(), Vec<IrError>> {
    let mut v = Verifier::new(&[ir.n_global_slots]);
    v.decls(&ir.configure);
    for use_ in &ir.uses {
        use_.with.iter().for_each(|(_, value)| v.node(value));
    }
    v.decls(&ir.globals);
    for (name, slot) in &ir.exports {
        if *slot >= ir.n_global_slots {
            v.error(format!(
                "export `{name}` is s{slot} of {} global slots",
                ir.n_global_slots
            ));
        }
    }
    if let Some(slot) = ir.testing_slot.filter(|slot| *slot >= ir.n_global_slots) {
        v.error(format!(
            "`__testing` is s{slot} of {} global slots",
            ir.n_global_slots
        ));
    }
    if ir.specs.len() != ir.rules.len() {
        v.error(format!(
            "{} rule specs for {} rules",
            ir.specs.len(),
            ir.rules.len()
        ));
    }
    for (spec, rule) in ir.specs.iter().zip(&ir.rules) {
        if let RuleSelect::When(expr) = &spec.select {
            where_ids(&mut v, expr, rule.wheres.len(), &spec.name);
        }
        self::rule(&mut v, rule);
    }
    v.finish()
}

/// Every `where` id of the event expression names one of the rule's conditions.
fn where_ids(v: &mut Verifier, expr: &EventExpr, n_wheres: usize, rule: &str) {
    let mut check = |id: Option<u32>| {
        if let Some(id) = id.filter(|id| *id as usize >= n_wheres) {
            v.error(format!("rule `{rule}` selects with where#{id} of {n_wheres}"));
        }
    };
    let mut stack = vec![expr];
    while let Some(expr) = stack.pop() {
        match expr {
            EventExpr::Leaf(leaf) | EventExpr::Count(_, leaf, _) | EventExpr::Repeat(_, leaf, _) => {
                check(leaf.where_id)
            }
            EventExpr::Or(args)
            | EventExpr::And(args)
            | EventExpr::Before(args)
            | EventExpr::Then(args)
            | EventExpr::After(args)
            | EventExpr::Any(_, args) => stack.extend(args),
            EventExpr::Between(a, b, c) | EventExpr::NotBetween(a, b, c) => {
                stack.extend([a.as_ref(), b.as_ref(), c.as_ref()])
            }
        }
    }
}

fn rule(v: &mut Verifier, rule: &RuleIr) {
    // `select where` and `within` run in an empty frame under the globals.
    v.in_heap_frame(0, |v| {
        if let Some(condition) = &rule.select_where {
            v.node(condition);
        }
        if let Some((amount, _)) = &rule.within {
            v.node(amount);
        }
    });
    for where_ in &rule.wheres {
        v.in_heap_frame(where_.n_slots, |v| {
            for (name, slot) in &where_.bindings {
                v.write(*slot, &format!("binding `{name}`"));
            }
            v.node(&where_.condition);
        });
    }
    v.in_heap_frame(rule.n_slots, |v| {
        for (name, slot) in &rule.bindings {
            v.write(*slot, &format!("binding `{name}`"));
        }
        body(v, rule, 0);
    });
}

/// The loops from `level` on, then the body in the innermost frame.
fn body(v: &mut Verifier, rule: &RuleIr, level: usize) {
    match rule.foreach.get(level) {
        Some(loop_) => {
            v.node(&loop_.collection);
            v.in_heap_frame(loop_.n_slots, |v| {
                for slot in [loop_.value_slot, loop_.key_slot].into_iter().flatten() {
                    v.write(slot, "a `foreach` variable");
                }
                body(v, rule, level + 1);
            });
        }
        None => {
            v.decls(&rule.pre);
            if let Some(actions) = &rule.actions {
                v.action_block(actions);
            }
            for stmt in rule.fired.iter().chain(&rule.notfired).chain(&rule.always) {
                statement(v, stmt);
            }
        }
    }
}

fn target(v: &mut Verifier, target: &EventTarget) {
    match target {
        EventTarget::Static { name, .. } => v.node(name),
        EventTarget::Dynamic(node) => v.node(node),
    }
}

fn statement(v: &mut Verifier, stmt: &StmtIr) {
    v.at(stmt.span);
    if let Some(Guard::If(condition)) = &stmt.guard {
        v.node(condition);
    }
    match &stmt.kind {
        StmtKind::EntSet { path, value, .. } => {
            path.iter().for_each(|path| v.node(path));
            v.node(value);
        }
        StmtKind::EntClear { path, .. } => path.iter().for_each(|path| v.node(path)),
        StmtKind::Raise { target: event, attrs } => {
            target(v, event);
            attrs.iter().for_each(|attrs| v.node(attrs));
        }
        StmtKind::Schedule {
            target: event,
            time,
            attrs,
            setting,
        } => {
            target(v, event);
            match time {
                ScheduleWhen::At(node) | ScheduleWhen::Repeat(node) => v.node(node),
            }
            attrs.iter().for_each(|attrs| v.node(attrs));
            if let Some(slot) = setting {
                v.write(*slot, "a schedule's `setting`");
            }
        }
        StmtKind::Log { message, .. } | StmtKind::Error { message, .. } => v.node(message),
        StmtKind::Last => {}
        StmtKind::Decl(decl) => v.decls(std::slice::from_ref(decl)),
    }
}
