//! The KRL standard library of operators (pico-engine's `krl-stdlib`), one file per library,
//! and the registry the interpreter looks operators up in. Each file lists its
//! implementations by name; the names, parameters, kinds and docs come from the one builtin
//! table (`krl_builtins::LIBRARIES`), and [`all`] pairs each table entry with its
//! implementation (a test fails when either side has no partner).
//!
//! Calling convention: arguments are positional and `args.len()` is the number of arguments
//! *supplied* (JavaScript's `arguments.length` in the reference), capped at the number of
//! parameters. Several operators behave differently for "not supplied" and "supplied as
//! null" (`x.as()`, `range`, `reduce`, `slice`, `splice`, `put`, ...). The interpreter maps
//! named arguments to [`Operator::params`] positions, fills gaps with null, and passes
//! everything up to the last supplied argument. A missing argument reads as null.

mod actions;
mod collections;
mod iterators;
mod maps;
mod numbers;
mod operators;
mod regexes;
mod strings;
mod types;

use std::collections::HashMap;
use std::sync::{Arc, LazyLock};

use crate::error::RuntimeError;
use crate::host::Host;
use crate::value::{Callable, PreparedCalls, Value};

pub use maps::{delete as maps_delete, get as maps_get};
pub use regexes::{js_regex_replace, js_split};
pub use strings::lodash_size;

/// Whether an operator is called as a function, an action, or both (never a property).
pub use krl_builtins::Kind as OperatorKind;

/// The Rust signature of every operator.
pub type OperatorFn = fn(&mut dyn Host, &[Value]) -> Result<Value, RuntimeError>;

/// One stdlib operator: its table entry and its implementation.
#[derive(Debug)]
pub struct Operator {
    /// The KRL name (`"append"`, `"+"`, `"><"`).
    pub name: &'static str,
    /// Parameter names, for named arguments (`x.put(path = ["a"], toSet = 1)`).
    pub params: Vec<&'static str>,
    /// Function, action or both.
    pub kind: OperatorKind,
    /// The implementation; see the module docs for the meaning of `args.len()`.
    pub call: OperatorFn,
}

impl Operator {
    /// Calls the operator, dropping arguments beyond its parameters as the reference does.
    pub fn invoke(&self, host: &mut dyn Host, args: &[Value]) -> Result<Value, RuntimeError> {
        let supplied = args.len().min(self.params.len());
        (self.call)(host, &args[..supplied])
    }

    /// The operator as a KRL value (`[1].map(noop)`, `stdlib:length` passed around).
    pub fn to_value(&'static self) -> Value {
        let callable: Arc<dyn Callable> = Arc::new(NativeOperator(self));
        match self.kind {
            OperatorKind::Function | OperatorKind::ActionFunction | OperatorKind::Property => {
                Value::Function(callable)
            }
            OperatorKind::Action => Value::Action(callable),
        }
    }
}

/// An operator wrapped as a callable value; all wrappers of one operator are the same value.
struct NativeOperator(&'static Operator);

impl Callable for NativeOperator {
    fn name(&self) -> &str {
        self.0.name
    }

    fn param_names(&self) -> Vec<&str> {
        self.0.params.clone()
    }

    fn param_count(&self) -> usize {
        self.0.params.len()
    }

    fn is_action_function(&self) -> bool {
        self.0.kind == OperatorKind::ActionFunction
    }

    fn call(&self, host: &mut dyn Host, args: Vec<Value>) -> Result<Value, RuntimeError> {
        self.0.invoke(host, &args)
    }

    fn call_borrowed(&self, host: &mut dyn Host, args: &[&Value]) -> Result<Value, RuntimeError> {
        let args = &args[..args.len().min(self.0.params.len())];
        match args {
            [] => self.0.invoke(host, &[]),
            [a] => self.0.invoke(host, &[(*a).clone()]),
            [a, b] => self.0.invoke(host, &[(*a).clone(), (*b).clone()]),
            [a, b, c] => self.0.invoke(host, &[(*a).clone(), (*b).clone(), (*c).clone()]),
            more => self
                .0
                .invoke(host, &more.iter().map(|arg| (*arg).clone()).collect::<Vec<_>>()),
        }
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }

    fn identity(&self) -> usize {
        self.0 as *const Operator as usize
    }
}

/// Every library file's implementations.
const IMPLEMENTATIONS: &[&[(&str, OperatorFn)]] = &[
    operators::IMPLEMENTATIONS,
    types::IMPLEMENTATIONS,
    numbers::IMPLEMENTATIONS,
    strings::IMPLEMENTATIONS,
    regexes::IMPLEMENTATIONS,
    collections::IMPLEMENTATIONS,
    iterators::IMPLEMENTATIONS,
    maps::IMPLEMENTATIONS,
    actions::IMPLEMENTATIONS,
];

fn implementation(name: &str) -> Option<OperatorFn> {
    IMPLEMENTATIONS
        .iter()
        .flat_map(|library| library.iter())
        .find(|(implemented, _)| *implemented == name)
        .map(|(_, call)| *call)
}

/// The table's operators that have an implementation, in table order.
static OPERATORS: LazyLock<Vec<Operator>> = LazyLock::new(|| {
    krl_builtins::operators()
        .filter_map(|entry| {
            Some(Operator {
                name: entry.name,
                params: entry.param_names().collect(),
                kind: entry.kind,
                call: implementation(entry.name)?,
            })
        })
        .collect()
});

static BY_NAME: LazyLock<HashMap<&'static str, &'static Operator>> =
    LazyLock::new(|| all().map(|op| (op.name, op)).collect());

/// The operator called `name`, if there is one.
pub fn lookup(name: &str) -> Option<&'static Operator> {
    BY_NAME.get(name).copied()
}

/// Every operator, grouped by library.
pub fn all() -> impl Iterator<Item = &'static Operator> {
    OPERATORS.iter()
}

static NULL: Value = Value::Null;

/// Argument `i`, or null when it was not supplied.
pub(crate) fn arg(args: &[Value], i: usize) -> &Value {
    args.get(i).unwrap_or(&NULL)
}

/// Calls an iterator callback; the reference calls it blindly, so a non-callable fails
/// with JavaScript's own message.
///
/// Every host's [`Host::call`] calls the callable itself; iterators do that directly with
/// borrowed arguments, so a callback that takes only the element clones only the element.
pub(crate) fn call_iter(host: &mut dyn Host, iter: &Value, args: &[&Value]) -> Result<Value, RuntimeError> {
    match iter.as_callable() {
        Some(callable) => callable.call_borrowed(host, args),
        None => Err(iter_not_a_function()),
    }
}

/// An iterator's callback, called once per element: prepared at its first call
/// ([`Callable::prepare_calls`]) when the callable can be, so that each call skips the
/// set-up every call would repeat; called as [`call_iter`] does otherwise. Nothing is
/// prepared for an operator that calls nothing (an empty collection).
pub(crate) struct Callback<'a> {
    iter: &'a Value,
    prepared: Prepared<'a>,
}

enum Prepared<'a> {
    NotYet,
    Ready(Box<dyn PreparedCalls + 'a>),
    Unavailable,
}

impl<'a> Callback<'a> {
    pub(crate) fn new(iter: &'a Value) -> Callback<'a> {
        Callback {
            iter,
            prepared: Prepared::NotYet,
        }
    }

    #[inline]
    pub(crate) fn call(&mut self, host: &mut dyn Host, args: &[&Value]) -> Result<Value, RuntimeError> {
        if let Prepared::NotYet = self.prepared {
            self.prepared = match self
                .iter
                .as_callable()
                .and_then(|callable| callable.prepare_calls())
            {
                Some(prepared) => Prepared::Ready(prepared),
                None => Prepared::Unavailable,
            };
        }
        match &mut self.prepared {
            Prepared::Ready(prepared) => prepared.call(host, args),
            _ => call_iter(host, self.iter, args),
        }
    }
}

#[cold]
pub(crate) fn iter_not_a_function() -> RuntimeError {
    RuntimeError::type_error("iter is not a function")
}

#[cold]
pub(crate) fn only_works_on_collections() -> RuntimeError {
    RuntimeError::type_error("only works on collections")
}

#[cold]
pub(crate) fn only_works_on_arrays() -> RuntimeError {
    RuntimeError::type_error("only works on Arrays")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::TestHost;

    /// The table and the implementations pair up exactly: no entry without an
    /// implementation, no implementation without an entry, none twice.
    #[test]
    fn every_table_entry_has_one_implementation_and_back() {
        let table: Vec<&str> = krl_builtins::operators().map(|entry| entry.name).collect();
        let implemented: Vec<&str> = IMPLEMENTATIONS
            .iter()
            .flat_map(|library| library.iter().map(|(name, _)| *name))
            .collect();
        let unimplemented: Vec<&&str> = table.iter().filter(|name| !implemented.contains(name)).collect();
        assert!(
            unimplemented.is_empty(),
            "table entries without an implementation: {unimplemented:?}"
        );
        let undocumented: Vec<&&str> = implemented.iter().filter(|name| !table.contains(name)).collect();
        assert!(
            undocumented.is_empty(),
            "implementations without a table entry: {undocumented:?}"
        );
        assert_eq!(implemented.len(), table.len(), "an operator is implemented twice");
        assert_eq!(all().count(), table.len());
    }

    #[test]
    fn names_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for op in all() {
            assert!(seen.insert(op.name), "duplicate operator {}", op.name);
        }
        assert_eq!(seen.len(), BY_NAME.len());
    }

    #[test]
    fn operators_are_values() {
        let noop = lookup("noop").expect("noop exists").to_value();
        assert_eq!(noop.type_name(), "ActionFunction");
        assert_eq!(
            lookup("send_directive").expect("exists").to_value().type_name(),
            "Action"
        );
        assert_eq!(
            lookup("length").expect("exists").to_value().type_name(),
            "Function"
        );
        assert_eq!(noop, lookup("noop").expect("noop exists").to_value());
        let mut host = TestHost::new();
        let length = lookup("length").expect("exists").to_value();
        let got = host.call(&length, vec![Value::from("abc"), 1.into()]);
        assert_eq!(got.expect("length works"), Value::from(3));
    }

    #[test]
    fn extra_arguments_are_dropped() {
        let mut host = TestHost::new();
        let plus = lookup("+").expect("exists");
        let got = plus.invoke(&mut host, &[1.into(), 2.into(), 3.into()]);
        assert_eq!(got.expect("adds"), Value::from(3));
    }
}
