//! The runtime functions generated code calls: each does what the interpreter does for the
//! same IR node, on operands generated code has already evaluated.
//!
//! Every shim takes the [`JitCx`] and the node (for its span, operator and names), reads its
//! operands through pointers to values that stay alive for the call, writes a result into a
//! null `out`, and answers 0, or 1 with the error left in [`PENDING`]. No panic crosses the
//! boundary: each body runs under `catch_unwind`, and a panic becomes a runtime error.

#![allow(unsafe_code)]

use std::cell::RefCell;
use std::panic::{AssertUnwindSafe, catch_unwind};

use krl_runtime::value::number::js_remainder;
use krl_runtime::{RuntimeError, Value};

use super::entry::{HostRef, JitCx};
use crate::interp::{self, Closure, Env, at, limits};
use crate::ir::{Decl, Node};

thread_local! {
    /// The error of the failed shim, until the Rust caller of the generated code takes it.
    static PENDING: RefCell<Option<RuntimeError>> = const { RefCell::new(None) };
}

/// The pending error of a failed compiled call.
pub(crate) fn take_pending() -> RuntimeError {
    PENDING
        .with(|pending| pending.borrow_mut().take())
        .unwrap_or_else(|| RuntimeError::error("compiled code failed without an error"))
}

fn fail(error: RuntimeError) -> u32 {
    PENDING.with(|pending| *pending.borrow_mut() = Some(error));
    1
}

/// Runs `body`, turning an error or a panic into status 1.
fn guarded(body: impl FnOnce() -> Result<(), RuntimeError>) -> u32 {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => 0,
        Ok(Err(error)) => fail(error),
        Err(panic) => {
            let text = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            fail(RuntimeError::error(format!(
                "internal error in compiled code: {text}"
            )))
        }
    }
}

/// The pieces of the context a shim needs.
struct Parts<'c> {
    closure: &'c Closure,
    host: &'c mut HostRef<'c>,
}

/// # Safety
/// `cx` is the live context of the running compiled call.
unsafe fn parts<'c>(cx: *mut JitCx) -> Parts<'c> {
    // SAFETY: the caller passes the context `entry::Compiled::run` made, which outlives the
    // call, with a closure and a host that outlive it too.
    unsafe {
        Parts {
            closure: &*(*cx).closure,
            host: &mut *((*cx).host as *mut HostRef<'c>),
        }
    }
}

/// Writes `value` into `out`, which holds null.
///
/// # Safety
/// `out` points at a live value that owns nothing.
unsafe fn put(out: *mut Value, value: Value) {
    // SAFETY: per the contract, `out` is valid and its old value needs no drop.
    unsafe { out.write(value) };
}

/// A local of an enclosing frame; null with an error pending when it is not initialised.
pub(super) unsafe extern "C" fn local(cx: *mut JitCx, node: *const Node) -> *const Value {
    crate::tier::count_enclosing_local_lookup();
    let mut found: *const Value = std::ptr::null();
    let status = guarded(|| {
        // SAFETY: generated code passes its context and a node of its own IR.
        let (parts, node) = unsafe { (parts(cx), &*node) };
        let Node::Local {
            depth,
            slot,
            name,
            span,
        } = node
        else {
            return Err(RuntimeError::error(
                "compiled code read a local from another node",
            ));
        };
        // The frame lives as long as the closure, which outlives the call.
        found = at(
            parts.closure.env().ancestor(*depth).get(*slot, name),
            *span,
            &*parts.host.0,
        )?;
        Ok(())
    });
    if status == 0 { found } else { std::ptr::null() }
}

/// A binary operator through the stdlib (the operands were not two finite numbers).
pub(super) unsafe extern "C" fn binary(
    cx: *mut JitCx,
    node: *const Node,
    left: *const Value,
    right: *const Value,
    out: *mut Value,
) -> u32 {
    guarded(|| {
        // SAFETY: generated code passes its context, a node of its IR, live operands and a
        // null `out`.
        let (parts, node, left, right) = unsafe { (parts(cx), &*node, &*left, &*right) };
        let Node::Binary { op, span, .. } = node else {
            return Err(RuntimeError::error(
                "compiled code ran a binary operator of another node",
            ));
        };
        let args = [left.clone(), right.clone()];
        let value = at(op.invoke(parts.host.0, &args), *span, &*parts.host.0)?;
        // SAFETY: see above.
        unsafe { put(out, value) };
        Ok(())
    })
}

/// `object[key]`, `object{path}`, `object.name`.
pub(super) unsafe extern "C" fn get(
    cx: *mut JitCx,
    node: *const Node,
    object: *const Value,
    key: *const Value,
    out: *mut Value,
) -> u32 {
    guarded(|| {
        // SAFETY: as in `binary`.
        let (parts, node, object, key) = unsafe { (parts(cx), &*node, &*object, &*key) };
        let Node::Get { kind, span, .. } = node else {
            return Err(RuntimeError::error("compiled code read an index of another node"));
        };
        let value = at(
            interp::get(parts.host.0, object.clone(), key.clone(), *kind),
            *span,
            &*parts.host.0,
        )?;
        // SAFETY: as in `binary`.
        unsafe { put(out, value) };
        Ok(())
    })
}

/// A stdlib operator applied to `count` operands; operand `i` is moved out of its place
/// (left null) when bit `i` of `movable` is set (a temporary of the generated code holds it
/// alone), else cloned.
pub(super) unsafe extern "C" fn op(
    cx: *mut JitCx,
    node: *const Node,
    operands: *const *const Value,
    count: usize,
    movable: u64,
    out: *mut Value,
) -> u32 {
    guarded(|| {
        // SAFETY: as in `binary`; `operands` holds `count` pointers to live values.
        let (parts, node, operands) =
            unsafe { (parts(cx), &*node, std::slice::from_raw_parts(operands, count)) };
        let Node::Op { op, span, .. } = node else {
            return Err(RuntimeError::error(
                "compiled code ran an operator of another node",
            ));
        };
        let values: Vec<Value> = operands
            .iter()
            .enumerate()
            .map(|(idx, operand)| {
                if idx < 64 && movable & (1 << idx) != 0 {
                    // SAFETY: as above; generated code owns this temporary and reads it
                    // only to release it, which a null needs not.
                    unsafe { std::ptr::replace(*operand as *mut Value, Value::Null) }
                } else {
                    // SAFETY: as above.
                    unsafe { (**operand).clone() }
                }
            })
            .collect();
        let value = at(op.invoke(parts.host.0, &values), *span, &*parts.host.0)?;
        // SAFETY: as in `binary`.
        unsafe { put(out, value) };
        Ok(())
    })
}

/// A call that is not a direct call of the function itself.
pub(super) unsafe extern "C" fn call(
    cx: *mut JitCx,
    node: *const Node,
    callee: *const Value,
    args: *const *const Value,
    count: usize,
    out: *mut Value,
) -> u32 {
    guarded(|| {
        // SAFETY: as in `op`.
        let (parts, node, callee, args) = unsafe {
            (
                parts(cx),
                &*node,
                &*callee,
                std::slice::from_raw_parts(args, count),
            )
        };
        let Node::Call { span, .. } = node else {
            return Err(RuntimeError::error("compiled code made a call of another node"));
        };
        // SAFETY: as above.
        let args: Vec<Value> = args.iter().map(|arg| unsafe { (**arg).clone() }).collect();
        let value = if let Value::Function(callable) = callee
            && let Some(closure) = callable.as_any().downcast_ref::<Closure>()
        {
            // As the interpreter: the callee records its own error places.
            closure.invoke_at(parts.host.0, args, *span)?
        } else {
            at(
                interp::call_value(parts.host.0, callee, args, Vec::new()),
                *span,
                &*parts.host.0,
            )?
        };
        // SAFETY: as in `binary`.
        unsafe { put(out, value) };
        Ok(())
    })
}

/// A node this tier leaves to the interpreter (listed in ARCHITECTURE.md), evaluated in the
/// running call's frame.
pub(super) unsafe extern "C" fn eval(
    cx: *mut JitCx,
    node: *const Node,
    slots: *const Value,
    out: *mut Value,
) -> u32 {
    guarded(|| {
        // SAFETY: as in `binary`; `slots` holds the running call's `n_slots` values.
        let (parts, node) = unsafe { (parts(cx), &*node) };
        let n_slots = usize::from(parts.closure.ir().body.n_slots);
        let stack = if n_slots == 0 {
            &[][..]
        } else {
            // SAFETY: as above.
            unsafe { std::slice::from_raw_parts(slots, n_slots) }
        };
        let env = Env {
            frame: parts.closure.env(),
            stack,
        };
        let value = interp::eval_in(node, &env, parts.host.0)?;
        // SAFETY: as in `binary`.
        unsafe { put(out, value) };
        Ok(())
    })
}

/// Binds a declaration of a rule's code into the frame the unit runs in (the closure's
/// environment), as the interpreter's `run_block` does; `value` is moved out (left null).
pub(super) unsafe extern "C" fn bind(cx: *mut JitCx, decl: *const Decl, value: *mut Value) {
    // SAFETY: generated code passes its context, a declaration of its unit and a value of a
    // temporary it owns, which it reads afterwards only to release it (null needs none).
    let (parts, decl, value) = unsafe { (parts(cx), &*decl, std::ptr::replace(value, Value::Null)) };
    parts.closure.env().set(decl.slot, value);
}

/// KRL truthiness of a value that is not null, a boolean or a number.
pub(super) unsafe extern "C" fn truthy(value: *const Value) -> u32 {
    // SAFETY: generated code passes a live value.
    u32::from(unsafe { &*value }.truthy())
}

/// Clones `source` into `target`, which holds null.
pub(super) unsafe extern "C" fn clone(source: *const Value, target: *mut Value) {
    // SAFETY: generated code passes a live value and a null target.
    unsafe { target.write((*source).clone()) };
}

/// Releases what `value` owns, leaving null behind.
pub(super) unsafe extern "C" fn release(value: *mut Value) {
    // SAFETY: generated code passes a live value it owns.
    drop(unsafe { std::ptr::replace(value, Value::Null) });
}

/// JavaScript's `%` on two finite numbers, the divisor not zero.
pub(super) extern "C" fn remainder(a: f64, b: f64) -> f64 {
    js_remainder(a, b)
}

/// The error of a direct call past a limit: `kind` 0 the depth limit, 1 the step budget.
/// Names the function the call entered, as the interpreter's call does.
pub(super) unsafe extern "C" fn limit(cx: *mut JitCx, node: *const Node, kind: usize) {
    guarded(|| {
        // SAFETY: as in `binary`.
        let node = unsafe { &*node };
        let span = match node {
            Node::Call { span, .. } => *span,
            _ => krl_diagnostics::Span::empty(0),
        };
        // SAFETY: as in `binary`; `state` is the running host's execution state.
        let exec = unsafe { &*(*cx).state };
        Err(if kind == 0 {
            limits::too_deep_at(exec, span)
        } else {
            limits::budget_exhausted_at(exec, span)
        })
    });
    // SAFETY: as in `binary`.
    unsafe { left_function(cx) };
}

/// Records that an error left the running function (a direct call of it failed).
pub(super) unsafe extern "C" fn left_function(cx: *mut JitCx) {
    // SAFETY: as in `binary`.
    let (closure, exec) = unsafe { (&*(*cx).closure, &*(*cx).state) };
    exec.record_error_function(&closure.ir().name);
}
