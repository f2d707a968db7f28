//! Calls in generated code: a call of the running function itself is a native call, with
//! numbers unboxed when every argument is one; any other call goes through the runtime.
//!
//! A direct call counts depth and steps inline, as the interpreter's `enter_call` does (the
//! same limits, error texts and spans, through the `limit` shim). Its arguments then take one
//! of two paths:
//! - all numbers (the type guard): the function's number entry, `(cx, out, f64...) ->
//!   (status, f64)`, which keeps its own frame and answers a number in a register (status
//!   0), another value in `out` (status 2) or an error (status 1). No `Value` is written on
//!   the way in or, for a number result, on the way out.
//! - otherwise: the boxed entry, `(cx, slots, out) -> status`, with a frame of `Value`s made
//!   and released here.

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{
    Block, BlockArg, FuncRef, InstBuilder, MemFlags, StackSlotData, StackSlotKind, types,
};

use krl_runtime::exec::{DEPTH_OFFSET, MAX_DEPTH_OFFSET, STEPS_LEFT_OFFSET};

use super::super::entry::{CX_SELF_LOCALS, CX_SELF_WORD, CX_STACK_FLOOR, CX_STATE};
use super::super::layout::{PAYLOAD, TAG_FUNCTION, TAG_NULL, TAG_NUMBER, VALUE_SIZE};
use super::super::shims;
use super::{Gen, Operand, Val, flags};
use crate::ir::Node;

/// What the number entry answers besides its number.
pub(super) const STATUS_NUMBER: i64 = 0;
pub(super) const STATUS_FAILED: i64 = 1;
pub(super) const STATUS_IN_OUT: i64 = 2;

impl Gen<'_, '_> {
    /// A call with positional arguments: a direct native call when the callee is the running
    /// closure itself and the stack has room, else through the runtime.
    pub(super) fn call(&mut self, node: &Node, callee: &Node, args: &[Node]) -> Operand {
        self.makes_calls = true;
        let (callee, take_direct) = self.callee(callee);
        let args: Vec<Operand> = args.iter().map(|arg| self.expr(arg)).collect();
        let args = args.as_slice();
        let join = self.join_block();
        let (direct, generic) = (self.b.create_block(), self.b.create_block());
        self.b.ins().brif(take_direct, direct, &[], generic, &[]);

        self.b.switch_to_block(generic);
        let pointers = self.pointer_array(args);
        let count = self.b.ins().iconst(self.ptr, args.len() as i64);
        let node_address = self.address_of(node);
        let result = self.status_shim(
            shims::call as *const u8,
            |cx, out| vec![cx, node_address, callee, pointers, count, out],
            6,
        );
        self.jump_dyn(join, result);

        self.b.switch_to_block(direct);
        let n_params = self.ir.params.len();
        let all_registers = args[..n_params.min(args.len())]
            .iter()
            .all(|arg| matches!(arg, Operand::Num(_)));
        match self.numbers {
            // Every argument a number in a register: no type guard, and no boxed call.
            Some(numbers) if args.len() >= n_params && all_registers => {
                let values: Vec<Val> = args[..n_params]
                    .iter()
                    .map(|arg| self.as_number(*arg).1)
                    .collect();
                self.number_call(node, numbers, &values, join);
                self.b.switch_to_block(join);
                return self.dyn_params(join);
            }
            Some(numbers) if args.len() >= n_params => {
                let (unboxed, boxed) = (self.b.create_block(), self.b.create_block());
                let mut all_numbers = self.b.ins().iconst(types::I8, 1);
                let mut values = Vec::with_capacity(n_params);
                for arg in &args[..n_params] {
                    let (is_number, value) = self.as_number(*arg);
                    all_numbers = self.b.ins().band(all_numbers, is_number);
                    values.push(value);
                }
                self.b.ins().brif(all_numbers, unboxed, &[], boxed, &[]);
                self.b.switch_to_block(unboxed);
                self.number_call(node, numbers, &values, join);
                self.b.switch_to_block(boxed);
            }
            _ => {}
        }
        let result = self.direct_call(node, args);
        self.jump_dyn(join, result);
        self.b.switch_to_block(join);
        self.dyn_params(join)
    }

    /// The work of an entry that makes calls, in its first block: the boxed entry reads the
    /// `ExecState` pointer (the number entry gets it as a parameter), and both read which
    /// cached locals are known to hold this function, unless the stack lacks room for a
    /// direct call.
    pub(super) fn init_calls(&mut self, entry: super::Entry) {
        if !self.makes_calls {
            return;
        }
        if entry == super::Entry::Boxed {
            let state = self.b.ins().load(self.ptr, flags(), self.cx, CX_STATE);
            self.b.def_var(self.state, state);
        }
        let known = self.b.ins().load(types::I64, flags(), self.cx, CX_SELF_LOCALS);
        let room = self.has_stack_room();
        let none = self.b.ins().iconst(types::I64, 0);
        let known = self.b.ins().select(room, known, none);
        self.b.def_var(self.direct_locals, known);
    }

    fn has_stack_room(&mut self) -> Val {
        let sp = self.b.ins().get_stack_pointer(self.ptr);
        let floor = self.b.ins().load(self.ptr, flags(), self.cx, CX_STACK_FLOOR);
        self.b.ins().icmp(IntCC::UnsignedGreaterThanOrEqual, sp, floor)
    }

    /// The callee of a call: a pointer to its value, and whether the call is direct (the
    /// callee is this closure and the stack has room). A callee that is a cached local
    /// already known to be this function is neither read nor checked again (the pointer is
    /// then null: only the generic path reads it); one found to be is remembered in
    /// `JitCx::self_locals` for the rest of the chain.
    fn callee(&mut self, node: &Node) -> (Val, Val) {
        let cached = match node {
            Node::Local { depth, slot, .. } => self.cache_index(*depth, *slot),
            _ => None,
        };
        let Some(index) = cached else {
            let value = self.expr(node);
            let callee = self.pointer_to(value);
            let is_self = self.is_self(callee);
            return (callee, is_self);
        };
        let bit = 1i64 << index;
        let known = self.b.use_var(self.direct_locals);
        let known_bit = self.b.ins().band_imm(known, bit);
        let (lookup, found_self, after) = (
            self.b.create_block(),
            self.b.create_block(),
            self.b.create_block(),
        );
        self.b.append_block_param(after, self.ptr);
        self.b.append_block_param(after, types::I8);
        let (no_pointer, yes) = (
            self.b.ins().iconst(self.ptr, 0),
            self.b.ins().iconst(types::I8, 1),
        );
        self.b.ins().brif(
            known_bit,
            after,
            &[BlockArg::Value(no_pointer), BlockArg::Value(yes)],
            lookup,
            &[],
        );
        self.b.switch_to_block(lookup);
        let value = self.expr(node);
        let callee = self.pointer_to(value);
        let is_self = self.is_self(callee);
        let no = self.b.ins().iconst(types::I8, 0);
        self.b.ins().brif(
            is_self,
            found_self,
            &[],
            after,
            &[BlockArg::Value(callee), BlockArg::Value(no)],
        );
        self.b.switch_to_block(found_self);
        let cx = self.cx;
        let remembered = self.b.ins().load(types::I64, flags(), cx, CX_SELF_LOCALS);
        let remembered = self.b.ins().bor_imm(remembered, bit);
        self.b.ins().store(flags(), remembered, cx, CX_SELF_LOCALS);
        let known = self.b.ins().bor_imm(known, bit);
        self.b.def_var(self.direct_locals, known);
        let yes = self.b.ins().iconst(types::I8, 1);
        self.b
            .ins()
            .jump(after, &[BlockArg::Value(callee), BlockArg::Value(yes)]);
        self.b.switch_to_block(after);
        let params = self.b.block_params(after);
        (params[0], params[1])
    }

    /// Whether the value at `callee` is this closure's function and the stack has room.
    fn is_self(&mut self, callee: Val) -> Val {
        let tag = self.b.ins().load(types::I64, flags(), callee, 0);
        let word = self.b.ins().load(self.ptr, flags(), callee, PAYLOAD);
        let self_word = self.b.ins().load(self.ptr, flags(), self.cx, CX_SELF_WORD);
        let is_function = self.b.ins().icmp_imm(IntCC::Equal, tag, TAG_FUNCTION);
        let is_self = self.b.ins().icmp(IntCC::Equal, word, self_word);
        let room = self.has_stack_room();
        let same = self.b.ins().band(is_function, is_self);
        self.b.ins().band(same, room)
    }

    /// Jumps to `join` with `number` as a tagged value (tag, payload, no heap pointer).
    fn jump_with_number(&mut self, join: Block, number: Val) {
        let tag = self.b.ins().iconst(types::I64, TAG_NUMBER);
        let payload = self.b.ins().bitcast(types::I64, MemFlags::new(), number);
        let no_pointer = self.b.ins().iconst(self.ptr, 0);
        let args = [
            BlockArg::Value(tag),
            BlockArg::Value(payload),
            BlockArg::Value(no_pointer),
        ];
        self.b.ins().jump(join, &args);
    }

    /// The running function called through its number entry with `values`; jumps to `join`
    /// with the result.
    fn number_call(&mut self, node: &Node, numbers: FuncRef, values: &[Val], join: Block) {
        let base_case = self.inline_base_case(values);
        let (state, deeper) = self.count_direct(node);
        if let Some((taken, answer)) = base_case {
            let (answered, call) = (self.b.create_block(), self.b.create_block());
            self.b.ins().brif(taken, answered, &[], call, &[]);
            self.b.switch_to_block(answered);
            self.jump_with_number(join, answer);
            self.b.switch_to_block(call);
        }
        self.b.ins().store(flags(), deeper, state, DEPTH_OFFSET);
        let out = self.new_temp();
        let cx = self.cx;
        let mut call_args = vec![cx, state, out];
        call_args.extend_from_slice(values);
        let call = self.b.ins().call(numbers, &call_args);
        let (status, number) = (self.b.inst_results(call)[0], self.b.inst_results(call)[1]);
        self.leave_direct(state);
        let (is_number, other, failed, in_out) = (
            self.b.create_block(),
            self.b.create_block(),
            self.b.create_block(),
            self.b.create_block(),
        );
        let answered_number = self.b.ins().icmp_imm(IntCC::Equal, status, STATUS_NUMBER);
        self.b.ins().brif(answered_number, is_number, &[], other, &[]);
        self.b.switch_to_block(is_number);
        self.jump_with_number(join, number);
        self.b.switch_to_block(other);
        let answered_error = self.b.ins().icmp_imm(IntCC::Equal, status, STATUS_FAILED);
        self.b.ins().brif(answered_error, failed, &[], in_out, &[]);
        self.b.switch_to_block(failed);
        self.error_left_function();
        self.b.switch_to_block(in_out);
        self.mark_written(out);
        self.jump_dyn(join, Operand::Ref(out));
    }

    /// The running function called natively through its boxed entry: a fresh frame with the
    /// arguments, the call, the frame's release.
    fn direct_call(&mut self, node: &Node, args: &[Operand]) -> Operand {
        let (state, deeper) = self.count_direct(node);
        self.b.ins().store(flags(), deeper, state, DEPTH_OFFSET);
        let n_slots = u32::from(self.ir.body.n_slots);
        let frame_slot = self.b.create_sized_stack_slot(StackSlotData::new(
            StackSlotKind::ExplicitSlot,
            n_slots.max(1) * VALUE_SIZE as u32,
            3,
        ));
        let frame = self.b.ins().stack_addr(self.ptr, frame_slot, 0);
        for slot in 0..n_slots {
            let null = self.b.ins().iconst(types::I64, TAG_NULL);
            self.b.ins().store(flags(), null, frame, slot as i32 * VALUE_SIZE);
        }
        // Arguments past the parameters were evaluated and are dropped with the temporaries.
        for (param, arg) in self.ir.params.iter().zip(args) {
            let target = self
                .b
                .ins()
                .iadd_imm(frame, i64::from(param.slot) * i64::from(VALUE_SIZE));
            self.store_owned(target, *arg);
        }
        let out = self.new_temp();
        let cx = self.cx;
        let call = self.b.ins().call(self.own, &[cx, frame, out]);
        let status = self.b.inst_results(call)[0];
        self.leave_direct(state);
        for slot in 0..n_slots {
            let value = self
                .b
                .ins()
                .iadd_imm(frame, i64::from(slot) * i64::from(VALUE_SIZE));
            self.release_if_owning(value);
        }
        let (failed, ok) = (self.b.create_block(), self.b.create_block());
        self.b.ins().brif(status, failed, &[], ok, &[]);
        self.b.switch_to_block(failed);
        self.error_left_function();
        self.b.switch_to_block(ok);
        self.mark_written(out);
        Operand::Ref(out)
    }

    /// The interpreter's `enter_call` inline: the depth limit and one step of the budget
    /// (one branch for both; the cold path tells which failed, depth first as the
    /// interpreter checks it). Answers the `ExecState` pointer and the depth one level
    /// deeper, which the caller stores before the call ([`Self::leave_direct`] after it).
    fn count_direct(&mut self, node: &Node) -> (Val, Val) {
        let state = self.b.use_var(self.state);
        let depth = self.b.ins().load(types::I32, flags(), state, DEPTH_OFFSET);
        let max_depth = self.b.ins().load(types::I32, flags(), state, MAX_DEPTH_OFFSET);
        let deeper = self.b.ins().iadd_imm(depth, 1);
        let too_deep = self.b.ins().icmp(IntCC::UnsignedGreaterThan, deeper, max_depth);
        let steps = self.b.ins().load(types::I64, flags(), state, STEPS_LEFT_OFFSET);
        let spent = self.b.ins().icmp_imm(IntCC::Equal, steps, 0);
        let stop = self.b.ins().bor(too_deep, spent);
        let (limit, ok) = (self.b.create_block(), self.b.create_block());
        self.b.set_cold_block(limit);
        self.b.ins().brif(stop, limit, &[], ok, &[]);
        self.b.switch_to_block(limit);
        let (depth_error, budget_error) = (self.b.create_block(), self.b.create_block());
        self.b.set_cold_block(depth_error);
        self.b.set_cold_block(budget_error);
        self.b.ins().brif(too_deep, depth_error, &[], budget_error, &[]);
        for (block, kind) in [(depth_error, 0), (budget_error, 1)] {
            self.b.switch_to_block(block);
            self.limit_error(node, kind);
        }
        self.b.switch_to_block(ok);
        let steps = self.b.ins().iadd_imm(steps, -1);
        self.b.ins().store(flags(), steps, state, STEPS_LEFT_OFFSET);
        (state, deeper)
    }

    /// One level shallower again after a direct call.
    fn leave_direct(&mut self, state: Val) {
        let depth = self.b.ins().load(types::I32, flags(), state, DEPTH_OFFSET);
        let shallower = self.b.ins().iadd_imm(depth, -1);
        self.b.ins().store(flags(), shallower, state, DEPTH_OFFSET);
    }

    /// A direct call failed: the error left this function too (the interpreter names the
    /// function an error leaves); on to the failure exit.
    fn error_left_function(&mut self) {
        let sig = self.sigs.one_to_void;
        let cx = self.cx;
        self.shim_call_void(sig, shims::left_function as *const u8, &[cx]);
        self.b.ins().jump(self.fail, &[]);
    }

    /// The limit error of `kind` (0: depth, 1: step budget) at the call `node`.
    fn limit_error(&mut self, node: &Node, kind: i64) {
        let node = self.address_of(node);
        let kind = self.b.ins().iconst(self.ptr, kind);
        let sig = self.sigs.three_to_void;
        let cx = self.cx;
        self.shim_call_void(sig, shims::limit as *const u8, &[cx, node, kind]);
        self.b.ins().jump(self.fail, &[]);
    }
}
