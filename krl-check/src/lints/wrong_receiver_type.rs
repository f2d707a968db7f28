//! `wrong-receiver-type` (W0113).
//!
//! # What it flags
//! A map operator applied to a value whose type is certain and that is not a map or an
//! array: `put` (returns its receiver unchanged), `keys` and `values` (return `[]`).
//!
//! # Why
//! The call does nothing useful, so the receiver is probably the wrong variable or misses a
//! conversion (for example a JSON string that should be `decode()`d first).
//!
//! # Example
//! ```krl
//! totals = 5.put("a", 1)
//! ```
//!
//! # Fix
//! Call it on a map or an array, e.g. `"{...}".decode().put("a", 1)` or `{}.put("a", 1)`.

use krl_diagnostics::{Diagnostic, codes};

use krl_syntax::visit::Node;

use super::{Check, Kind, Lint, LintContext, NodeCx};
use crate::types::Ty;

/// The nodes the check looks at.
const KINDS: &[Kind] = &[Kind::Call];

pub(super) const LINT: Lint = Lint {
    code: codes::WRONG_RECEIVER_TYPE,
    check: Check::Node(KINDS, check),
};

fn check(ctx: &LintContext, cx: &NodeCx, out: &mut Vec<Diagnostic>) {
    let Node::Expr(expr) = cx.node else {
        return;
    };
    let Some((name, receiver, args)) = ctx.types.stdlib_call(expr) else {
        return;
    };
    let effect = match name {
        "put" => "returns it unchanged",
        "keys" | "values" => "always gives `[]`",
        _ => return,
    };
    let receiver = match receiver {
        Some(receiver) => receiver,
        None => match args.args().next() {
            Some(first) if first.name.is_none() => &first.value,
            _ => return,
        },
    };
    let Some(ty) = ctx.types.infer(receiver) else {
        return;
    };
    if matches!(ty, Ty::Map | Ty::Array) {
        return;
    }
    out.push(
        Diagnostic::warning(
            LINT.code,
            ctx.at(receiver.span),
            format!("`{name}` on a {} {effect}", ty.name()),
        )
        .with_label(format!("this is a {}", ty.name()))
        .with_help("call it on a map or an array"),
    );
}
