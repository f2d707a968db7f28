//! Limits on runaway code: a call-depth limit and a step budget, per thread.
//!
//! The engine evaluates one transaction on one thread at a time, so thread-locals give
//! each transaction its own counters without threading them through every call, including
//! calls that come back through stdlib operators (`map`, `filter`, ...).

use std::cell::Cell;

use krl_runtime::{ErrorName, RuntimeError};

/// How deep KRL calls may nest by default. The reference (JavaScript) fails at about
/// ten thousand frames; we grow the native stack as needed, so this is a logical limit.
pub const DEFAULT_MAX_DEPTH: u32 = 10_000;

thread_local! {
    static DEPTH: Cell<u32> = const { Cell::new(0) };
    static MAX_DEPTH: Cell<u32> = const { Cell::new(DEFAULT_MAX_DEPTH) };
    static STEPS_LEFT: Cell<u64> = const { Cell::new(u64::MAX) };
}

/// Sets the limits for evaluations on this thread until the guard is dropped.
pub struct LimitsGuard {
    previous: (u32, u64),
}

/// Applies `max_depth` and a budget of `steps` calls and loop iterations on this thread.
pub fn set_limits(max_depth: u32, steps: u64) -> LimitsGuard {
    let previous = (MAX_DEPTH.with(Cell::get), STEPS_LEFT.with(Cell::get));
    MAX_DEPTH.with(|cell| cell.set(max_depth));
    STEPS_LEFT.with(|cell| cell.set(steps));
    LimitsGuard { previous }
}

impl Drop for LimitsGuard {
    fn drop(&mut self) {
        MAX_DEPTH.with(|cell| cell.set(self.previous.0));
        STEPS_LEFT.with(|cell| cell.set(self.previous.1));
    }
}

/// Spends one step of the budget.
pub fn step() -> Result<(), RuntimeError> {
    STEPS_LEFT.with(|cell| match cell.get() {
        0 => Err(budget_exhausted()),
        left => {
            cell.set(left - 1);
            Ok(())
        }
    })
}

/// Runs `body` one call level deeper, failing cleanly past the depth limit and growing the
/// native stack when it runs low.
pub fn nested<T>(body: impl FnOnce() -> Result<T, RuntimeError>) -> Result<T, RuntimeError> {
    let depth = DEPTH.with(|cell| cell.get()) + 1;
    if depth > MAX_DEPTH.with(Cell::get) {
        return Err(too_deep());
    }
    step()?;
    DEPTH.with(|cell| cell.set(depth));
    let result = stacker::maybe_grow(64 * 1024, 4 * 1024 * 1024, body);
    DEPTH.with(|cell| cell.set(depth - 1));
    result
}

#[cold]
fn too_deep() -> RuntimeError {
    RuntimeError::new(ErrorName::RangeError, "Maximum call stack size exceeded")
}

#[cold]
fn budget_exhausted() -> RuntimeError {
    RuntimeError::error("the evaluation ran out of its step budget (runaway loop or recursion?)")
}
