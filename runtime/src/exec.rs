//! [`ExecState`]: the execution state of one transaction's KRL code (or one `krl eval`
//! input), shared by both tiers: the call depth and its limit, the step budget that stops
//! runaway loops, the file of the running IR, and the place of the innermost error.
//!
//! Each [`Host`](crate::Host) owns one and hands it out with `Host::exec`, so every call
//! (the interpreter's, generated code's, a stdlib operator calling back into KRL) reaches
//! the state of the transaction it runs in. A `ctx:query` runs another pico's transaction
//! nested on the caller's thread with that transaction's own host, so its depth, budget and
//! error place are its own and the caller's are untouched.
//!
//! `repr(C)`: generated code (krl-jit's Cranelift tier) counts its direct calls in `depth`
//! and `steps_left` in place, at [`DEPTH_OFFSET`], [`MAX_DEPTH_OFFSET`] and
//! [`STEPS_LEFT_OFFSET`].

use std::cell::Cell;
use std::sync::Arc;

use krl_diagnostics::{FileId, FileSpan, Span};

use crate::{ErrorName, RuntimeError};

/// How deep KRL calls may nest by default. The reference (JavaScript) fails at about
/// ten thousand frames; krl-jit grows the native stack as needed, so this is a logical limit.
pub const DEFAULT_MAX_DEPTH: u32 = 10_000;

/// The execution state of one transaction (see the module documentation).
#[repr(C)]
pub struct ExecState {
    depth: Cell<u32>,
    max_depth: Cell<u32>,
    steps_left: Cell<u64>,
    /// The budget `steps_left` started from, for the error text.
    budget: Cell<u64>,
    /// The file whose IR is running, so that an error span can be paired with its file.
    file: Cell<FileId>,
    /// The innermost node that failed since the place was last taken.
    error_span: Cell<Option<FileSpan>>,
    /// The innermost KRL function an error left, paired with `error_span`.
    error_function: Cell<Option<Arc<str>>>,
}

/// Where generated code finds `depth`, `max_depth` and `steps_left` in an [`ExecState`].
pub const DEPTH_OFFSET: i32 = std::mem::offset_of!(ExecState, depth) as i32;
pub const MAX_DEPTH_OFFSET: i32 = std::mem::offset_of!(ExecState, max_depth) as i32;
pub const STEPS_LEFT_OFFSET: i32 = std::mem::offset_of!(ExecState, steps_left) as i32;

/// The limits and depth in force before [`ExecState::set_limits`], to restore afterwards.
#[derive(Clone, Copy, Debug)]
#[must_use = "restore the previous limits with ExecState::restore"]
pub struct SavedLimits {
    depth: u32,
    max_depth: u32,
    steps_left: u64,
    budget: u64,
}

impl ExecState {
    /// Depth 0, at most `max_depth` nested calls and `steps` calls and loop iterations.
    pub fn new(max_depth: u32, steps: u64) -> ExecState {
        ExecState {
            depth: Cell::new(0),
            max_depth: Cell::new(max_depth),
            steps_left: Cell::new(steps),
            budget: Cell::new(steps),
            file: Cell::new(FileId(0)),
            error_span: Cell::new(None),
            error_function: Cell::new(None),
        }
    }

    /// Applies `max_depth` and a fresh budget of `steps`; answers what was in force, for
    /// [`ExecState::restore`].
    pub fn set_limits(&self, max_depth: u32, steps: u64) -> SavedLimits {
        SavedLimits {
            depth: self.depth.get(),
            max_depth: self.max_depth.replace(max_depth),
            steps_left: self.steps_left.replace(steps),
            budget: self.budget.replace(steps),
        }
    }

    /// Puts back the limits [`ExecState::set_limits`] replaced, what was left of their
    /// budget, and the depth (code that panicked unwound without counting its calls out).
    pub fn restore(&self, saved: SavedLimits) {
        self.depth.set(saved.depth);
        self.max_depth.set(saved.max_depth);
        self.steps_left.set(saved.steps_left);
        self.budget.set(saved.budget);
    }

    /// The depth limit in force.
    pub fn max_depth(&self) -> u32 {
        self.max_depth.get()
    }

    /// How deep calls nest now.
    pub fn depth(&self) -> u32 {
        self.depth.get()
    }

    /// Spends one step of the budget.
    #[inline(always)]
    pub fn step(&self) -> Result<(), RuntimeError> {
        match self.steps_left.get() {
            0 => Err(budget_exhausted(self.budget.get())),
            left => {
                self.steps_left.set(left - 1);
                Ok(())
            }
        }
    }

    /// Enters a call: one level deeper, failing past the depth limit, and one step.
    #[inline(always)]
    pub fn enter(&self) -> Result<(), RuntimeError> {
        let depth = self.depth.get() + 1;
        if depth > self.max_depth.get() {
            return Err(too_deep());
        }
        self.step()?;
        self.depth.set(depth);
        Ok(())
    }

    /// Leaves a call [`ExecState::enter`] entered.
    #[inline(always)]
    pub fn leave(&self) {
        self.depth.set(self.depth.get().saturating_sub(1));
    }

    /// The error of a call past the depth limit.
    pub fn too_deep(&self) -> RuntimeError {
        too_deep()
    }

    /// The error of a call when the budget is spent.
    pub fn budget_exhausted(&self) -> RuntimeError {
        budget_exhausted(self.budget.get())
    }

    /// The file of the running IR.
    pub fn file(&self) -> FileId {
        self.file.get()
    }

    /// Makes `file` the file of the running IR; answers the previous one.
    #[inline(always)]
    pub fn replace_file(&self, file: FileId) -> FileId {
        self.file.replace(file)
    }

    /// Remembers that the node at `span` of the running file failed, keeping the innermost
    /// place (the first recorded as the error unwinds).
    #[cold]
    pub fn record_error_span(&self, span: Span) {
        if self.error_span.get().is_none() {
            self.error_span.set(Some(FileSpan::new(self.file.get(), span)));
        }
    }

    /// Remembers that an error left the function `name`, keeping the innermost one.
    #[cold]
    pub fn record_error_function(&self, name: &Arc<str>) {
        let current = self.error_function.take();
        self.error_function
            .set(Some(current.unwrap_or_else(|| Arc::clone(name))));
    }

    /// The place of the innermost node that failed since the last call and the innermost
    /// function that error left, if any; clears both.
    pub fn take_error_place(&self) -> (Option<FileSpan>, Option<Arc<str>>) {
        (self.error_span.take(), self.error_function.take())
    }
}

impl Default for ExecState {
    /// The default depth limit and no step budget.
    fn default() -> ExecState {
        ExecState::new(DEFAULT_MAX_DEPTH, u64::MAX)
    }
}

impl std::fmt::Debug for ExecState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExecState")
            .field("depth", &self.depth.get())
            .field("max_depth", &self.max_depth.get())
            .field("steps_left", &self.steps_left.get())
            .field("file", &self.file.get())
            .finish_non_exhaustive()
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restore_puts_back_the_limits_the_budget_left_and_the_depth() {
        let state = ExecState::new(5, 10);
        state.enter().expect("under the limits");
        state.step().expect("in budget");
        let saved = state.set_limits(2, 1);
        state.enter().expect("one more level fits");
        let err = state.enter().expect_err("a second is past the depth limit");
        assert!(
            err.to_string().contains("Maximum call stack size exceeded"),
            "{err}"
        );
        state.restore(saved);
        assert_eq!((state.depth(), state.max_depth()), (1, 5));
        for _ in 0..8 {
            state.step().expect("8 steps were left");
        }
        let err = state.step().expect_err("the budget is spent");
        assert!(err.to_string().contains("step budget of 10 exceeded"), "{err}");
    }

    #[test]
    fn the_innermost_error_place_is_kept_until_taken() {
        let state = ExecState::default();
        state.replace_file(FileId(3));
        state.record_error_span(Span::new(1, 2));
        state.record_error_span(Span::new(0, 9));
        state.record_error_function(&Arc::from("inner"));
        state.record_error_function(&Arc::from("outer"));
        let (span, function) = state.take_error_place();
        assert_eq!(span, Some(FileSpan::new(FileId(3), Span::new(1, 2))));
        assert_eq!(function.as_deref(), Some("inner"));
        assert_eq!(state.take_error_place(), (None, None));
    }
}
