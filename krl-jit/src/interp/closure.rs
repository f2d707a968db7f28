//! KRL function and defaction values: IR plus the frame they were created in.
//!
//! A call binds its arguments, then runs one level deeper (depth limit, step budget, native
//! stack growth). Functions lowered with a stack frame ([`FrameKind::Stack`]) keep their
//! slots in an array on the native stack for the length of the call; the others get a heap
//! frame that closures created inside can keep alive.

use std::sync::Arc;

use krl_diagnostics::Span;
use krl_runtime::value::{Callable, PreparedCalls};
use krl_runtime::{Host, RuntimeError, Value};

use super::release::{StackSlots, clone_value, store};
use super::{Env, Frame, eval, eval_in, limits, operand, run_actions, run_block};
use crate::cranelift::Prepared;
use crate::ir::{DefactionIr, FrameKind, FunctionIr, Node, Param};

/// Stack frames up to these many slots live in a fixed array (each array is initialised and
/// released whole); larger ones in a `Vec`.
const TINY_FRAME: usize = 2;
const SMALL_FRAME: usize = 4;
const MEDIUM_FRAME: usize = 16;

/// A `function` literal's value.
pub struct Closure {
    ir: Arc<FunctionIr>,
    env: Arc<Frame>,
}

/// Where a call's argument binding writes: the stack frame's array or a new heap frame.
enum Slots<'a> {
    Stack(&'a mut [Value]),
    Heap(&'a Arc<Frame>),
}

impl Slots<'_> {
    /// Binds a parameter. Matches pico-engine: null is JavaScript's `undefined`, so a null
    /// argument leaves the parameter unbound and its default applies.
    #[inline(always)]
    fn bind(&mut self, param: &Param, value: Value) {
        if value.is_null() {
            return;
        }
        match self {
            Slots::Stack(slots) => store(&mut slots[usize::from(param.slot)], value),
            Slots::Heap(frame) => frame.set(param.slot, value),
        }
    }
}

impl Closure {
    pub fn new(ir: Arc<FunctionIr>, env: Arc<Frame>) -> Closure {
        Closure { ir, env }
    }

    /// Calls with arguments already arranged by parameter position.
    pub fn invoke(&self, host: &mut dyn Host, args: Vec<Value>) -> Result<Value, RuntimeError> {
        self.call_with(host, None, |slots, _| {
            for (param, value) in self.ir.params.iter().zip(args) {
                slots.bind(param, value);
            }
            Ok(())
        })
    }

    /// Calls with arguments already arranged by parameter position, from a call site at
    /// `span` (a depth or budget error points there), as compiled code's calls do.
    pub(crate) fn invoke_at(
        &self,
        host: &mut dyn Host,
        args: Vec<Value>,
        span: Span,
    ) -> Result<Value, RuntimeError> {
        self.call_with(host, Some(span), |slots, _| {
            for (param, value) in self.ir.params.iter().zip(args) {
                slots.bind(param, value);
            }
            Ok(())
        })
    }

    /// The function's IR.
    pub(crate) fn ir(&self) -> &FunctionIr {
        &self.ir
    }

    /// The frame the closure was created in.
    pub(crate) fn env(&self) -> &Arc<Frame> {
        &self.env
    }

    /// Calls with borrowed arguments, cloning only those a parameter receives.
    pub fn invoke_borrowed(&self, host: &mut dyn Host, args: &[&Value]) -> Result<Value, RuntimeError> {
        self.call_with(host, None, |slots, _| {
            for (param, value) in self.ir.params.iter().zip(args) {
                slots.bind(param, clone_value(value));
            }
            Ok(())
        })
    }

    /// Calls with positional argument nodes evaluated in `caller`, straight into the new
    /// frame's parameter slots (no argument vector). Arguments beyond the parameters are
    /// evaluated and dropped, as in the reference. A depth or budget error points at `span`.
    pub(crate) fn invoke_nodes(
        &self,
        host: &mut dyn Host,
        arg_nodes: &[Node],
        caller: &Env<'_>,
        span: Span,
    ) -> Result<Value, RuntimeError> {
        self.call_with(host, Some(span), |slots, host| {
            for (idx, node) in arg_nodes.iter().enumerate() {
                let value = operand(node, caller, host)?;
                if let Some(param) = self.ir.params.get(idx) {
                    slots.bind(param, value);
                }
            }
            Ok(())
        })
    }

    /// Makes the frame, lets `bind` write the arguments, then runs the body one level deeper.
    #[inline(always)]
    fn call_with(
        &self,
        host: &mut dyn Host,
        call_span: Option<Span>,
        bind: impl FnOnce(&mut Slots<'_>, &mut dyn Host) -> Result<(), RuntimeError>,
    ) -> Result<Value, RuntimeError> {
        let n_slots = usize::from(self.ir.body.n_slots);
        match self.ir.frame {
            FrameKind::Stack if n_slots <= TINY_FRAME => {
                let mut slots = StackSlots::<TINY_FRAME>::new();
                self.run_on_stack(host, call_span, slots.first(n_slots), bind)
            }
            FrameKind::Stack if n_slots <= SMALL_FRAME => {
                let mut slots = StackSlots::<SMALL_FRAME>::new();
                self.run_on_stack(host, call_span, slots.first(n_slots), bind)
            }
            FrameKind::Stack if n_slots <= MEDIUM_FRAME => {
                let mut slots = StackSlots::<MEDIUM_FRAME>::new();
                self.run_on_stack(host, call_span, slots.first(n_slots), bind)
            }
            FrameKind::Stack => {
                let mut slots = vec![Value::Null; n_slots];
                self.run_on_stack(host, call_span, &mut slots, bind)
            }
            FrameKind::Heap => self.run_on_heap(host, call_span, bind),
        }
    }

    #[inline(always)]
    fn run_on_stack(
        &self,
        host: &mut dyn Host,
        call_span: Option<Span>,
        slots: &mut [Value],
        bind: impl FnOnce(&mut Slots<'_>, &mut dyn Host) -> Result<(), RuntimeError>,
    ) -> Result<Value, RuntimeError> {
        bind(&mut Slots::Stack(slots), host)?;
        let ir = &*self.ir;
        let result = limits::enter_call(host, ir.file, call_span, |host| {
            if let Some(code) = ir.tier.code_for_call(ir) {
                return code.run(self, slots, host);
            }
            for param in &ir.params {
                if let Some(default) = &param.default
                    && slots[usize::from(param.slot)].is_null()
                {
                    let value = eval_in(default, &self.stack_env(slots), host)?;
                    store(&mut slots[usize::from(param.slot)], value);
                }
            }
            for decl in &ir.body.decls {
                let value = eval_in(&decl.value, &self.stack_env(slots), host)?;
                store(&mut slots[usize::from(decl.slot)], value);
            }
            // `operand` computes a result such as `x * 2` without recursing.
            operand(&ir.result, &self.stack_env(slots), host)
        });
        named(&ir.name, result, host)
    }

    fn stack_env<'a>(&'a self, slots: &'a [Value]) -> Env<'a> {
        Env {
            frame: &self.env,
            stack: slots,
        }
    }

    fn run_on_heap(
        &self,
        host: &mut dyn Host,
        call_span: Option<Span>,
        bind: impl FnOnce(&mut Slots<'_>, &mut dyn Host) -> Result<(), RuntimeError>,
    ) -> Result<Value, RuntimeError> {
        let ir = &*self.ir;
        let frame = Frame::new(ir.body.n_slots, Some(Arc::clone(&self.env)));
        bind(&mut Slots::Heap(&frame), host)?;
        let result = limits::enter_call(host, ir.file, call_span, |host| {
            bind_defaults(&ir.params, &frame, host)?;
            run_block(&ir.body.decls, &frame, host)?;
            eval(&ir.result, &frame, host)
        });
        named(&ir.name, result, host)
    }
}

/// Names the function an error left, for its location (`ExecState::record_error_function`).
#[inline(always)]
fn named<T>(name: &Arc<str>, result: Result<T, RuntimeError>, host: &dyn Host) -> Result<T, RuntimeError> {
    if result.is_err() {
        host.exec().record_error_function(name);
    }
    result
}

/// Gives each parameter left unbound its default, or null.
fn bind_defaults(params: &[Param], frame: &Arc<Frame>, host: &mut dyn Host) -> Result<(), RuntimeError> {
    for param in params {
        if !frame.is_set(param.slot) {
            let value = match &param.default {
                Some(default) => eval(default, frame, host)?,
                None => Value::Null,
            };
            frame.set(param.slot, value);
        }
    }
    Ok(())
}

impl Callable for Closure {
    fn name(&self) -> &str {
        &self.ir.name
    }

    fn param_names(&self) -> Vec<&str> {
        self.ir.params.iter().map(|p| &*p.name).collect()
    }

    fn call(&self, host: &mut dyn Host, args: Vec<Value>) -> Result<Value, RuntimeError> {
        self.invoke(host, args)
    }

    fn call_borrowed(&self, host: &mut dyn Host, args: &[&Value]) -> Result<Value, RuntimeError> {
        self.invoke_borrowed(host, args)
    }

    /// A compiled function with a small stack frame, called from a stack with room: its
    /// compiled code is found and its context built once, and each call enters the limits
    /// (depth, one step, the running file) without checking the native stack again.
    fn prepare_calls(&self) -> Option<Box<dyn PreparedCalls + '_>> {
        let ir = &*self.ir;
        if ir.frame != FrameKind::Stack || usize::from(ir.body.n_slots) > SMALL_FRAME {
            return None;
        }
        if !limits::room_for_calls_from_here() {
            return None;
        }
        let code = ir.tier.code_for_calls_in_a_row(ir)?;
        Some(Box::new(PreparedClosure {
            closure: self,
            entry: code.prepare(self),
        }))
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// A compiled closure called many times in a row (see `Closure::prepare_calls`).
struct PreparedClosure<'c> {
    closure: &'c Closure,
    entry: Prepared<'c>,
}

impl PreparedCalls for PreparedClosure<'_> {
    fn call(&mut self, host: &mut dyn Host, args: &[&Value]) -> Result<Value, RuntimeError> {
        if self.closure.ir.body.n_slots <= TINY_FRAME as u16 {
            self.call_in(&mut StackSlots::<TINY_FRAME>::new(), host, args)
        } else {
            self.call_in(&mut StackSlots::<SMALL_FRAME>::new(), host, args)
        }
    }
}

impl PreparedClosure<'_> {
    #[inline(always)]
    fn call_in<const N: usize>(
        &mut self,
        slots: &mut StackSlots<N>,
        host: &mut dyn Host,
        args: &[&Value],
    ) -> Result<Value, RuntimeError> {
        let ir = &*self.closure.ir;
        let slots = slots.first(usize::from(ir.body.n_slots));
        let mut frame = Slots::Stack(&mut *slots);
        for (param, value) in ir.params.iter().zip(args) {
            frame.bind(param, clone_value(value));
        }
        let entry = &mut self.entry;
        let result = limits::enter_call_with_room(host, ir.file, None, |host| entry.run(slots, host));
        named(&ir.name, result, host)
    }
}

/// A `defaction` literal's value.
pub struct DefactionValue {
    ir: Arc<DefactionIr>,
    env: Arc<Frame>,
}

impl DefactionValue {
    pub fn new(ir: Arc<DefactionIr>, env: Arc<Frame>) -> DefactionValue {
        DefactionValue { ir, env }
    }
}

impl Callable for DefactionValue {
    fn name(&self) -> &str {
        &self.ir.name
    }

    fn param_names(&self) -> Vec<&str> {
        self.ir.params.iter().map(|p| &*p.name).collect()
    }

    /// Runs the body declarations and the action block, then returns the `return` value.
    fn call(&self, host: &mut dyn Host, args: Vec<Value>) -> Result<Value, RuntimeError> {
        let ir = &*self.ir;
        let result = limits::enter_call(host, ir.file, None, |host| {
            let frame = Frame::new(ir.body.n_slots, Some(Arc::clone(&self.env)));
            let mut slots = Slots::Heap(&frame);
            for (param, value) in ir.params.iter().zip(args) {
                slots.bind(param, value);
            }
            bind_defaults(&ir.params, &frame, host)?;
            run_block(&ir.body.decls, &frame, host)?;
            if let Some(actions) = &ir.actions {
                run_actions(actions, &frame, host)?;
            }
            match &ir.result {
                Some(result) => eval(result, &frame, host),
                None => Ok(Value::Null),
            }
        });
        named(&ir.name, result, host)
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}
