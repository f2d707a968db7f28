//! `whole-entity-put` (W0112).
//!
//! # What it flags
//! A postlude assignment `ent:v := ent:v.put(key, value)` that stores the same persistent
//! variable with one entry changed (also written `put(ent:v, key, value)`).
//!
//! # Why
//! The whole value is read, copied and written back. `ent:v{key} := value` changes one entry
//! and lets the storage use its index; pico-engine prints a performance hint for this form.
//!
//! # Example
//! ```krl
//! fired { ent:visits := ent:visits.put(name, count) }
//! ```
//!
//! # Fix
//! `ent:visits{name} := count`.

use krl_diagnostics::{Diagnostic, codes};
use krl_syntax::ast::{Expr, ExprKind, StmtKind};
use krl_syntax::visit::Node;

use super::{Check, Kind, Lint, LintContext, NodeCx};

/// The nodes the check looks at.
const KINDS: &[Kind] = &[Kind::Stmt];

pub(super) const LINT: Lint = Lint {
    code: codes::WHOLE_ENTITY_PUT,
    check: Check::Node(KINDS, check),
};

fn is_ent(expr: &Expr, var: &str) -> bool {
    match &expr.kind {
        ExprKind::DomainIdentifier { domain, name } => domain.name == "ent" && name.name == var,
        ExprKind::Paren { inner } => is_ent(inner, var),
        _ => false,
    }
}

fn check(ctx: &LintContext, cx: &NodeCx, out: &mut Vec<Diagnostic>) {
    // Statements are in postludes only.
    let Node::Stmt(stmt) = cx.node else {
        return;
    };
    let StmtKind::PersistentAssignment {
        domain,
        name,
        path: None,
        value,
    } = &stmt.kind
    else {
        return;
    };
    if domain.name != "ent" {
        return;
    }
    let Some(("put", receiver, args)) = ctx.types.stdlib_call(value) else {
        return;
    };
    let mut rest = args.args();
    let receiver = match receiver {
        Some(receiver) => receiver,
        None => match rest.next() {
            Some(first) => &first.value,
            None => return,
        },
    };
    let rest: Vec<_> = rest.collect();
    if !is_ent(receiver, &name.name) || rest.len() != 2 || rest.iter().any(|arg| arg.name.is_some()) {
        return;
    }
    let src_hint = format!("write `ent:{}{{key}} := value`", name.name);
    out.push(
        Diagnostic::warning(
            LINT.code,
            ctx.at(stmt.span),
            format!("`ent:{}` is read, copied and written back to change one entry", name.name),
        )
        .with_help(src_hint)
        .with_note(
            "pico-engine reports: `Performance Hint: to leverage indexes use `ent:v{key} := value` instead of .put(key, value)`",
        ),
    );
}
