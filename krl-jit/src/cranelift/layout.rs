//! The layout of [`Value`] that generated code reads and writes, checked at run time.
//!
//! `Value` is `#[repr(u64)]`: a word-sized tag at offset 0, then the variant's fields from
//! offset 8 (RFC 2195's layout for enums with a primitive representation). Generated code
//! reads the tags of null, booleans, numbers and functions, the `f64` of a number and the
//! boolean's byte; it writes only null, booleans and numbers. A function value holds an
//! `Arc<dyn Callable>` whose first word points at a fixed distance before the callable; that
//! distance is measured here, so that a call can tell "the function itself" by one compare.
//! If any check fails, nothing is compiled.

#![allow(unsafe_code)]

use std::sync::{Arc, LazyLock};

use krl_runtime::value::{Callable, NativeFn};
use krl_runtime::{RuntimeError, Value};

pub(crate) const VALUE_SIZE: i32 = std::mem::size_of::<Value>() as i32;
pub(crate) const PAYLOAD: i32 = 8;
pub(crate) const TAG_NULL: i64 = 0;
pub(crate) const TAG_BOOLEAN: i64 = 1;
pub(crate) const TAG_NUMBER: i64 = 2;
pub(crate) const TAG_FUNCTION: i64 = 7;
/// Tags above this own something (strings, arrays, maps, regexes, callables).
pub(crate) const TAG_LAST_PLAIN: i64 = TAG_NUMBER;

pub(crate) struct Layout {
    /// `callable address - first payload word` of a function value.
    pub callable_delta: usize,
}

pub(crate) static LAYOUT: LazyLock<Option<Layout>> = LazyLock::new(probe);

fn tag(value: &Value) -> u64 {
    // SAFETY: every `Value` starts with its initialised 8-byte tag (`repr(u64)`).
    unsafe { (value as *const Value as *const u64).read() }
}

fn payload_word(value: &Value) -> u64 {
    // SAFETY: only called on numbers and function values, whose payload word is initialised.
    unsafe {
        (value as *const Value as *const u8)
            .add(PAYLOAD as usize)
            .cast::<u64>()
            .read()
    }
}

fn probe() -> Option<Layout> {
    if VALUE_SIZE != 24 || std::mem::align_of::<Value>() != 8 {
        return None;
    }
    let number = Value::Number(1.5);
    let boolean = Value::Boolean(true);
    if tag(&Value::Null) != TAG_NULL as u64
        || tag(&boolean) != TAG_BOOLEAN as u64
        || tag(&number) != TAG_NUMBER as u64
        || payload_word(&number) != 1.5f64.to_bits()
    {
        return None;
    }
    // SAFETY: a Boolean's flag is the initialised byte at the payload offset.
    if unsafe {
        (&boolean as *const Value as *const u8)
            .add(PAYLOAD as usize)
            .read()
    } != 1
    {
        return None;
    }
    let mut delta = None;
    for _ in 0..2 {
        let callable: Arc<dyn Callable> = Arc::new(NativeFn::new("probe", &[], |_, _| {
            Ok::<Value, RuntimeError>(Value::Null)
        }));
        let address = Arc::as_ptr(&callable) as *const () as usize;
        let value = Value::Function(callable);
        if tag(&value) != TAG_FUNCTION as u64 {
            return None;
        }
        let this = address.checked_sub(payload_word(&value) as usize)?;
        if this > 64 || delta.is_some_and(|d| d != this) {
            return None;
        }
        delta = Some(this);
    }
    Some(Layout {
        callable_delta: delta?,
    })
}
