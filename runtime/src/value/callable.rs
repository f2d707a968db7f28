//! Function and action values: the [`Callable`] trait and a closure-backed native callable.
//!
//! The interpreter (another crate) implements `Callable` for KRL closures and defactions;
//! the stdlib's operators become values through [`crate::stdlib::Operator::to_value`].

use std::any::Any;
use std::fmt;
use std::sync::Arc;

use super::Value;
use crate::error::RuntimeError;
use crate::host::Host;

/// Something KRL can call: a closure, a defaction, a stdlib operator, a module function.
pub trait Callable: Send + Sync + 'static {
    /// A name for messages and debugging (`"noop"`, a function's binding name, ...).
    fn name(&self) -> &str;

    /// Parameter names in positional order, used to map named arguments to positions.
    fn param_names(&self) -> Vec<&str>;

    /// How many parameters [`Callable::param_names`] lists, without building the list (a
    /// call with positional arguments only needs no more).
    fn param_count(&self) -> usize {
        self.param_names().len()
    }

    /// True for natives usable both as an action and as a function (typeof `ActionFunction`,
    /// e.g. stdlib `noop` and `http:get`). Only consulted for [`Value::Function`].
    fn is_action_function(&self) -> bool {
        false
    }

    /// Calls with positional arguments. `args.len()` is the number of arguments supplied
    /// (several operators distinguish "not supplied" from "supplied as null").
    fn call(&self, host: &mut dyn Host, args: Vec<Value>) -> Result<Value, RuntimeError>;

    /// Calls with borrowed positional arguments, as [`Callable::call`] does with clones of
    /// them. The stdlib's iterators call back this way: callbacks get `(value, index,
    /// collection)` and often use only the first, so a callable that binds only some
    /// arguments overrides this to clone only those.
    fn call_borrowed(&self, host: &mut dyn Host, args: &[&Value]) -> Result<Value, RuntimeError> {
        self.call(host, args.iter().map(|arg| (*arg).clone()).collect())
    }

    /// The callable made ready for many calls in a row, as the stdlib's iterators make
    /// them (one per element): what every call would look up or set up the same way is
    /// done once. `None` (the default): no faster way than [`Callable::call_borrowed`].
    fn prepare_calls(&self) -> Option<Box<dyn PreparedCalls + '_>> {
        None
    }

    /// For hosts that recognise their own callables (e.g. an interpreter's closures).
    fn as_any(&self) -> &dyn Any;

    /// What KRL equality compares: two values are the same function when this matches.
    fn identity(&self) -> usize {
        self as *const Self as *const () as usize
    }
}

/// A callable made ready for many calls in a row ([`Callable::prepare_calls`]).
pub trait PreparedCalls {
    /// One call, with the same arguments, result and errors as
    /// [`Callable::call_borrowed`].
    fn call(&mut self, host: &mut dyn Host, args: &[&Value]) -> Result<Value, RuntimeError>;
}

/// The signature of a Rust closure behind a [`NativeFn`].
pub type NativeFnBody =
    dyn Fn(&mut dyn Host, Vec<Value>) -> Result<Value, RuntimeError> + Send + Sync + 'static;

/// A callable backed by a Rust closure; handy for module functions and tests.
pub struct NativeFn {
    name: Arc<str>,
    params: Vec<Arc<str>>,
    action_function: bool,
    body: Box<NativeFnBody>,
}

impl NativeFn {
    /// A native callable named `name` with the given parameter names.
    pub fn new(
        name: &str,
        params: &[&str],
        body: impl Fn(&mut dyn Host, Vec<Value>) -> Result<Value, RuntimeError> + Send + Sync + 'static,
    ) -> Self {
        NativeFn {
            name: name.into(),
            params: params.iter().map(|p| Arc::from(*p)).collect(),
            action_function: false,
            body: Box::new(body),
        }
    }

    /// Marks the callable as usable both as action and as function.
    pub fn action_function(mut self) -> Self {
        self.action_function = true;
        self
    }
}

impl Callable for NativeFn {
    fn name(&self) -> &str {
        &self.name
    }

    fn param_names(&self) -> Vec<&str> {
        self.params.iter().map(|p| &**p).collect()
    }

    fn is_action_function(&self) -> bool {
        self.action_function
    }

    fn call(&self, host: &mut dyn Host, args: Vec<Value>) -> Result<Value, RuntimeError> {
        (self.body)(host, args)
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl fmt::Debug for dyn Callable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<{}({})>", self.name(), self.param_names().join(", "))
    }
}
