//! IR to Cranelift: each KRL function becomes a boxed entry and, when it makes calls, a
//! number entry for direct calls with unboxed numbers (`calls.rs`; the bodies: `body.rs`;
//! arithmetic and comparisons: `numbers.rs`).
//!
//! Each node becomes an [`Operand`]: a number or boolean in a register, a pointer to a value
//! (a slot, a constant of the IR, a temporary), or a "dynamic" value whose tag and payload
//! word are in registers (results whose type is only known at run time, e.g. a call's). The
//! arithmetic and comparison operators run in registers when both operands are finite
//! numbers, as the interpreter's `FastOp` does, and call the stdlib otherwise.
//!
//! Temporaries are stack slots of the native frame; those that receive an owned result are
//! recorded in written-bits once written and released at exit (`mark_written`), those that
//! only hold a copy of a number, boolean or null (to pass a pointer to a shim) are neither.
//! The IR is a tree without loops, so each node runs at most once per call and owns one.

use cranelift_codegen::Context;
use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::{
    self, AbiParam, BlockArg, FuncRef, InstBuilder, MemFlags, SigRef, Signature, StackSlot, StackSlotData,
    StackSlotKind, types,
};
use cranelift_codegen::isa::OwnedTargetIsa;
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext, Variable};
use cranelift_jit::{JITBuilder, JITModule};
use cranelift_module::{FuncId, Linkage, Module, default_libcall_names};
use krl_runtime::Value as KrlValue;

use super::entry::{CACHED_LOCALS, CX_LOCALS, Compiled};
use super::layout::{PAYLOAD, TAG_BOOLEAN, TAG_LAST_PLAIN, TAG_NULL, TAG_NUMBER, VALUE_SIZE};
use super::shims;
use crate::ir::{FunctionIr, Node};

mod base_case;
mod body;
mod calls;
mod numbers;
pub(super) mod rule_body;

type Val = ir::Value;

/// A node's result while it is being compiled.
#[derive(Clone, Copy)]
enum Operand {
    /// A number (NaN only for a parameter of the number entry: every use checks finiteness
    /// or treats NaN as JavaScript does).
    Num(Val),
    /// A boolean as an `i8` 0 or 1.
    Bool(Val),
    /// A pointer to a live value.
    Ref(Val),
    /// Tag and payload word in registers; `ptr` points at the value when the tag is above
    /// [`TAG_LAST_PLAIN`] (it owns something), and is meaningless otherwise.
    Dyn { tag: Val, payload: Val, ptr: Val },
}

/// The shims' signatures.
struct Sigs {
    ptr_ptr_to_ptr: SigRef,
    five_to_status: SigRef,
    six_to_status: SigRef,
    four_to_status: SigRef,
    one_to_status: SigRef,
    two_to_void: SigRef,
    one_to_void: SigRef,
    three_to_void: SigRef,
    floats_to_float: SigRef,
}

struct Gen<'a, 'f> {
    b: FunctionBuilder<'f>,
    ir: &'a FunctionIr,
    ptr: ir::Type,
    cx: Val,
    /// The call's frame: the caller's (boxed entry) or this native frame's (number entry).
    slots: Val,
    /// Whether the code reads or writes `slots` (the number entry fills its frame only then).
    slots_used: bool,
    sigs: Sigs,
    /// The boxed entry, and the number entry when there is one (see `calls.rs`).
    own: FuncRef,
    numbers: Option<FuncRef>,
    /// In the number entry: each parameter's number, by parameter position.
    param_numbers: Vec<Val>,
    temps: Vec<StackSlot>,
    /// The addresses of `temps`: a result found in one is the only reference to it, so the
    /// function's result can be moved out of it rather than cloned.
    fresh_temps: Vec<Val>,
    /// Which temporaries hold a value, 64 per variable (see `mark_written`).
    temp_masks: Vec<Variable>,
    /// Number constants known to be finite (Cranelift does not fold float tests).
    finite_constants: Vec<Val>,
    fail: ir::Block,
    /// The locals of enclosing frames read so far, as (depth, slot); the position is the
    /// local's entry in `JitCx::locals`.
    cached_locals: Vec<(u16, u16)>,
    makes_calls: bool,
    /// The host's `ExecState` pointer: a parameter of the number entry, read from `cx`
    /// once per call of the boxed entry (only by code that makes calls).
    state: Variable,
    /// `JitCx::self_locals` as read at entry, or 0 when the stack has no room for a direct
    /// call (the stack pointer does not move inside a function, so one check per entry
    /// holds for every call site); bits are added as call sites find their callee is self.
    direct_locals: Variable,
}

/// The two native entries of a compiled function.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Entry {
    /// `(cx, slots, out) -> status` (`entry::EntryFn`): what Rust calls, and direct calls
    /// whose arguments are not all numbers.
    Boxed,
    /// `(cx, state, out, f64...) -> (status, f64)`: direct calls whose arguments are all
    /// numbers.
    Numbers,
}

/// Temporaries per written-bits variable (`Gen::mark_written`).
const TEMPS_PER_MASK: usize = 64;

/// Functions with more parameters get no number entry (their numbers would not all travel
/// in registers).
const MAX_NUMBER_PARAMS: usize = 6;

fn signature(module: &JITModule, entry: Entry, n_params: usize) -> Signature {
    let ptr = module.target_config().pointer_type();
    let mut sig = module.make_signature();
    sig.params.extend([AbiParam::new(ptr), AbiParam::new(ptr)]);
    match entry {
        Entry::Boxed => {
            sig.params.push(AbiParam::new(ptr));
            sig.returns.push(AbiParam::new(types::I32));
        }
        Entry::Numbers => {
            sig.params.push(AbiParam::new(ptr));
            sig.params
                .extend((0..n_params).map(|_| AbiParam::new(types::F64)));
            sig.returns
                .extend([AbiParam::new(types::I32), AbiParam::new(types::F64)]);
        }
    }
    sig
}

pub(super) fn compile(isa: OwnedTargetIsa, ir: &FunctionIr) -> Option<Compiled> {
    let mut module = JITModule::new(JITBuilder::with_isa(isa, default_libcall_names()));
    let n_params = ir.params.len();
    let boxed = module
        .declare_function(
            "krl_function",
            Linkage::Local,
            &signature(&module, Entry::Boxed, n_params),
        )
        .ok()?;
    let numbers = if n_params <= MAX_NUMBER_PARAMS {
        let sig = signature(&module, Entry::Numbers, n_params);
        module.declare_function("krl_numbers", Linkage::Local, &sig).ok()
    } else {
        None
    };
    let mut builder_context = FunctionBuilderContext::new();
    let ids = (boxed, numbers);
    // Both entries of one call chain share `JitCx::locals`: the number entry starts from
    // the boxed entry's places (it reads a subset of its locals: it runs no defaults).
    let mut cached_locals = Vec::new();
    let makes_calls = define(
        (&mut module, &mut builder_context),
        ir,
        Entry::Boxed,
        ids,
        &mut cached_locals,
    )?;
    // Only a direct call uses the number entry, and only code that makes calls has one.
    let number_entry = makes_calls && numbers.is_some();
    if number_entry {
        define(
            (&mut module, &mut builder_context),
            ir,
            Entry::Numbers,
            ids,
            &mut cached_locals,
        )?;
    }
    module.finalize_definitions().ok()?;
    let code = module.get_finalized_function(boxed);
    Compiled::new(module, code, makes_calls, number_entry)
}

/// Builds and defines one entry of `ir`; answers whether its code makes calls.
/// `cached_locals` holds the places in `JitCx::locals` given so far, and on return the
/// places this entry gave.
fn define(
    (module, builder_context): (&mut JITModule, &mut FunctionBuilderContext),
    ir: &FunctionIr,
    entry: Entry,
    (boxed, numbers): (FuncId, Option<FuncId>),
    cached_locals: &mut Vec<(u16, u16)>,
) -> Option<bool> {
    let mut context = Context::new();
    context.func.signature = signature(module, entry, ir.params.len());
    let makes_calls;
    {
        let own = module.declare_func_in_func(boxed, &mut context.func);
        let numbers = numbers.map(|id| module.declare_func_in_func(id, &mut context.func));
        let mut b = FunctionBuilder::new(&mut context.func, builder_context);
        let ptr = module.target_config().pointer_type();
        let sigs = Sigs::new(&mut b, module);
        let entry_block = b.create_block();
        b.append_block_params_for_function_params(entry_block);
        let params = b.block_params(entry_block).to_vec();
        b.switch_to_block(entry_block);
        let (slots, out, param_numbers) = match entry {
            Entry::Boxed => (params[1], params[2], Vec::new()),
            Entry::Numbers => {
                let frame = b.create_sized_stack_slot(StackSlotData::new(
                    StackSlotKind::ExplicitSlot,
                    u32::from(ir.body.n_slots).max(1) * VALUE_SIZE as u32,
                    3,
                ));
                let slots = b.ins().stack_addr(ptr, frame, 0);
                (slots, params[2], params[3..].to_vec())
            }
        };
        let (init, body, fail) = (b.create_block(), b.create_block(), b.create_block());
        // The temporaries are known only at the end: the entry block jumps to a block filled
        // last that nulls them.
        b.ins().jump(init, &[]);
        let state = b.declare_var(ptr);
        let direct_locals = b.declare_var(types::I64);
        if entry == Entry::Numbers {
            b.def_var(state, params[1]);
        }
        // The number entry checks at entry that its numbers are finite (`init_frame`).
        let finite_constants = match entry {
            Entry::Boxed => Vec::new(),
            Entry::Numbers => param_numbers.clone(),
        };
        let mut generator = Gen {
            b,
            ir,
            ptr,
            cx: params[0],
            slots,
            slots_used: false,
            sigs,
            own,
            numbers,
            param_numbers,
            temps: Vec::new(),
            fresh_temps: Vec::new(),
            temp_masks: Vec::new(),
            finite_constants,
            fail,
            cached_locals: std::mem::take(cached_locals),
            makes_calls: false,
            state,
            direct_locals,
        };
        generator.b.switch_to_block(body);
        match entry {
            Entry::Boxed => generator.boxed_body(out),
            Entry::Numbers => generator.number_body(out),
        }
        generator.b.switch_to_block(init);
        generator.init_calls(entry);
        generator.init_frame(entry, body, out);
        generator.b.seal_all_blocks();
        makes_calls = generator.makes_calls;
        *cached_locals = std::mem::take(&mut generator.cached_locals);
        generator.b.finalize();
    }
    let id = match entry {
        Entry::Boxed => boxed,
        Entry::Numbers => numbers?,
    };
    module.define_function(id, &mut context).ok()?;
    module.clear_context(&mut context);
    Some(makes_calls)
}

impl Sigs {
    fn new(b: &mut FunctionBuilder<'_>, module: &JITModule) -> Sigs {
        let ptr = module.target_config().pointer_type();
        let mut make = |params: &[ir::Type], ret: Option<ir::Type>| {
            let mut sig = module.make_signature();
            sig.params.extend(params.iter().map(|ty| AbiParam::new(*ty)));
            sig.returns.extend(ret.map(AbiParam::new));
            b.import_signature(sig)
        };
        Sigs {
            ptr_ptr_to_ptr: make(&[ptr, ptr], Some(ptr)),
            five_to_status: make(&[ptr; 5], Some(types::I32)),
            six_to_status: make(&[ptr; 6], Some(types::I32)),
            four_to_status: make(&[ptr; 4], Some(types::I32)),
            one_to_status: make(&[ptr], Some(types::I32)),
            two_to_void: make(&[ptr, ptr], None),
            one_to_void: make(&[ptr], None),
            three_to_void: make(&[ptr, ptr, ptr], None),
            floats_to_float: make(&[types::F64, types::F64], Some(types::F64)),
        }
    }
}

fn flags() -> MemFlags {
    MemFlags::trusted()
}

/// Whether a binary operator can never take the register path: an operand is a constant
/// that is not a number (`"item" + x`). Its result is then the stdlib's, in a fresh
/// temporary, which a caller may move rather than clone.
pub(super) fn never_numbers(node: &Node) -> bool {
    let Node::Binary { left, right, .. } = node else {
        return false;
    };
    [left, right]
        .iter()
        .any(|operand| matches!(&***operand, Node::Const(value) if !matches!(value, KrlValue::Number(_))))
}

/// Whether `expr` compiles `node` into one call of the `eval` shim (the interpreter
/// evaluates it in the call's frame): the arms of `Gen::expr` that do not match.
pub(super) fn left_to_the_interpreter(node: &Node) -> bool {
    match node {
        Node::Const(_)
        | Node::Stack { .. }
        | Node::Local { .. }
        | Node::Binary { .. }
        | Node::Conditional { .. }
        | Node::And(..)
        | Node::Or(..)
        | Node::Not(_)
        | Node::Op { .. }
        | Node::Get { .. } => false,
        Node::Call { args, .. } => !args.named.is_empty(),
        _ => true,
    }
}

impl Gen<'_, '_> {
    // ---- the function --------------------------------------------------------------

    // ---- nodes ---------------------------------------------------------------------

    fn expr(&mut self, node: &Node) -> Operand {
        match node {
            Node::Const(KrlValue::Number(n)) => {
                let value = self.b.ins().f64const(*n);
                if n.is_finite() {
                    self.finite_constants.push(value);
                }
                Operand::Num(value)
            }
            Node::Const(KrlValue::Boolean(flag)) => {
                Operand::Bool(self.b.ins().iconst(types::I8, i64::from(*flag)))
            }
            // The constant lives in the IR, which outlives the code.
            Node::Const(value) => Operand::Ref(self.address_of(value)),
            Node::Stack { slot } => match self.param_number(*slot) {
                Some(n) => Operand::Num(n),
                None => Operand::Ref(self.slot_ptr(*slot)),
            },
            Node::Local { depth, slot, .. } => self.local(node, *depth, *slot),
            Node::Binary {
                fast, left, right, ..
            } => {
                let left = self.expr(left);
                let right = self.expr(right);
                self.binary(node, *fast, left, right)
            }
            Node::Conditional { test, then, else_ } => {
                let truthy = self.condition(test);
                let (then_block, else_block, join) =
                    (self.b.create_block(), self.b.create_block(), self.join_block());
                self.b.ins().brif(truthy, then_block, &[], else_block, &[]);
                for (block, branch) in [(then_block, then), (else_block, else_)] {
                    self.b.switch_to_block(block);
                    let value = self.expr(branch);
                    self.jump_dyn(join, value);
                }
                self.b.switch_to_block(join);
                self.dyn_params(join)
            }
            Node::And(left, right) | Node::Or(left, right) => {
                let left = self.expr(left);
                let truthy = self.truthy(left);
                let (tag, payload, ptr) = self.dyn_parts(left);
                let (right_block, join) = (self.b.create_block(), self.join_block());
                let args = [
                    BlockArg::Value(tag),
                    BlockArg::Value(payload),
                    BlockArg::Value(ptr),
                ];
                if matches!(node, Node::And(..)) {
                    self.b.ins().brif(truthy, right_block, &[], join, &args);
                } else {
                    self.b.ins().brif(truthy, join, &args, right_block, &[]);
                }
                self.b.switch_to_block(right_block);
                let right = self.expr(right);
                self.jump_dyn(join, right);
                self.b.switch_to_block(join);
                self.dyn_params(join)
            }
            Node::Not(operand) => {
                let operand = self.expr(operand);
                let truthy = self.truthy(operand);
                Operand::Bool(self.b.ins().icmp_imm(IntCC::Equal, truthy, 0))
            }
            Node::Call { callee, args, .. } if args.named.is_empty() => {
                self.call(node, callee, &args.positional)
            }
            Node::Op { args, .. } => self.op(node, args),
            Node::Get { object, key, .. } => {
                let object = self.expr(object);
                let key = self.expr(key);
                let (object, key) = (self.pointer_to(object), self.pointer_to(key));
                let node = self.address_of(node);
                self.status_shim(
                    shims::get as *const u8,
                    |cx, out| vec![cx, node, object, key, out],
                    5,
                )
            }
            // Listed in ARCHITECTURE.md: evaluated by the interpreter in this call's frame
            // (`left_to_the_interpreter` names them).
            _ => {
                let node = self.address_of(node);
                self.slots_used = true;
                let slots = self.slots;
                self.status_shim(shims::eval as *const u8, |cx, out| vec![cx, node, slots, out], 4)
            }
        }
    }

    /// A stdlib operator through the `op` shim. Operands held only by a fresh temporary are
    /// moved into the operator's arguments rather than cloned (and released at exit).
    fn op(&mut self, node: &Node, args: &[Node]) -> Operand {
        let operands: Vec<Operand> = args.iter().map(|arg| self.expr(arg)).collect();
        let movable = operands
            .iter()
            .take(64)
            .enumerate()
            .filter(|(_, operand)| self.is_fresh(**operand))
            .fold(0u64, |bits, (idx, _)| bits | 1 << idx);
        let pointers = self.pointer_array(&operands);
        let count = self.b.ins().iconst(self.ptr, operands.len() as i64);
        let movable = self.b.ins().iconst(types::I64, movable as i64);
        let node = self.address_of(node);
        self.status_shim(
            shims::op as *const u8,
            |cx, out| vec![cx, node, pointers, count, movable, out],
            6,
        )
    }

    /// A local of an enclosing frame: its address from `JitCx::locals` when an earlier read
    /// in this call chain cached it, else through the `local` shim (which reports a local
    /// read before its declaration ran), caching the address it answers.
    fn local(&mut self, node: &Node, depth: u16, slot: u16) -> Operand {
        let index = self.cache_index(depth, slot);
        let node = self.address_of(node);
        let sig = self.sigs.ptr_ptr_to_ptr;
        let Some(index) = index else {
            let found = self.shim_call(sig, shims::local as *const u8, &[self.cx, node]);
            let missing = self.b.ins().icmp_imm(IntCC::Equal, found, 0);
            self.fail_if(missing);
            return Operand::Ref(found);
        };
        let offset = CX_LOCALS + (index as i32) * self.ptr.bytes() as i32;
        let cached = self.b.ins().load(self.ptr, flags(), self.cx, offset);
        let (lookup, join) = (self.b.create_block(), self.b.create_block());
        self.b.append_block_param(join, self.ptr);
        let missing = self.b.ins().icmp_imm(IntCC::Equal, cached, 0);
        self.b
            .ins()
            .brif(missing, lookup, &[], join, &[BlockArg::Value(cached)]);
        self.b.switch_to_block(lookup);
        let cx = self.cx;
        let found = self.shim_call(sig, shims::local as *const u8, &[cx, node]);
        let failed = self.b.ins().icmp_imm(IntCC::Equal, found, 0);
        self.fail_if(failed);
        self.b.ins().store(flags(), found, cx, offset);
        self.b.ins().jump(join, &[BlockArg::Value(found)]);
        self.b.switch_to_block(join);
        Operand::Ref(self.b.block_params(join)[0])
    }

    /// The entry of `JitCx::locals` that caches the local (depth, slot), if it has one.
    fn cache_index(&mut self, depth: u16, slot: u16) -> Option<usize> {
        match self.cached_locals.iter().position(|&key| key == (depth, slot)) {
            Some(index) => Some(index),
            None if self.cached_locals.len() < CACHED_LOCALS => {
                self.cached_locals.push((depth, slot));
                Some(self.cached_locals.len() - 1)
            }
            None => None,
        }
    }

    // ---- operands ------------------------------------------------------------------

    /// Whether the operand is a number, and its value (meaningless when it is not).
    fn as_number(&mut self, operand: Operand) -> (Val, Val) {
        match operand {
            Operand::Num(n) => (self.b.ins().iconst(types::I8, 1), n),
            Operand::Bool(_) => (self.b.ins().iconst(types::I8, 0), self.b.ins().f64const(0.0)),
            Operand::Ref(ptr) => {
                let tag = self.b.ins().load(types::I64, flags(), ptr, 0);
                let is_number = self.b.ins().icmp_imm(IntCC::Equal, tag, TAG_NUMBER);
                let n = self.b.ins().load(types::F64, flags(), ptr, PAYLOAD);
                (is_number, n)
            }
            Operand::Dyn { tag, payload, .. } => {
                let is_number = self.b.ins().icmp_imm(IntCC::Equal, tag, TAG_NUMBER);
                let n = self.b.ins().bitcast(types::F64, MemFlags::new(), payload);
                (is_number, n)
            }
        }
    }

    /// KRL truthiness as an `i8`.
    fn truthy(&mut self, operand: Operand) -> Val {
        match operand {
            Operand::Num(n) => {
                let zero = self.b.ins().f64const(0.0);
                self.b.ins().fcmp(FloatCC::OrderedNotEqual, n, zero)
            }
            Operand::Bool(flag) => flag,
            Operand::Ref(_) | Operand::Dyn { .. } => {
                let (tag, payload, ptr) = self.dyn_parts(operand);
                let join = self.b.create_block();
                self.b.append_block_param(join, types::I8);
                let (plain, boolean, not_boolean, number, owning) = (
                    self.b.create_block(),
                    self.b.create_block(),
                    self.b.create_block(),
                    self.b.create_block(),
                    self.b.create_block(),
                );
                let owns = self
                    .b
                    .ins()
                    .icmp_imm(IntCC::UnsignedGreaterThan, tag, TAG_LAST_PLAIN);
                self.b.ins().brif(owns, owning, &[], plain, &[]);
                self.b.switch_to_block(owning);
                let sig = self.sigs.one_to_status;
                let result = self.shim_call(sig, shims::truthy as *const u8, &[ptr]);
                let result = self.b.ins().ireduce(types::I8, result);
                self.b.ins().jump(join, &[BlockArg::Value(result)]);
                self.b.switch_to_block(plain);
                let is_boolean = self.b.ins().icmp_imm(IntCC::Equal, tag, TAG_BOOLEAN);
                self.b.ins().brif(is_boolean, boolean, &[], not_boolean, &[]);
                self.b.switch_to_block(boolean);
                let low = self.b.ins().band_imm(payload, 0xff);
                let flag = self.b.ins().icmp_imm(IntCC::NotEqual, low, 0);
                self.b.ins().jump(join, &[BlockArg::Value(flag)]);
                self.b.switch_to_block(not_boolean);
                let is_number = self.b.ins().icmp_imm(IntCC::Equal, tag, TAG_NUMBER);
                let null = self.b.ins().iconst(types::I8, 0);
                self.b
                    .ins()
                    .brif(is_number, number, &[], join, &[BlockArg::Value(null)]);
                self.b.switch_to_block(number);
                let n = self.b.ins().bitcast(types::F64, MemFlags::new(), payload);
                let zero = self.b.ins().f64const(0.0);
                let flag = self.b.ins().fcmp(FloatCC::OrderedNotEqual, n, zero);
                self.b.ins().jump(join, &[BlockArg::Value(flag)]);
                self.b.switch_to_block(join);
                self.b.block_params(join)[0]
            }
        }
    }

    /// Tag, payload word and pointer of an operand.
    fn dyn_parts(&mut self, operand: Operand) -> (Val, Val, Val) {
        match operand {
            Operand::Num(n) => {
                let tag = self.b.ins().iconst(types::I64, TAG_NUMBER);
                let payload = self.b.ins().bitcast(types::I64, MemFlags::new(), n);
                let ptr = self.b.ins().iconst(self.ptr, 0);
                (tag, payload, ptr)
            }
            Operand::Bool(flag) => {
                let tag = self.b.ins().iconst(types::I64, TAG_BOOLEAN);
                let payload = self.b.ins().uextend(types::I64, flag);
                let ptr = self.b.ins().iconst(self.ptr, 0);
                (tag, payload, ptr)
            }
            Operand::Ref(ptr) => {
                let tag = self.b.ins().load(types::I64, flags(), ptr, 0);
                let payload = self.b.ins().load(types::I64, flags(), ptr, PAYLOAD);
                (tag, payload, ptr)
            }
            Operand::Dyn { tag, payload, ptr } => (tag, payload, ptr),
        }
    }

    /// A pointer to the operand's value, writing a plain value into a temporary.
    fn pointer_to(&mut self, operand: Operand) -> Val {
        match operand {
            Operand::Ref(ptr) => ptr,
            Operand::Num(_) | Operand::Bool(_) => {
                let temp = self.plain_temp();
                self.store_owned(temp, operand);
                temp
            }
            Operand::Dyn { tag, payload, ptr } => {
                let temp = self.plain_temp();
                let owns = self
                    .b
                    .ins()
                    .icmp_imm(IntCC::UnsignedGreaterThan, tag, TAG_LAST_PLAIN);
                // An owning value stays where it is; the temporary stays null then.
                let null = self.b.ins().iconst(types::I64, TAG_NULL);
                let stored_tag = self.b.ins().select(owns, null, tag);
                self.b.ins().store(flags(), stored_tag, temp, 0);
                self.b.ins().store(flags(), payload, temp, PAYLOAD);
                self.b.ins().select(owns, ptr, temp)
            }
        }
    }

    /// Writes an owned copy of the operand into `target`, which owns nothing.
    fn store_owned(&mut self, target: Val, operand: Operand) {
        match operand {
            Operand::Num(n) => {
                let tag = self.b.ins().iconst(types::I64, TAG_NUMBER);
                self.b.ins().store(flags(), tag, target, 0);
                self.b.ins().store(flags(), n, target, PAYLOAD);
            }
            Operand::Bool(flag) => {
                let tag = self.b.ins().iconst(types::I64, TAG_BOOLEAN);
                let payload = self.b.ins().uextend(types::I64, flag);
                self.b.ins().store(flags(), tag, target, 0);
                self.b.ins().store(flags(), payload, target, PAYLOAD);
            }
            Operand::Ref(_) | Operand::Dyn { .. } => {
                let (tag, payload, ptr) = self.dyn_parts(operand);
                let owns = self
                    .b
                    .ins()
                    .icmp_imm(IntCC::UnsignedGreaterThan, tag, TAG_LAST_PLAIN);
                let (clone, plain, next) = (
                    self.b.create_block(),
                    self.b.create_block(),
                    self.b.create_block(),
                );
                self.b.ins().brif(owns, clone, &[], plain, &[]);
                self.b.switch_to_block(clone);
                let sig = self.sigs.two_to_void;
                self.shim_call_void(sig, shims::clone as *const u8, &[ptr, target]);
                self.b.ins().jump(next, &[]);
                self.b.switch_to_block(plain);
                self.b.ins().store(flags(), tag, target, 0);
                self.b.ins().store(flags(), payload, target, PAYLOAD);
                self.b.ins().jump(next, &[]);
                self.b.switch_to_block(next);
            }
        }
    }

    /// Releases what the value at `ptr` owns, if anything (it is null afterwards then).
    fn release_if_owning(&mut self, ptr: Val) {
        let tag = self.b.ins().load(types::I64, flags(), ptr, 0);
        let owns = self
            .b
            .ins()
            .icmp_imm(IntCC::UnsignedGreaterThan, tag, TAG_LAST_PLAIN);
        let (release, next) = (self.b.create_block(), self.b.create_block());
        self.b.ins().brif(owns, release, &[], next, &[]);
        self.b.switch_to_block(release);
        let sig = self.sigs.one_to_void;
        self.shim_call_void(sig, shims::release as *const u8, &[ptr]);
        self.b.ins().jump(next, &[]);
        self.b.switch_to_block(next);
    }

    /// Releases every temporary written on the way here: one test per 64 temporaries of
    /// their written-bits, then each written one in turn.
    fn release_temps(&mut self) {
        for (group, mask) in self.temp_masks.clone().into_iter().enumerate() {
            let written = self.b.use_var(mask);
            let (release, next) = (self.b.create_block(), self.b.create_block());
            self.b.ins().brif(written, release, &[], next, &[]);
            self.b.switch_to_block(release);
            let first = group * TEMPS_PER_MASK;
            let last = self.temps.len().min(first + TEMPS_PER_MASK);
            for index in first..last {
                let bit = self.b.ins().band_imm(written, 1i64 << (index - first));
                let (this, after) = (self.b.create_block(), self.b.create_block());
                self.b.ins().brif(bit, this, &[], after, &[]);
                self.b.switch_to_block(this);
                let ptr = self.b.ins().stack_addr(self.ptr, self.temps[index], 0);
                self.release_if_owning(ptr);
                self.b.ins().jump(after, &[]);
                self.b.switch_to_block(after);
            }
            self.b.ins().jump(next, &[]);
            self.b.switch_to_block(next);
        }
    }

    /// Records that `temp` (an address [`Self::new_temp`] answered) now holds a value, so
    /// that the exits release it. The written-bits are variables (in registers): temporaries
    /// need no nulling at entry, and an exit that wrote none tests one word.
    fn mark_written(&mut self, temp: Val) {
        let Some(index) = self.fresh_temps.iter().position(|&address| address == temp) else {
            return;
        };
        let group = index / TEMPS_PER_MASK;
        while self.temp_masks.len() <= group {
            // A variable read before any definition reads zero (cranelift-frontend).
            let mask = self.b.declare_var(types::I64);
            self.temp_masks.push(mask);
        }
        let mask = self.temp_masks[group];
        let written = self.b.use_var(mask);
        let written = self.b.ins().bor_imm(written, 1i64 << (index % TEMPS_PER_MASK));
        self.b.def_var(mask, written);
    }

    /// Whether `operand` is a value only a fresh temporary holds (see `fresh_temps`).
    fn is_fresh(&self, operand: Operand) -> bool {
        matches!(operand, Operand::Ref(ptr) if self.fresh_temps.contains(&ptr))
    }

    /// An array of pointers to the operands' values, for a shim.
    fn pointer_array(&mut self, operands: &[Operand]) -> Val {
        let size = (operands.len().max(1) * self.ptr.bytes() as usize) as u32;
        let slot = self
            .b
            .create_sized_stack_slot(StackSlotData::new(StackSlotKind::ExplicitSlot, size, 3));
        for (idx, operand) in operands.iter().enumerate() {
            let ptr = self.pointer_to(*operand);
            self.b
                .ins()
                .stack_store(ptr, slot, (idx * self.ptr.bytes() as usize) as i32);
        }
        self.b.ins().stack_addr(self.ptr, slot, 0)
    }

    // ---- plumbing ------------------------------------------------------------------

    /// A temporary that only ever holds a value owning nothing (written before it is read),
    /// so it needs neither the null at entry nor a release at exit: a call of a small
    /// function does less work at both ends.
    fn plain_temp(&mut self) -> Val {
        let slot = self.b.create_sized_stack_slot(StackSlotData::new(
            StackSlotKind::ExplicitSlot,
            VALUE_SIZE as u32,
            3,
        ));
        self.b.ins().stack_addr(self.ptr, slot, 0)
    }

    /// A temporary a shim or a call writes an owned result into; released at exit once
    /// [`Self::mark_written`] recorded it.
    fn new_temp(&mut self) -> Val {
        let slot = self.b.create_sized_stack_slot(StackSlotData::new(
            StackSlotKind::ExplicitSlot,
            VALUE_SIZE as u32,
            3,
        ));
        self.temps.push(slot);
        let address = self.b.ins().stack_addr(self.ptr, slot, 0);
        self.fresh_temps.push(address);
        address
    }

    fn slot_ptr(&mut self, slot: u16) -> Val {
        self.slots_used = true;
        self.b
            .ins()
            .iadd_imm(self.slots, i64::from(slot) * i64::from(VALUE_SIZE))
    }

    fn address_of<T>(&mut self, item: &T) -> Val {
        self.b.ins().iconst(self.ptr, item as *const T as i64)
    }

    /// A block taking a dynamic operand (tag, payload, pointer).
    fn join_block(&mut self) -> ir::Block {
        let block = self.b.create_block();
        self.b.append_block_param(block, types::I64);
        self.b.append_block_param(block, types::I64);
        self.b.append_block_param(block, self.ptr);
        block
    }

    fn jump_dyn(&mut self, block: ir::Block, operand: Operand) {
        let (tag, payload, ptr) = self.dyn_parts(operand);
        self.b.ins().jump(
            block,
            &[
                BlockArg::Value(tag),
                BlockArg::Value(payload),
                BlockArg::Value(ptr),
            ],
        );
    }

    fn dyn_params(&mut self, block: ir::Block) -> Operand {
        let params = self.b.block_params(block);
        Operand::Dyn {
            tag: params[0],
            payload: params[1],
            ptr: params[2],
        }
    }

    fn fail_if(&mut self, condition: Val) {
        let next = self.b.create_block();
        self.b.ins().brif(condition, self.fail, &[], next, &[]);
        self.b.switch_to_block(next);
    }

    /// Calls a shim that writes a value into a new temporary and answers a status; the
    /// temporary is the result.
    fn status_shim(
        &mut self,
        shim: *const u8,
        args: impl FnOnce(Val, Val) -> Vec<Val>,
        arity: usize,
    ) -> Operand {
        let out = self.new_temp();
        let sig = match arity {
            4 => self.sigs.four_to_status,
            5 => self.sigs.five_to_status,
            _ => self.sigs.six_to_status,
        };
        let args = args(self.cx, out);
        let status = self.shim_call(sig, shim, &args);
        self.fail_if(status);
        self.mark_written(out);
        Operand::Ref(out)
    }

    fn shim_call(&mut self, sig: SigRef, shim: *const u8, args: &[Val]) -> Val {
        let callee = self.b.ins().iconst(self.ptr, shim as i64);
        let call = self.b.ins().call_indirect(sig, callee, args);
        self.b.inst_results(call)[0]
    }

    fn shim_call_void(&mut self, sig: SigRef, shim: *const u8, args: &[Val]) {
        let callee = self.b.ins().iconst(self.ptr, shim as i64);
        self.b.ins().call_indirect(sig, callee, args);
    }
}
