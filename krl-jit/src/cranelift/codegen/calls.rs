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

use super::super::entry::{CX_SELF_WORD, CX_STACK_FLOOR, CX_STATE};
use super::super::layout::{PAYLOAD, TAG_FUNCTION, TAG_NULL, TAG_NUMBER, VALUE_SIZE};
use super::super::shims;
use super::{Gen, Operand, Val, flags};
use crate::interp::limits::{DEPTH_OFFSET, MAX_DEPTH_OFFSET, STEPS_LEFT_OFFSET};
use crate::ir::Node;

/// What the number entry answers besides its number.
pub(super) const STATUS_NUMBER: i64 = 0;
pub(super) const STATUS_FAILED: i64 = 1;
pub(super) const STATUS_IN_OUT: i64 = 2;

impl Gen<'_, '_> {
    /// A call with positional arguments: a direct native call when the callee is the running
    /// closure itself and the stack has room, else through the runtime.
    pub(super) fn call(&mut self, node: &Node, callee: Val, args: &[Operand]) -> Operand {
        self.makes_calls = true;
        let join = self.join_block();
        let (direct, generic) = (self.b.create_block(), self.b.create_block());
        let tag = self.b.ins().load(types::I64, flags(), callee, 0);
        let word = self.b.ins().load(self.ptr, flags(), callee, PAYLOAD);
        let self_word = self.b.ins().load(self.ptr, flags(), self.cx, CX_SELF_WORD);
        let is_function = self.b.ins().icmp_imm(IntCC::Equal, tag, TAG_FUNCTION);
        let is_self = self.b.ins().icmp(IntCC::Equal, word, self_word);
        let sp = self.b.ins().get_stack_pointer(self.ptr);
        let floor = self.b.ins().load(self.ptr, flags(), self.cx, CX_STACK_FLOOR);
        let room = self.b.ins().icmp(IntCC::UnsignedGreaterThanOrEqual, sp, floor);
        let same = self.b.ins().band(is_function, is_self);
        let take_direct = self.b.ins().band(same, room);
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
        match self.numbers {
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

    /// The running function called through its number entry with `values`; jumps to `join`
    /// with the result.
    fn number_call(&mut self, node: &Node, numbers: FuncRef, values: &[Val], join: Block) {
        let state = self.enter_direct(node);
        let out = self.new_temp();
        let cx = self.cx;
        let mut call_args = vec![cx, out];
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
        let tag = self.b.ins().iconst(types::I64, TAG_NUMBER);
        let payload = self.b.ins().bitcast(types::I64, MemFlags::new(), number);
        let no_pointer = self.b.ins().iconst(self.ptr, 0);
        self.b.ins().jump(
            join,
            &[
                BlockArg::Value(tag),
                BlockArg::Value(payload),
                BlockArg::Value(no_pointer),
            ],
        );
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
        let state = self.enter_direct(node);
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

    /// The interpreter's `enter_call` inline: the depth limit and one step of the budget,
    /// then one level deeper. Answers the `CallState` pointer for [`Self::leave_direct`].
    fn enter_direct(&mut self, node: &Node) -> Val {
        let state = self.b.ins().load(self.ptr, flags(), self.cx, CX_STATE);
        let depth = self.b.ins().load(types::I32, flags(), state, DEPTH_OFFSET);
        let max_depth = self.b.ins().load(types::I32, flags(), state, MAX_DEPTH_OFFSET);
        let deeper = self.b.ins().iadd_imm(depth, 1);
        let too_deep = self.b.ins().icmp(IntCC::UnsignedGreaterThan, deeper, max_depth);
        self.limit_error_if(too_deep, node, 0);
        let steps = self.b.ins().load(types::I64, flags(), state, STEPS_LEFT_OFFSET);
        let spent = self.b.ins().icmp_imm(IntCC::Equal, steps, 0);
        self.limit_error_if(spent, node, 1);
        let steps = self.b.ins().iadd_imm(steps, -1);
        self.b.ins().store(flags(), steps, state, STEPS_LEFT_OFFSET);
        self.b.ins().store(flags(), deeper, state, DEPTH_OFFSET);
        state
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

    fn limit_error_if(&mut self, condition: Val, node: &Node, kind: i64) {
        let (error, ok) = (self.b.create_block(), self.b.create_block());
        self.b.ins().brif(condition, error, &[], ok, &[]);
        self.b.switch_to_block(error);
        let node = self.address_of(node);
        let kind = self.b.ins().iconst(self.ptr, kind);
        let sig = self.sigs.three_to_void;
        let cx = self.cx;
        self.shim_call_void(sig, shims::limit as *const u8, &[cx, node, kind]);
        self.b.ins().jump(self.fail, &[]);
        self.b.switch_to_block(ok);
    }
}
