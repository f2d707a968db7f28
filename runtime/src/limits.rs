//! Caps on the values one transaction may build: the longest string, the most items of an
//! array or map, and a memory budget, the bytes of grown values a transaction may make in
//! all. Checked where values grow (string `+`, beestings, `sprintf`, `join`, `append`,
//! `put`, `range`, `splice`, `replace`, JSON decode, `http` bodies), so a runaway rule (a
//! string doubled in a loop) ends in a KRL error instead of a failed allocation that aborts
//! the process.
//!
//! The engine runs one transaction on one thread at a time (a `ctx:query` runs the other
//! pico's transaction nested on the same thread), so the caps and the spent budget live in
//! a thread-local: [`ValueLimits::apply`] sets them until its guard drops, which restores
//! the outer transaction's. With no limits applied (the stdlib's own tests, `krl eval`
//! without limits) nothing is capped.
//!
//! The memory budget charges what a growing operator makes (string bytes, 24 bytes per
//! array or map item), not what is freed again: it bounds the work of building values, like
//! the interpreter's step budget bounds calls and loop iterations.

use std::cell::Cell;

use crate::RuntimeError;

/// The defaults of [`ValueLimits`], documented in `EngineOptions` and `krl run --help`.
pub const DEFAULT_MAX_STRING_BYTES: usize = 32 * 1024 * 1024;
pub const DEFAULT_MAX_ITEMS: usize = 4_000_000;
pub const DEFAULT_MEMORY_BUDGET: u64 = 512 * 1024 * 1024;

/// What one array or map item is charged (the size of a `Value`).
const ITEM_BYTES: u64 = 24;

/// Caps on the values of one transaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ValueLimits {
    /// The longest string, in UTF-8 bytes.
    pub max_string_bytes: usize,
    /// The most items of one array, or entries of one map.
    pub max_items: usize,
    /// Bytes of grown values one transaction may make in all.
    pub memory_budget: u64,
}

impl Default for ValueLimits {
    fn default() -> Self {
        ValueLimits {
            max_string_bytes: DEFAULT_MAX_STRING_BYTES,
            max_items: DEFAULT_MAX_ITEMS,
            memory_budget: DEFAULT_MEMORY_BUDGET,
        }
    }
}

impl ValueLimits {
    /// No caps at all.
    pub const UNLIMITED: ValueLimits = ValueLimits {
        max_string_bytes: usize::MAX,
        max_items: usize::MAX,
        memory_budget: u64::MAX,
    };

    /// Applies these limits, with a fresh memory budget, on this thread until the guard is
    /// dropped; the guard then restores the previous limits and what was left of their budget.
    pub fn apply(self) -> ValueLimitsGuard {
        STATE.with(|state| ValueLimitsGuard {
            previous: (state.limits.replace(self), state.left.replace(self.memory_budget)),
        })
    }
}

struct State {
    limits: Cell<ValueLimits>,
    /// What is left of the memory budget.
    left: Cell<u64>,
}

thread_local! {
    static STATE: State = const {
        State {
            limits: Cell::new(ValueLimits::UNLIMITED),
            left: Cell::new(u64::MAX),
        }
    };
}

/// Restores the previous limits when dropped (see [`ValueLimits::apply`]).
pub struct ValueLimitsGuard {
    previous: (ValueLimits, u64),
}

impl Drop for ValueLimitsGuard {
    fn drop(&mut self) {
        STATE.with(|state| {
            state.limits.set(self.previous.0);
            state.left.set(self.previous.1);
        });
    }
}

/// The limits in force on this thread.
pub fn current() -> ValueLimits {
    STATE.with(|state| state.limits.get())
}

/// Checks a string about to be made of `bytes` bytes, and charges it to the budget.
pub fn string(bytes: usize) -> Result<(), RuntimeError> {
    grow_string(bytes, bytes)
}

/// Checks a string being built piece by piece that is about to reach `bytes` bytes, and
/// charges the `added` bytes of this piece.
pub fn grow_string(bytes: usize, added: usize) -> Result<(), RuntimeError> {
    STATE.with(|state| {
        let limits = state.limits.get();
        if bytes > limits.max_string_bytes {
            return Err(RuntimeError::error(format!(
                "string longer than {} bytes",
                limits.max_string_bytes
            )));
        }
        charge(state, limits, added as u64)
    })
}

/// Checks an array or map about to hold `items` items, and charges it to the budget.
pub fn items(items: usize) -> Result<(), RuntimeError> {
    STATE.with(|state| {
        let limits = state.limits.get();
        if items > limits.max_items {
            return Err(RuntimeError::error(format!(
                "array or map larger than {} items",
                limits.max_items
            )));
        }
        charge(state, limits, (items as u64).saturating_mul(ITEM_BYTES))
    })
}

fn charge(state: &State, limits: ValueLimits, bytes: u64) -> Result<(), RuntimeError> {
    match state.left.get().checked_sub(bytes) {
        Some(left) => {
            state.left.set(left);
            Ok(())
        }
        None => Err(RuntimeError::error(format!(
            "memory budget of {} bytes exceeded",
            limits.memory_budget
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caps_apply_until_the_guard_drops_and_nest() {
        assert!(string(usize::MAX / 2).is_ok(), "unlimited by default");
        let outer = ValueLimits {
            max_string_bytes: 10,
            max_items: 2,
            memory_budget: 100,
        }
        .apply();
        assert_eq!(
            string(11).map_err(|e| e.to_string()),
            Err("Error: string longer than 10 bytes".to_string())
        );
        assert!(items(3).is_err());
        string(10).expect("fits");
        {
            let _inner = ValueLimits {
                memory_budget: 5,
                ..ValueLimits::UNLIMITED
            }
            .apply();
            assert_eq!(
                string(6).map_err(|e| e.to_string()),
                Err("Error: memory budget of 5 bytes exceeded".to_string())
            );
        }
        // The outer budget continues where it was: 90 bytes left.
        string(10).expect("fits");
        assert!(items(2).is_ok(), "48 bytes: 32 left");
        assert!(string(33).is_err(), "past the outer budget");
        drop(outer);
        assert!(string(usize::MAX / 2).is_ok());
    }
}
