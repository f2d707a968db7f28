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

/// Clones a value; a number is copied without going through the derived `clone`'s jump
/// table.
#[inline(always)]
pub(crate) fn clone_value(value: &Value) -> Value {
    match value {
        Value::Number(n) => Value::Number(*n),
        other => other.clone(),
    }
}

/// Overwrites `slot`, releasing the old value. Only the old value's tag is read when it owns
/// nothing: copying it whole right after it was written stalls the processor (the copy
/// cannot be forwarded from the separate stores of its tag and payload).
#[inline(always)]
pub(crate) fn store(slot: &mut Value, value: Value) {
    if owns_heap(slot) {
        *slot = value;
        return;
    }
    // A number (the usual case) is written field by field for the same reason: `value` was
    // most likely just returned, its tag and payload written separately.
    let old = if let Value::Number(n) = value {
        // A number owns nothing; forgetting it spares a call to the drop glue.
        std::mem::forget(value);
        std::mem::replace(slot, Value::Number(n))
    } else {
        std::mem::replace(slot, value)
    };
    std::mem::forget(old);
}

/// Releases what `slot` owns, leaving null behind.
#[inline(always)]
fn clear(slot: &mut Value) {
    if owns_heap(slot) {
        drop(std::mem::take(slot));
    }
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
        // What is left behind owns nothing, so `ManuallyDrop` leaks nothing.
        clear(&mut self.0);
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
        self.0.iter_mut().for_each(clear);
    }
}
