//! The reference tier: a tree-walking interpreter over the IR.
//!
//! Errors are `RuntimeError`s as the reference prints them; the span of the innermost node
//! that failed is remembered in the host's execution state so callers can show a snippet
//! (`ExecState::take_error_place`).

mod closure;
pub mod frame;
pub mod limits;
mod release;

use std::sync::Arc;

use krl_diagnostics::Span;
use krl_runtime::args::{NamedArgs, bind as bind_args};
use krl_runtime::stdlib::{self, Operator};
use krl_runtime::value::Callable;
use krl_runtime::{Host, Map, RuntimeError, Value};

pub use closure::{Closure, DefactionValue};
pub use frame::Frame;
use release::{Scratch, clone_value};

use crate::ir::{self, Args, FastOp, GetKind, Node};

pub use limits::in_file;

/// Remembers where an error happened, keeping the innermost place, in the execution state
/// of the transaction it happened in (`ExecState::take_error_place` answers it).
#[inline(always)]
pub(crate) fn at<T>(result: Result<T, RuntimeError>, span: Span, host: &dyn Host) -> Result<T, RuntimeError> {
    if result.is_err() {
        host.exec().record_error_span(span);
    }
    result
}

/// Where the running code finds its slots: the innermost heap frame and, inside a function
/// with a stack frame ([`ir::FrameKind::Stack`]), that call's own slots.
#[derive(Clone, Copy)]
pub(crate) struct Env<'a> {
    pub frame: &'a Arc<Frame>,
    pub stack: &'a [Value],
}

impl<'a> Env<'a> {
    /// Code outside any stack frame: rules, globals, defactions, heap-frame functions.
    pub fn heap(frame: &'a Arc<Frame>) -> Env<'a> {
        Env { frame, stack: &[] }
    }
}

/// Runs the declarations of a block into `frame`, in order.
pub fn run_block(decls: &[ir::Decl], frame: &Arc<Frame>, host: &mut dyn Host) -> Result<(), RuntimeError> {
    let env = Env::heap(frame);
    for decl in decls {
        let value = eval_in(&decl.value, &env, host)?;
        frame.set(decl.slot, value);
    }
    Ok(())
}

/// Evaluates one node in `frame` (outside any stack frame).
pub fn eval(node: &Node, frame: &Arc<Frame>, host: &mut dyn Host) -> Result<Value, RuntimeError> {
    eval_in(node, &Env::heap(frame), host)
}

/// Evaluates one node.
///
/// The hot node kinds are handled here and leaves (constants, locals) are evaluated without
/// recursing; the rest live in [`eval_cold`], which keeps this function's stack frame small.
pub(crate) fn eval_in(node: &Node, env: &Env<'_>, host: &mut dyn Host) -> Result<Value, RuntimeError> {
    match node {
        Node::Const(value) => Ok(value.clone()),
        Node::Stack { slot } => Ok(clone_value(stack_slot(env, *slot))),
        Node::Local {
            depth,
            slot,
            name,
            span,
        } => local(*depth, *slot, name, *span, env.frame, host),
        Node::Binary {
            op,
            fast,
            left,
            right,
            span,
        } => {
            // Slots and constants are read in place: two finite Numbers never copy a Value.
            let (mut left_scratch, mut right_scratch) = (Scratch::new(), Scratch::new());
            let left = operand_ref(left, env, host, &mut left_scratch)?;
            let right = operand_ref(right, env, host, &mut right_scratch)?;
            if let (Value::Number(a), Value::Number(b)) = (left, right)
                && a.is_finite()
                && b.is_finite()
                && let Some(result) = fast.apply(*a, *b)
            {
                return Ok(result);
            }
            let args = [left.clone(), right.clone()];
            at(op.invoke(host, &args), *span, host)
        }
        Node::Conditional { test, then, else_ } => {
            let mut scratch = Scratch::new();
            // `a => x | b => y | ...` nests as deeply as the source.
            let branch = if operand_ref(test, env, host, &mut scratch)?.truthy() {
                then
            } else {
                else_
            };
            limits::with_stack(|| eval_in(branch, env, host))
        }
        Node::Call { callee, args, span } => call(callee, args, *span, env, host),
        Node::And(left, right) => {
            let left = operand(left, env, host)?;
            if left.truthy() {
                limits::with_stack(|| eval_in(right, env, host))
            } else {
                Ok(left)
            }
        }
        Node::Or(left, right) => {
            let left = operand(left, env, host)?;
            if left.truthy() {
                Ok(left)
            } else {
                limits::with_stack(|| eval_in(right, env, host))
            }
        }
        Node::Not(operand_node) => Ok(Value::Boolean(!operand(operand_node, env, host)?.truthy())),
        _ => eval_cold(node, env, host),
    }
}

/// A node that is often a leaf: constants and locals without a call.
#[inline(always)]
fn operand(node: &Node, env: &Env<'_>, host: &mut dyn Host) -> Result<Value, RuntimeError> {
    match node {
        Node::Const(value) => Ok(value.clone()),
        Node::Stack { slot } => Ok(clone_value(stack_slot(env, *slot))),
        Node::Binary {
            fast, left, right, ..
        } if let Some(result) = leaf_arithmetic(*fast, left, right, env) => Ok(result),
        Node::Local {
            depth,
            slot,
            name,
            span,
        } => local(*depth, *slot, name, *span, env.frame, host),
        // Operands nest as deeply as the source (`f(f(f(x)))`, `1 + 1 + 1`); growing the
        // stack here also covers arguments, which are evaluated before the call's own check.
        other => limits::with_stack(|| eval_in(other, env, host)),
    }
}

/// An operand borrowed where it lives when it is a constant or a slot, else evaluated into
/// `scratch`: reading a number this way copies no `Value`.
#[inline(always)]
fn operand_ref<'r>(
    node: &'r Node,
    env: &Env<'r>,
    host: &mut dyn Host,
    scratch: &'r mut Scratch,
) -> Result<&'r Value, RuntimeError> {
    match node {
        Node::Const(value) => Ok(value),
        Node::Stack { slot } => Ok(stack_slot(env, *slot)),
        Node::Binary {
            fast, left, right, ..
        } if let Some(result) = leaf_arithmetic(*fast, left, right, env) => Ok(scratch.keep(result)),
        Node::Local {
            depth,
            slot,
            name,
            span,
        } => at(env.frame.ancestor(*depth).get(*slot, name), *span, host),
        other => Ok(scratch.keep(limits::with_stack(|| eval_in(other, env, host))?)),
    }
}

/// `n - 1`, `n < 2`: a fast binary operator on two numbers that are constants or stack
/// slots, computed where the operand is needed instead of in a recursive [`eval_in`].
#[inline(always)]
fn leaf_arithmetic(fast: FastOp, left: &Node, right: &Node, env: &Env<'_>) -> Option<Value> {
    let number = |node: &Node| match node {
        Node::Const(Value::Number(n)) => Some(*n),
        Node::Stack { slot } => match stack_slot(env, *slot) {
            Value::Number(n) => Some(*n),
            _ => None,
        },
        _ => None,
    };
    let (a, b) = (number(left)?, number(right)?);
    if a.is_finite() && b.is_finite() {
        fast.apply(a, b)
    } else {
        None
    }
}

/// A slot of the running call's stack frame. Lowering sized the frame for every slot it
/// reads, and writes each slot before reading it.
#[inline(always)]
fn stack_slot<'a>(env: &Env<'a>, slot: u16) -> &'a Value {
    &env.stack[usize::from(slot)]
}

#[inline(always)]
fn local(
    depth: u16,
    slot: u16,
    name: &str,
    span: Span,
    frame: &Arc<Frame>,
    host: &dyn Host,
) -> Result<Value, RuntimeError> {
    match frame.ancestor(depth).get(slot, name) {
        Ok(value) => Ok(clone_value(value)),
        Err(err) => at(Err(err), span, host),
    }
}

#[inline(never)]
fn eval_cold(node: &Node, env: &Env<'_>, host: &mut dyn Host) -> Result<Value, RuntimeError> {
    // One level of a recursion as deep as the source nests (see `krl_syntax::nesting`).
    limits::with_stack(|| eval_cold_unguarded(node, env, host))
}

fn eval_cold_unguarded(node: &Node, env: &Env<'_>, host: &mut dyn Host) -> Result<Value, RuntimeError> {
    match node {
        Node::Const(_)
        | Node::Stack { .. }
        | Node::Local { .. }
        | Node::Binary { .. }
        | Node::Conditional { .. }
        | Node::Call { .. }
        | Node::And(..)
        | Node::Or(..)
        | Node::Not(_) => eval_in(node, env, host),
        Node::Array(items) => {
            let values = items
                .iter()
                .map(|item| operand(item, env, host))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Value::array(values))
        }
        Node::Map(entries) => {
            let mut map = Map::with_capacity(entries.len());
            for (key, value) in entries {
                let value = operand(value, env, host)?;
                map.insert(Arc::clone(key), value);
            }
            Ok(Value::map(map))
        }
        Node::Chevron(parts) => {
            let mut text = String::new();
            for part in parts {
                let part = operand(part, env, host)?;
                let part = match &part {
                    Value::String(s) => std::borrow::Cow::Borrowed(&**s),
                    other => other.to_krl_string(),
                };
                krl_runtime::limits::grow_string(text.len() + part.len(), part.len())?;
                text.push_str(&part);
            }
            Ok(Value::string(text))
        }
        Node::Op { op, args, span } => match args.as_slice() {
            [one] => {
                let values = [operand(one, env, host)?];
                at(op.invoke(host, &values), *span, host)
            }
            [left, right] => {
                let values = [operand(left, env, host)?, operand(right, env, host)?];
                at(op.invoke(host, &values), *span, host)
            }
            more => {
                let values = more
                    .iter()
                    .map(|arg| operand(arg, env, host))
                    .collect::<Result<Vec<_>, _>>()?;
                at(op.invoke(host, &values), *span, host)
            }
        },
        Node::Get {
            object,
            key,
            kind,
            span,
        } => {
            let object = operand(object, env, host)?;
            let key = operand(key, env, host)?;
            at(get(host, object, key, *kind), *span, host)
        }
        Node::Domain { domain, name, span } => at(host.module_get(domain, name), *span, host),
        Node::DomainCall {
            domain,
            name,
            args,
            span,
        } => {
            let (positional, named) = eval_args(args, env, host)?;
            at(host.module_call(domain, name, positional, named), *span, host)
        }
        // Lowering gives any function holding a closure literal a heap frame, so `env.frame`
        // is the frame the literal is written in.
        Node::Function(function) => {
            debug_assert!(env.stack.is_empty(), "a closure literal in a stack frame");
            Ok(Value::function(Arc::new(Closure::new(
                Arc::clone(function),
                Arc::clone(env.frame),
            ))))
        }
        Node::Defaction(defaction) => {
            debug_assert!(env.stack.is_empty(), "a defaction literal in a stack frame");
            Ok(Value::action(Arc::new(DefactionValue::new(
                Arc::clone(defaction),
                Arc::clone(env.frame),
            ))))
        }
    }
}

/// `callee(args)`: a closure called with positional arguments gets them evaluated straight
/// into its frame; everything else goes through [`call_value`].
fn call(
    callee: &Node,
    args: &Args,
    span: Span,
    env: &Env<'_>,
    host: &mut dyn Host,
) -> Result<Value, RuntimeError> {
    let owned;
    let callee: &Value = match callee {
        // Borrow a callee held in a slot instead of cloning it (it outlives the call).
        Node::Local {
            depth,
            slot,
            name,
            span,
        } => at(env.frame.ancestor(*depth).get(*slot, name), *span, host)?,
        Node::Stack { slot } => stack_slot(env, *slot),
        other => {
            owned = eval_in(other, env, host)?;
            &owned
        }
    };
    if args.named.is_empty()
        && let Value::Function(callable) = callee
        && let Some(closure) = callable.as_any().downcast_ref::<Closure>()
    {
        // Not wrapped in `at`: every failing node records its own place (a limit error takes
        // the call's), and the callee's result reaches the caller without a copy.
        return closure.invoke_nodes(host, &args.positional, env, span);
    }
    let (positional, named) = eval_args(args, env, host)?;
    at(call_value(host, callee, positional, named), span, host)
}

fn eval_args(
    args: &Args,
    env: &Env<'_>,
    host: &mut dyn Host,
) -> Result<(Vec<Value>, NamedArgs), RuntimeError> {
    let positional = args
        .positional
        .iter()
        .map(|arg| eval_in(arg, env, host))
        .collect::<Result<Vec<_>, _>>()?;
    let named = args
        .named
        .iter()
        .map(|(name, arg)| Ok((Arc::clone(name), eval_in(arg, env, host)?)))
        .collect::<Result<Vec<_>, RuntimeError>>()?;
    Ok((positional, named))
}

/// Calls a function or action value the way KRL code does.
pub fn call_value(
    host: &mut dyn Host,
    callee: &Value,
    positional: Vec<Value>,
    named: NamedArgs,
) -> Result<Value, RuntimeError> {
    let callable = match callee {
        Value::Function(callable) => callable,
        other => return Err(krl_runtime::host::not_a_function(other)),
    };
    if let Some(closure) = callable.as_any().downcast_ref::<Closure>() {
        if named.is_empty() {
            return closure.invoke(host, positional);
        }
        let args = bind_args(&closure.param_names(), positional, named);
        return closure.invoke(host, args);
    }
    let args = if named.is_empty() {
        positional
    } else {
        bind_args(&callable.param_names(), positional, named)
    };
    callable.call(host, args)
}

/// `object[key]`, `object{path}`, `object.name`.
pub(crate) fn get(
    host: &mut dyn Host,
    object: Value,
    key: Value,
    kind: GetKind,
) -> Result<Value, RuntimeError> {
    static GET: std::sync::LazyLock<&'static Operator> =
        std::sync::LazyLock::new(|| stdlib::lookup("get").expect("the stdlib has `get`"));
    if kind == GetKind::Dot && object.is_null() {
        // Matches pico-engine: `.name` is a JavaScript property read, which throws on
        // `undefined` (KRL's null).
        return Err(dot_on_null(&key));
    }
    if kind == GetKind::Dot && key.as_str() == Some("length") {
        // Matches pico-engine: `.` is JavaScript property access, and `length` is the one
        // property real rulesets read this way.
        match &object {
            Value::String(s) => return Ok(Value::number(s.encode_utf16().count() as f64)),
            Value::Array(items) => return Ok(Value::number(items.len() as f64)),
            _ => {}
        }
    }
    let path = match kind {
        GetKind::Path => key,
        GetKind::Index | GetKind::Dot => Value::array(vec![key]),
    };
    GET.invoke(host, &[object, path])
}

#[cold]
fn dot_on_null(key: &Value) -> RuntimeError {
    RuntimeError::type_error(format!(
        "Cannot read properties of undefined (reading '{}')",
        key.to_krl_string()
    ))
}

/// Runs an action block: the condition, then all, one random, or the chosen action.
/// Returns whether the block fired (its actions ran).
pub fn run_actions(
    block: &ir::ActionBlockIr,
    frame: &Arc<Frame>,
    host: &mut dyn Host,
) -> Result<bool, RuntimeError> {
    if let Some(condition) = &block.condition
        && !eval(condition, frame, host)?.truthy()
    {
        return Ok(false);
    }
    run_chosen_actions(block, frame, host, &mut Interpreted(frame))?;
    Ok(true)
}

/// An action's evaluated arguments: positional, then named.
pub type ActionArgs = (Vec<Value>, NamedArgs);

/// The values an action block needs besides its condition: the `choose` discriminant and
/// each chosen action's arguments. The compiled tier runs each as a unit of its own
/// (`ruleset/code.rs`); [`Interpreted`] evaluates them here.
pub trait ActionValues {
    fn discriminant(&mut self, node: &Node, host: &mut dyn Host) -> Result<Value, RuntimeError>;
    /// The arguments of `action`, the action at `idx` of its block.
    fn args(
        &mut self,
        action: &ir::ActionIr,
        idx: usize,
        host: &mut dyn Host,
    ) -> Result<ActionArgs, RuntimeError>;
}

/// An action block's values evaluated by the interpreter in a frame.
pub struct Interpreted<'f>(pub &'f Arc<Frame>);

impl ActionValues for Interpreted<'_> {
    fn discriminant(&mut self, node: &Node, host: &mut dyn Host) -> Result<Value, RuntimeError> {
        eval(node, self.0, host)
    }

    fn args(
        &mut self,
        action: &ir::ActionIr,
        _: usize,
        host: &mut dyn Host,
    ) -> Result<ActionArgs, RuntimeError> {
        eval_args(&action.args, &Env::heap(self.0), host)
    }
}

/// Runs an action block whose condition held (or that has none), its discriminant and
/// arguments from `values`.
pub fn run_chosen_actions(
    block: &ir::ActionBlockIr,
    frame: &Arc<Frame>,
    host: &mut dyn Host,
    values: &mut dyn ActionValues,
) -> Result<(), RuntimeError> {
    let run_one =
        |idx: usize, host: &mut dyn Host, values: &mut dyn ActionValues| match block.actions.get(idx) {
            Some(action) => {
                let evaluated = values.args(action, idx, host)?;
                run_action(action, evaluated, frame, host)
            }
            None => Ok(()),
        };
    match &block.kind {
        ir::BlockKind::Every => {
            for idx in 0..block.actions.len() {
                run_one(idx, host, values)?;
            }
        }
        ir::BlockKind::Sample => {
            if !block.actions.is_empty() {
                let idx = fastrand::usize(..block.actions.len());
                run_one(idx, host, values)?;
            }
        }
        ir::BlockKind::Choose(discriminant) => {
            let chosen = values.discriminant(discriminant, host)?;
            // Matches pico-engine: only a String discriminant can match a label, and a
            // choose with no matching label still counts as fired.
            if let Some(label) = chosen.as_str()
                && let Some(idx) = block
                    .actions
                    .iter()
                    .position(|a| a.label.as_deref() == Some(label))
            {
                run_one(idx, host, values)?;
            }
        }
    }
    Ok(())
}

fn run_action(
    action: &ir::ActionIr,
    (positional, named): ActionArgs,
    frame: &Arc<Frame>,
    host: &mut dyn Host,
) -> Result<(), RuntimeError> {
    let result = match &action.callee {
        ir::ActionCallee::Domain { domain, name } => host.module_call(domain, name, positional, named),
        ir::ActionCallee::Value(node) => {
            let callee = eval(node, frame, host)?;
            call_action(host, &callee, positional, named)
        }
    };
    let result = at(result, action.span, host)?;
    if let Some(slot) = action.setting {
        frame.set(slot, result);
    }
    Ok(())
}

/// Calls an action value (a defaction, `send_directive`, or an action-function like `noop`).
pub fn call_action(
    host: &mut dyn Host,
    callee: &Value,
    positional: Vec<Value>,
    named: NamedArgs,
) -> Result<Value, RuntimeError> {
    let callable = match callee {
        Value::Action(callable) => callable,
        Value::Function(callable) if callable.is_action_function() => callable,
        other => {
            return Err(RuntimeError::type_error(format!(
                "{} is not an action",
                other.to_krl_string()
            )));
        }
    };
    let args = if named.is_empty() {
        // What `args::bind` does then, without listing the parameters (an allocation per
        // action, e.g. per `send_directive`).
        let mut positional = positional;
        positional.truncate(callable.param_count());
        positional
    } else {
        bind_args(&callable.param_names(), positional, named)
    };
    callable.call(host, args)
}
