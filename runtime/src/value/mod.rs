//! The KRL value model: `Value`, its type names, constructors and accessors.
//!
//! Values are cheap to clone: strings, arrays, maps, regexes and callables are shared
//! behind `Arc` and never mutated in place once shared; builders use `Arc::make_mut`
//! (copy-on-write). Conversions live in `convert`, equality and ordering in `compare`,
//! JSON in `json`, number printing/parsing in `number`.
//!
//! Representation choices (see language.md §4 and §10.1):
//! * one null; `NaN` never enters a `Number` through [`Value::number`] and is treated as
//!   null everywhere if it does;
//! * ±Infinity stays a `Number` but has type `JSObject`, as in the reference;
//! * "Hex" is an ordinary string that `typeof`, `as` and numeric coercion treat specially;
//! * array holes are stored as `Null`.

mod callable;
mod compare;
mod convert;
mod deep;
mod json;
mod map;
pub mod number;
mod regex;

use std::fmt;
use std::sync::Arc;

pub use callable::{Callable, NativeFn, NativeFnBody, PreparedCalls};
pub use compare::{compare_as_strings, compare_krl, compare_strings_utf16};
pub use deep::{MAX_DECODE_DEPTH, with_stack};
pub use json::DecodeError;
pub use map::{Map, array_index};
pub use regex::Regex;

/// A KRL value.
///
/// The word-sized tag keeps every field word-aligned: with a one-byte tag, `Boolean`'s flag
/// sits at byte 1 and each move of a value copies bytes 1..8 with unaligned loads that stall
/// on the stores just made (store-to-load forwarding), which made up a large share of the
/// interpreter's time. The size stays 24 bytes.
#[derive(Clone, Default)]
#[repr(u64)]
pub enum Value {
    /// The single null (JavaScript `undefined`, `null` and `NaN` in the reference).
    #[default]
    Null,
    /// `true` / `false`.
    Boolean(bool),
    /// A double. Finite numbers have type `Number`; ±Infinity has type `JSObject`.
    Number(f64),
    /// A string (type `Hex` when it looks like `0x1F`).
    String(Arc<str>),
    /// An array; holes are `Null`.
    Array(Arc<Vec<Value>>),
    /// A map with JavaScript key order.
    Map(Arc<Map>),
    /// A regex value.
    RegExp(Arc<Regex>),
    /// A function, or an action-function when [`Callable::is_action_function`] says so.
    Function(Arc<dyn Callable>),
    /// An action (`defaction`, `send_directive`).
    Action(Arc<dyn Callable>),
}

/// The type names `typeof` returns, in the order the reference tests them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KrlType {
    Null,
    Boolean,
    Hex,
    String,
    Number,
    RegExp,
    Array,
    ActionFunction,
    Function,
    Action,
    Map,
    /// Anything else; in practice ±Infinity.
    JSObject,
}

impl KrlType {
    /// The name `typeof` returns.
    pub fn name(self) -> &'static str {
        match self {
            KrlType::Null => "Null",
            KrlType::Boolean => "Boolean",
            KrlType::Hex => "Hex",
            KrlType::String => "String",
            KrlType::Number => "Number",
            KrlType::RegExp => "RegExp",
            KrlType::Array => "Array",
            KrlType::ActionFunction => "ActionFunction",
            KrlType::Function => "Function",
            KrlType::Action => "Action",
            KrlType::Map => "Map",
            KrlType::JSObject => "JSObject",
        }
    }
}

impl fmt::Display for KrlType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// True for strings `typeof` calls `"Hex"`: `^0x[0-9A-F]+$`, case-insensitively.
pub fn is_hex(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() > 2 && b[0] == b'0' && (b[1] == b'x' || b[1] == b'X') && b[2..].iter().all(u8::is_ascii_hexdigit)
}

impl Value {
    /// A number; `NaN` becomes null, as KRL has no NaN.
    pub fn number(n: f64) -> Value {
        if n.is_nan() { Value::Null } else { Value::Number(n) }
    }

    /// A string.
    pub fn string(s: impl Into<Arc<str>>) -> Value {
        Value::String(s.into())
    }

    /// An array.
    pub fn array(items: Vec<Value>) -> Value {
        Value::Array(Arc::new(items))
    }

    /// A map.
    pub fn map(map: Map) -> Value {
        Value::Map(Arc::new(map))
    }

    /// A regex value.
    pub fn regexp(re: Regex) -> Value {
        Value::RegExp(Arc::new(re))
    }

    /// A function value backed by any callable.
    pub fn function(f: Arc<dyn Callable>) -> Value {
        Value::Function(f)
    }

    /// An action value backed by any callable.
    pub fn action(a: Arc<dyn Callable>) -> Value {
        Value::Action(a)
    }

    /// The KRL type, checked in the reference's order.
    pub fn krl_type(&self) -> KrlType {
        match self {
            Value::Null => KrlType::Null,
            Value::Number(n) if n.is_nan() => KrlType::Null,
            Value::Boolean(_) => KrlType::Boolean,
            Value::String(s) if is_hex(s) => KrlType::Hex,
            Value::String(_) => KrlType::String,
            Value::Number(n) if n.is_finite() => KrlType::Number,
            Value::Number(_) => KrlType::JSObject,
            Value::RegExp(_) => KrlType::RegExp,
            Value::Array(_) => KrlType::Array,
            Value::Function(f) if f.is_action_function() => KrlType::ActionFunction,
            Value::Function(_) => KrlType::Function,
            Value::Action(_) => KrlType::Action,
            Value::Map(_) => KrlType::Map,
        }
    }

    /// `typeof` name.
    pub fn type_name(&self) -> &'static str {
        self.krl_type().name()
    }

    /// True for null (including a stray `NaN`).
    pub fn is_null(&self) -> bool {
        match self {
            Value::Null => true,
            Value::Number(n) => n.is_nan(),
            _ => false,
        }
    }

    /// True for finite numbers (the reference's `isNumber`).
    pub fn is_number(&self) -> bool {
        matches!(self, Value::Number(n) if n.is_finite())
    }

    /// The number when this is a finite number.
    pub fn as_number(&self) -> Option<f64> {
        match self {
            Value::Number(n) if n.is_finite() => Some(*n),
            _ => None,
        }
    }

    /// The text when this is a string (Hex included).
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The elements when this is an array.
    pub fn as_array(&self) -> Option<&[Value]> {
        match self {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }

    /// The map when this is a map.
    pub fn as_map(&self) -> Option<&Map> {
        match self {
            Value::Map(map) => Some(map),
            _ => None,
        }
    }

    /// The regex when this is a regex.
    pub fn as_regexp(&self) -> Option<&Regex> {
        match self {
            Value::RegExp(re) => Some(re),
            _ => None,
        }
    }

    /// The callable behind a function, action-function or action.
    pub fn as_callable(&self) -> Option<&Arc<dyn Callable>> {
        match self {
            Value::Function(f) | Value::Action(f) => Some(f),
            _ => None,
        }
    }

    /// The reference's `isFunction`: functions and action-functions.
    pub fn is_function(&self) -> bool {
        matches!(self, Value::Function(_))
    }

    /// The reference's `isAction`: actions and action-functions.
    pub fn is_action(&self) -> bool {
        match self {
            Value::Action(_) => true,
            Value::Function(f) => f.is_action_function(),
            _ => false,
        }
    }

    /// True for arrays and maps (the reference's `isArrayOrMap`).
    pub fn is_collection(&self) -> bool {
        matches!(self, Value::Array(_) | Value::Map(_))
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Boolean(b)
    }
}

impl From<f64> for Value {
    fn from(n: f64) -> Self {
        Value::number(n)
    }
}

impl From<i32> for Value {
    fn from(n: i32) -> Self {
        Value::Number(f64::from(n))
    }
}

impl From<i64> for Value {
    fn from(n: i64) -> Self {
        Value::Number(n as f64)
    }
}

impl From<usize> for Value {
    fn from(n: usize) -> Self {
        Value::Number(n as f64)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(s.into())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(s.into())
    }
}

impl From<Arc<str>> for Value {
    fn from(s: Arc<str>) -> Self {
        Value::String(s)
    }
}

impl From<Vec<Value>> for Value {
    fn from(items: Vec<Value>) -> Self {
        Value::array(items)
    }
}

impl From<Map> for Value {
    fn from(map: Map) -> Self {
        Value::map(map)
    }
}

impl From<Regex> for Value {
    fn from(re: Regex) -> Self {
        Value::regexp(re)
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Null, Into::into)
    }
}

impl FromIterator<Value> for Value {
    fn from_iter<I: IntoIterator<Item = Value>>(iter: I) -> Self {
        Value::array(iter.into_iter().collect())
    }
}

impl fmt::Debug for Value {
    /// Debug output is KRL-ish JSON: strings quoted, functions by name.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("null"),
            Value::Boolean(b) => write!(f, "{b}"),
            Value::Number(n) => f.write_str(&number::format_number(*n)),
            Value::String(s) => write!(f, "{s:?}"),
            Value::Array(items) => with_stack(|| f.debug_list().entries(items.iter()).finish()),
            Value::Map(map) => with_stack(|| write!(f, "{map:?}")),
            Value::RegExp(re) => write!(f, "{re:?}"),
            Value::Function(c) => write!(f, "function {c:?}"),
            Value::Action(c) => write!(f, "action {c:?}"),
        }
    }
}

impl fmt::Display for Value {
    /// The KRL string form (`as("String")`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_krl_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_is_three_words() {
        assert_eq!(std::mem::size_of::<Value>(), 24);
        // The interpreter returns `Result<Value, RuntimeError>` from every node: the error
        // must fit in the tag's niche.
        assert_eq!(std::mem::size_of::<Result<Value, crate::RuntimeError>>(), 24);
    }

    #[test]
    fn type_names() {
        let cases: Vec<(Value, &str)> = vec![
            (Value::Null, "Null"),
            (Value::Number(f64::NAN), "Null"),
            (true.into(), "Boolean"),
            ("0x1f".into(), "Hex"),
            ("0XAB".into(), "Hex"),
            ("0x".into(), "String"),
            ("-0x1".into(), "String"),
            ("abc".into(), "String"),
            (1.5.into(), "Number"),
            (Value::Number(f64::INFINITY), "JSObject"),
            (Value::regexp(Regex::new("a", "").expect("valid")), "RegExp"),
            (Value::array(vec![]), "Array"),
            (Value::map(Map::new()), "Map"),
        ];
        for (value, name) in cases {
            assert_eq!(value.type_name(), name, "{value:?}");
        }
    }

    #[test]
    fn nan_constructs_null() {
        assert!(Value::number(f64::NAN).is_null());
        assert!(matches!(Value::from(f64::NAN), Value::Null));
    }
}
