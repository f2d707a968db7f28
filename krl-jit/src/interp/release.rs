//! Dropping values on hot paths without calling the drop glue.
//!
//! The compiler's drop glue for `Value` is an out-of-line function, called for every value
//! that goes out of scope. On the interpreter's hot paths the value is almost always a
//! number or null, so these helpers test inline whether it owns anything first.

use std::mem::ManuallyDrop;

use krl_runtime::Value;

/// Whether dropping `value` releases anything.
#[inline(always)]
pub(crate) fn owns_heap(value: &Value) -> bool {
    !matches!(value, Value::Null | Value::Boolean(_) | Value::Number(_))
}

/// Drops `value`, calling the drop glue only when it owns something.
#[inline(always)]
pub(crate) fn release(value: Value) {
    if owns_heap(&value) {
        drop(value);
    } else {
        // Nothing to release: a null, a boolean or a number.
        std::mem::forget(value);
    }
}

/// Overwrites `slot`, releasing the old value.
#[inline(always)]
pub(crate) fn store(slot: &mut Value, value: Value) {
    release(std::mem::replace(slot, value));
}

/// Room for an operand that has to be evaluated (not a slot or a constant).
pub(crate) struct Scratch(ManuallyDrop<Value>);

impl Scratch {
    #[inline(always)]
    pub(crate) fn new() -> Scratch {
        Scratch(ManuallyDrop::new(Value::Null))
    }

    /// Keeps `value` and lends it out.
    #[inline(always)]
    pub(crate) fn keep(&mut self, value: Value) -> &Value {
        store(&mut self.0, value);
        &self.0
    }
}

impl Drop for Scratch {
    #[inline(always)]
    fn drop(&mut self) {
        // The null left behind owns nothing, so `ManuallyDrop` leaks nothing.
        release(std::mem::take(&mut *self.0));
    }
}

/// The slots of a stack frame (see [`crate::ir::FrameKind::Stack`]), all null at first.
pub(crate) struct StackSlots<const N: usize>(ManuallyDrop<[Value; N]>);

impl<const N: usize> StackSlots<N> {
    #[inline(always)]
    pub(crate) fn new() -> StackSlots<N> {
        StackSlots(ManuallyDrop::new([const { Value::Null }; N]))
    }

    #[inline(always)]
    pub(crate) fn first(&mut self, len: usize) -> &mut [Value] {
        &mut self.0[..len]
    }
}

impl<const N: usize> Drop for StackSlots<N> {
    #[inline(always)]
    fn drop(&mut self) {
        for slot in self.0.iter_mut() {
            release(std::mem::take(slot));
        }
    }
}
