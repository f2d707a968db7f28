//! Limits on runaway code (a call-depth limit and a step budget) and native-stack growth,
//! over the host's execution state ([`ExecState`], one per transaction).
//!
//! The state is reached through the host every call is given (`Host::exec`), never through
//! a thread-local: a `ctx:query` runs another pico's transaction on the same thread with a
//! host of its own, so each transaction counts its own depth and steps.

use krl_diagnostics::{FileId, Span};
use krl_runtime::{ExecState, Host, RuntimeError};

pub use krl_runtime::exec::DEFAULT_MAX_DEPTH;

/// Native stack kept free below a call's frame; when less is left, a new segment is made.
const RED_ZONE: usize = 64 * 1024;
/// The size of each new native stack segment.
const STACK_SEGMENT: usize = 4 * 1024 * 1024;

/// The error of a call past the depth limit, pointing at `call_span`.
pub(crate) fn too_deep_at(exec: &ExecState, call_span: Span) -> RuntimeError {
    exec.record_error_span(call_span);
    exec.too_deep()
}

/// The error of a call when the budget is spent, pointing at `call_span`.
pub(crate) fn budget_exhausted_at(exec: &ExecState, call_span: Span) -> RuntimeError {
    exec.record_error_span(call_span);
    exec.budget_exhausted()
}

/// Native stack kept free below a call's frame (see `stacker`), for compiled code's own
/// check before a direct call.
pub(crate) const fn red_zone() -> usize {
    RED_ZONE
}

/// Runs `body` on a fresh stack segment when the stack runs low. For the nodes that nest as
/// deeply as the source does (arrays, maps, chevrons, indexing) between two calls, which
/// check the stack themselves.
#[inline]
pub(crate) fn with_stack<T>(body: impl FnOnce() -> T) -> T {
    stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, body)
}

/// Runs a KRL call's body: one level deeper, failing cleanly past the depth limit, spending
/// one step, growing the native stack when it runs low, with `file` as the file of the
/// running IR.
///
/// A limit error is the one error without a node of its own: it points at `call_span`.
#[inline(always)]
pub(crate) fn enter_call<T>(
    host: &mut dyn Host,
    file: FileId,
    call_span: Option<Span>,
    body: impl FnOnce(&mut dyn Host) -> Result<T, RuntimeError>,
) -> Result<T, RuntimeError> {
    enter_call_with_room(host, file, call_span, |host| {
        stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, || body(host))
    })
}

/// Whether the native stack has room for calls made from about this depth (a few frames
/// deeper at most), which [`enter_call_with_room`] may then enter without checking it.
pub(crate) fn room_for_calls_from_here() -> bool {
    stacker::remaining_stack().is_some_and(|left| left >= 2 * RED_ZONE)
}

/// [`enter_call`] for a caller that knows the native stack has room
/// ([`room_for_calls_from_here`]): the stdlib's prepared callbacks (`Closure::prepare_calls`).
#[inline(always)]
pub(crate) fn enter_call_with_room<T>(
    host: &mut dyn Host,
    file: FileId,
    call_span: Option<Span>,
    body: impl FnOnce(&mut dyn Host) -> Result<T, RuntimeError>,
) -> Result<T, RuntimeError> {
    let exec = host.exec();
    if let Err(error) = exec.enter() {
        if let Some(span) = call_span {
            exec.record_error_span(span);
        }
        return Err(error);
    }
    let previous_file = exec.replace_file(file);
    let result = body(&mut *host);
    let exec = host.exec();
    exec.leave();
    exec.replace_file(previous_file);
    result
}

/// Runs `body` with `file` as the file of the running IR, restoring the previous one.
#[inline(always)]
pub fn in_file<T>(host: &mut dyn Host, file: FileId, body: impl FnOnce(&mut dyn Host) -> T) -> T {
    let previous = host.exec().replace_file(file);
    let result = body(&mut *host);
    host.exec().replace_file(previous);
    result
}
