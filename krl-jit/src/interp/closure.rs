//! KRL function and defaction values: IR plus the frame they were created in.

use std::sync::Arc;

use krl_runtime::value::Callable;
use krl_runtime::{Host, RuntimeError, Value};

use super::{Frame, eval, limits, run_actions, run_block};
use crate::ir::{DefactionIr, FunctionIr, Param};

/// A `function` literal's value.
pub struct Closure {
    ir: Arc<FunctionIr>,
    env: Arc<Frame>,
}

impl Closure {
    pub fn new(ir: Arc<FunctionIr>, env: Arc<Frame>) -> Closure {
        Closure { ir, env }
    }

    /// Calls with arguments already arranged by parameter position.
    pub fn invoke(&self, host: &mut dyn Host, args: Vec<Value>) -> Result<Value, RuntimeError> {
        limits::nested(|| {
            super::in_file(self.ir.file, || {
                let frame = Frame::new(self.ir.body.n_slots, Some(Arc::clone(&self.env)));
                bind_params(&self.ir.params, args, &frame, host)?;
                run_block(&self.ir.body.decls, &frame, host)?;
                eval(&self.ir.result, &frame, host)
            })
        })
    }
}

impl Closure {
    /// Calls with positional argument nodes evaluated in `caller`, straight into the new
    /// frame's parameter slots (no argument vector). Arguments beyond the parameters are
    /// evaluated and dropped, as in the reference.
    pub fn invoke_nodes(
        &self,
        host: &mut dyn Host,
        arg_nodes: &[crate::ir::Node],
        caller: &Arc<Frame>,
    ) -> Result<Value, RuntimeError> {
        let frame = Frame::new(self.ir.body.n_slots, Some(Arc::clone(&self.env)));
        let params = &self.ir.params;
        for (idx, node) in arg_nodes.iter().enumerate() {
            let value = super::operand(node, caller, host)?;
            if let Some(param) = params.get(idx)
                && !value.is_null()
            {
                frame.set(param.slot, value);
            }
        }
        limits::nested(|| {
            super::in_file(self.ir.file, || {
                for param in params {
                    if !frame.is_set(param.slot) {
                        let value = match &param.default {
                            Some(default) => eval(default, &frame, host)?,
                            None => Value::Null,
                        };
                        frame.set(param.slot, value);
                    }
                }
                run_block(&self.ir.body.decls, &frame, host)?;
                eval(&self.ir.result, &frame, host)
            })
        })
    }
}

/// Binds arguments to parameter slots; a missing or null argument takes the default.
/// Matches pico-engine: null is JavaScript's `undefined`, so explicit null triggers defaults.
fn bind_params(
    params: &[Param],
    args: Vec<Value>,
    frame: &Arc<Frame>,
    host: &mut dyn Host,
) -> Result<(), RuntimeError> {
    let mut args = args.into_iter();
    for param in params {
        let value = match args.next() {
            Some(value) if !value.is_null() => value,
            _ => match &param.default {
                Some(default) => eval(default, frame, host)?,
                None => Value::Null,
            },
        };
        frame.set(param.slot, value);
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

    fn as_any(&self) -> &dyn std::any::Any {
        self
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
        limits::nested(|| {
            super::in_file(self.ir.file, || {
                let frame = Frame::new(self.ir.body.n_slots, Some(Arc::clone(&self.env)));
                bind_params(&self.ir.params, args, &frame, host)?;
                run_block(&self.ir.body.decls, &frame, host)?;
                if let Some(actions) = &self.ir.actions {
                    run_actions(actions, &frame, host)?;
                }
                match &self.ir.result {
                    Some(result) => eval(result, &frame, host),
                    None => Ok(Value::Null),
                }
            })
        })
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}
