//! A unit of a rule's code (its `pre` declarations with the action block's condition, a
//! `where` guard, a `foreach` collection) compiled as one native function.
//!
//! A unit runs in a heap frame of the engine (the rule's, or a loop's), which is the
//! environment of the closure it is given: its `Local { depth, .. }` reads count from that
//! frame exactly as a stack-frame function's count from its closure's environment, so every
//! node compiles as it does in a function. What differs is the body: each declaration's value
//! is bound into that frame (the `bind` shim, `Frame::set` as the interpreter's `run_block`),
//! and the result (a condition, a collection) is written into `out`. The unit has no
//! parameters and no stack slots; it has the boxed entry only (nothing calls it directly).

use cranelift_codegen::Context;
use cranelift_codegen::ir::{InstBuilder, types};
use cranelift_codegen::isa::OwnedTargetIsa;
use cranelift_frontend::FunctionBuilderContext;
use cranelift_jit::{JITBuilder, JITModule};
use cranelift_module::{Linkage, Module, default_libcall_names};

use super::super::entry::Compiled;
use super::super::shims;
use super::{Entry, Gen, Sigs, Val, signature};
use crate::ir::{Decl, FunctionIr, Node};

/// What a unit computes: declarations bound into the frame, then a result.
pub(in crate::cranelift) struct UnitBody<'a> {
    pub decls: &'a [Decl],
    pub result: &'a Node,
}

/// Compiles a unit. `shape` is the unit's function as the shims see it (its name for
/// messages, no parameters, no stack slots).
pub(in crate::cranelift) fn compile(
    isa: OwnedTargetIsa,
    shape: &FunctionIr,
    unit: &UnitBody<'_>,
) -> Option<Compiled> {
    let mut module = JITModule::new(JITBuilder::with_isa(isa, default_libcall_names()));
    let sig = signature(&module, Entry::Boxed, 0);
    let id = module
        .declare_function("krl_rule_unit", Linkage::Local, &sig)
        .ok()?;
    let mut builder_context = FunctionBuilderContext::new();
    let mut context = Context::new();
    context.func.signature = sig;
    let makes_calls;
    {
        let own = module.declare_func_in_func(id, &mut context.func);
        let mut b = cranelift_frontend::FunctionBuilder::new(&mut context.func, &mut builder_context);
        let ptr = module.target_config().pointer_type();
        let sigs = Sigs::new(&mut b, &module);
        let entry_block = b.create_block();
        b.append_block_params_for_function_params(entry_block);
        let params = b.block_params(entry_block).to_vec();
        b.switch_to_block(entry_block);
        let (init, body, fail) = (b.create_block(), b.create_block(), b.create_block());
        b.ins().jump(init, &[]);
        let state = b.declare_var(ptr);
        let direct_locals = b.declare_var(types::I64);
        let mut generator = Gen {
            b,
            ir: shape,
            ptr,
            cx: params[0],
            slots: params[1],
            slots_used: false,
            sigs,
            own,
            numbers: None,
            param_numbers: Vec::new(),
            temps: Vec::new(),
            fresh_temps: Vec::new(),
            temp_masks: Vec::new(),
            finite_constants: Vec::new(),
            fail,
            cached_locals: Vec::new(),
            makes_calls: false,
            state,
            direct_locals,
        };
        generator.b.switch_to_block(body);
        generator.unit_body(unit, params[2]);
        generator.b.switch_to_block(init);
        generator.init_calls(Entry::Boxed);
        generator.init_frame(Entry::Boxed, body, params[2]);
        generator.b.seal_all_blocks();
        makes_calls = generator.makes_calls;
        generator.b.finalize();
    }
    module.define_function(id, &mut context).ok()?;
    module.clear_context(&mut context);
    module.finalize_definitions().ok()?;
    let code = module.get_finalized_function(id);
    Compiled::new(module, code, makes_calls, false)
}

impl Gen<'_, '_> {
    /// The declarations, each bound into the frame as soon as it is computed (a later one
    /// may read it), then the result into `out`, and both exits.
    fn unit_body(&mut self, unit: &UnitBody<'_>, out: Val) {
        for decl in unit.decls {
            let value = self.expr(&decl.value);
            // An owned value in a temporary of ours, which the shim moves into the frame.
            let owned = self.new_temp();
            self.store_result(owned, value);
            self.mark_written(owned);
            let decl = self.address_of(decl);
            let sig = self.sigs.three_to_void;
            let cx = self.cx;
            self.shim_call_void(sig, shims::bind as *const u8, &[cx, decl, owned]);
        }
        let value = self.expr(unit.result);
        self.store_result(out, value);
        let done = self.b.create_block();
        self.b.ins().jump(done, &[]);
        self.return_status(done);
    }
}
