//! Limits on runaway code (a call-depth limit and a step budget) and the file of the running
//! IR, per thread.
//!
//! The engine evaluates one transaction on one thread at a time, so thread-locals give
//! each transaction its own counters without threading them through every call, including
//! calls that come back through stdlib operators (`map`, `filter`, ...). All of it lives in
//! one thread-local so that entering a call touches it once.

use std::cell::Cell;

use krl_diagnostics::{FileId, Span};
use krl_runtime::{ErrorName, RuntimeError};

/// How deep KRL calls may nest by default. The reference (JavaScript) fails at about
/// ten thousand frames; we grow the native stack as needed, so this is a logical limit.
pub const DEFAULT_MAX_DEPTH: u32 = 10_000;

/// Native stack kept free below a call's frame; when less is left, a new segment is made.
const RED_ZONE: usize = 64 * 1024;
/// The size of each new native stack segment.
const STACK_SEGMENT: usize = 4 * 1024 * 1024;

/// `repr(C)`: compiled code (`crate::cranelift`) counts its direct calls in `depth` and
/// `steps_left` in place, at the offsets below.
#[repr(C)]
pub(crate) struct CallState {
    depth: Cell<u32>,
    max_depth: Cell<u32>,
    steps_left: Cell<u64>,
    /// The budget `steps_left` started from, for the error text.
    budget: Cell<u64>,
    /// The file whose IR is running, so that an error span can be paired with its file.
    file: Cell<FileId>,
}

/// Where compiled code finds `depth`, `max_depth` and `steps_left` in a [`CallState`].
pub(crate) const DEPTH_OFFSET: i32 = std::mem::offset_of!(CallState, depth) as i32;
pub(crate) const MAX_DEPTH_OFFSET: i32 = std::mem::offset_of!(CallState, max_depth) as i32;
pub(crate) const STEPS_LEFT_OFFSET: i32 = std::mem::offset_of!(CallState, steps_left) as i32;

thread_local! {
    static STATE: CallState = const {
        CallState {
            depth: Cell::new(0),
            max_depth: Cell::new(DEFAULT_MAX_DEPTH),
            steps_left: Cell::new(u64::MAX),
            budget: Cell::new(u64::MAX),
            file: Cell::new(FileId(0)),
        }
    };
}

/// Sets the limits for evaluations on this thread until the guard is dropped.
///
/// Limits nest: an inner guard (a `ctx:query` running another pico's transaction on this
/// thread) restores the outer limits, and what was left of the outer budget, when dropped.
///
/// It also restores the call depth: a transaction that panicked (the engine catches it)
/// unwound through calls without counting them back out.
pub struct LimitsGuard {
    previous: (u32, u64, u64),
    depth: u32,
}

/// Applies `max_depth` and a budget of `steps` calls and loop iterations on this thread.
pub fn set_limits(max_depth: u32, steps: u64) -> LimitsGuard {
    STATE.with(|state| {
        let previous = (
            state.max_depth.replace(max_depth),
            state.steps_left.replace(steps),
            state.budget.replace(steps),
        );
        LimitsGuard {
            previous,
            depth: state.depth.get(),
        }
    })
}

/// Applies a fresh budget of `steps` on this thread, keeping the depth limit in force.
pub fn set_step_budget(steps: u64) -> LimitsGuard {
    let max_depth = STATE.with(|state| state.max_depth.get());
    set_limits(max_depth, steps)
}

impl Drop for LimitsGuard {
    fn drop(&mut self) {
        STATE.with(|state| {
            state.max_depth.set(self.previous.0);
            state.steps_left.set(self.previous.1);
            state.budget.set(self.previous.2);
            state.depth.set(self.depth);
        });
    }
}

/// This thread's limits, for compiled code: valid for as long as the thread runs.
pub(crate) fn state_ptr() -> *const CallState {
    STATE.with(|state| state as *const CallState)
}

/// The error of a call past the depth limit, pointing at `call_span`.
pub(crate) fn too_deep_at(call_span: Span) -> RuntimeError {
    super::record_error_span(call_span);
    too_deep()
}

/// The error of a call when the budget is spent, pointing at `call_span`.
pub(crate) fn budget_exhausted_at(call_span: Span) -> RuntimeError {
    super::record_error_span(call_span);
    STATE.with(|state| budget_exhausted(state.budget.get()))
}

/// Native stack kept free below a call's frame (see `stacker`), for compiled code's own
/// check before a direct call.
pub(crate) const fn red_zone() -> usize {
    RED_ZONE
}

/// Spends one step of the budget.
pub fn step() -> Result<(), RuntimeError> {
    STATE.with(spend_step)
}

#[inline(always)]
fn spend_step(state: &CallState) -> Result<(), RuntimeError> {
    match state.steps_left.get() {
        0 => Err(budget_exhausted(state.budget.get())),
        left => {
            state.steps_left.set(left - 1);
            Ok(())
        }
    }
}

/// Runs `body` one call level deeper, failing cleanly past the depth limit and growing the
/// native stack when it runs low.
pub fn nested<T>(body: impl FnOnce() -> Result<T, RuntimeError>) -> Result<T, RuntimeError> {
    STATE.with(|state| {
        let depth = state.depth.get() + 1;
        if depth > state.max_depth.get() {
            return Err(too_deep());
        }
        spend_step(state)?;
        state.depth.set(depth);
        let result = stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, body);
        state.depth.set(depth - 1);
        result
    })
}

/// Runs `body` on a fresh stack segment when the stack runs low. For the nodes that nest as
/// deeply as the source does (arrays, maps, chevrons, indexing) between two calls, which
/// check the stack themselves.
#[inline]
pub(crate) fn with_stack<T>(body: impl FnOnce() -> T) -> T {
    stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, body)
}

/// Runs a KRL call's body: one level deeper (see [`nested`]), with `file` as the file of the
/// running IR.
///
/// The bookkeeping happens before and after the body rather than around it, so the body's
/// result goes straight to the caller instead of through the thread-local's accessor. A
/// limit error is the one error without a node of its own: it points at `call_span`.
#[inline(always)]
pub(crate) fn enter_call<T>(
    file: FileId,
    call_span: Option<Span>,
    body: impl FnOnce() -> Result<T, RuntimeError>,
) -> Result<T, RuntimeError> {
    enter_call_with_room(file, call_span, || {
        stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, body)
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
    file: FileId,
    call_span: Option<Span>,
    body: impl FnOnce() -> Result<T, RuntimeError>,
) -> Result<T, RuntimeError> {
    let entered = STATE.with(|state| {
        let depth = state.depth.get() + 1;
        if depth > state.max_depth.get() {
            return Err(too_deep());
        }
        spend_step(state)?;
        state.depth.set(depth);
        Ok(state.file.replace(file))
    });
    let previous_file = match entered {
        Ok(previous_file) => previous_file,
        Err(error) => {
            if let Some(span) = call_span {
                super::record_error_span(span);
            }
            return Err(error);
        }
    };
    let result = body();
    STATE.with(|state| {
        state.depth.set(state.depth.get() - 1);
        state.file.set(previous_file);
    });
    result
}

/// Runs `body` with `file` as the file of the running IR, restoring the previous one.
#[inline(always)]
pub fn in_file<T>(file: FileId, body: impl FnOnce() -> T) -> T {
    let previous = STATE.with(|state| state.file.replace(file));
    let result = body();
    STATE.with(|state| state.file.set(previous));
    result
}

/// The file of the running IR.
pub fn current_file() -> FileId {
    STATE.with(|state| state.file.get())
}

#[cold]
fn too_deep() -> RuntimeError {
    RuntimeError::new(ErrorName::RangeError, "Maximum call stack size exceeded")
}

#[cold]
fn budget_exhausted(budget: u64) -> RuntimeError {
    RuntimeError::error(format!(
        "step budget of {budget} exceeded (a runaway loop or recursion?)"
    ))
}
