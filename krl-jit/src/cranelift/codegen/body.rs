//! A compiled function's body in each entry: declarations, the result, the exits, and the
//! frame of the number entry.

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{Block, BlockArg, InstBuilder, types};

use super::super::layout::{PAYLOAD, TAG_NULL, TAG_NUMBER, VALUE_SIZE};
use super::calls::{STATUS_FAILED, STATUS_IN_OUT, STATUS_NUMBER};
use super::{Entry, Gen, Operand, Val, flags};
use crate::ir::Node;

/// Where a result goes: `out` then the exit block (the number entry's takes the status and
/// the number).
#[derive(Clone, Copy)]
enum Exit {
    Boxed { out: Val, done: Block },
    Numbers { out: Val, done: Block },
}

impl Gen<'_, '_> {
    /// The boxed entry's body: parameter defaults, declarations, the result into `out`,
    /// and both exits.
    pub(super) fn boxed_body(&mut self, out: Val) {
        let ir = self.ir;
        for param in &ir.params {
            let Some(default) = &param.default else { continue };
            let slot = self.slot_ptr(param.slot);
            let tag = self.b.ins().load(types::I64, flags(), slot, 0);
            let unbound = self.b.ins().icmp_imm(IntCC::Equal, tag, TAG_NULL);
            let (bind, next) = (self.b.create_block(), self.b.create_block());
            self.b.ins().brif(unbound, bind, &[], next, &[]);
            self.b.switch_to_block(bind);
            let value = self.expr(default);
            self.store_owned(slot, value);
            self.b.ins().jump(next, &[]);
            self.b.switch_to_block(next);
        }
        self.declarations();
        let done = self.b.create_block();
        self.tail(&ir.result, Exit::Boxed { out, done });
        self.return_status(done);
    }

    /// A boxed entry's two exits: from `done` it releases its temporaries and answers 0; from
    /// the failure block, reached by every error, it releases them and answers 1.
    pub(super) fn return_status(&mut self, done: Block) {
        self.b.switch_to_block(done);
        self.release_temps();
        let ok = self.b.ins().iconst(types::I32, 0);
        self.b.ins().return_(&[ok]);
        self.b.switch_to_block(self.fail);
        self.release_temps();
        let failed = self.b.ins().iconst(types::I32, 1);
        self.b.ins().return_(&[failed]);
    }

    /// The number entry's body: every parameter is bound to a number (none is null, so no
    /// default applies), the frame is this native frame's, and a number result travels in a
    /// register.
    pub(super) fn number_body(&mut self, out: Val) {
        let ir = self.ir;
        self.declarations();
        let done = self.b.create_block();
        self.b.append_block_param(done, types::I32);
        self.b.append_block_param(done, types::F64);
        self.tail(&ir.result, Exit::Numbers { out, done });
        self.b.switch_to_block(done);
        let (status, n) = (self.b.block_params(done)[0], self.b.block_params(done)[1]);
        self.release_temps();
        self.release_own_frame();
        self.b.ins().return_(&[status, n]);
        self.b.switch_to_block(self.fail);
        self.release_temps();
        self.release_own_frame();
        let failed = self.b.ins().iconst(types::I32, STATUS_FAILED);
        let nothing = self.b.ins().f64const(0.0);
        self.b.ins().return_(&[failed, nothing]);
    }

    fn declarations(&mut self) {
        let ir = self.ir;
        for decl in &ir.body.decls {
            let value = self.expr(&decl.value);
            let slot = self.slot_ptr(decl.slot);
            self.release_if_owning(slot);
            self.store_result(slot, value);
        }
    }

    /// The entry block's work, known only once the body is built, ending in a jump to
    /// `body`. The number entry first checks that its numbers are finite, so that its body
    /// can treat them as such (no finiteness test and no stdlib path per use); if one is
    /// not, it runs the boxed entry on its own frame instead and answers in `out`. Then it
    /// fills its frame if the code uses it.
    pub(super) fn init_frame(&mut self, entry: Entry, body: Block, out: Val) {
        if entry != Entry::Numbers {
            self.b.ins().jump(body, &[]);
            return;
        }
        // The parameters count as known finite in the body, not here.
        let numbers = self.param_numbers.clone();
        let known = std::mem::take(&mut self.finite_constants);
        let all_finite = self.all_finite(&numbers);
        self.finite_constants = known;
        let (finite, boxed) = (self.b.create_block(), self.b.create_block());
        self.b.set_cold_block(boxed);
        self.b.ins().brif(all_finite, finite, &[], boxed, &[]);
        self.b.switch_to_block(boxed);
        self.run_boxed_entry(out);
        self.b.switch_to_block(finite);
        if self.slots_used {
            self.fill_own_frame();
        }
        self.b.ins().jump(body, &[]);
    }

    /// The number entry with a number that is not finite: the boxed entry on this native
    /// frame, its result in `out`.
    fn run_boxed_entry(&mut self, out: Val) {
        self.fill_own_frame();
        let (cx, slots) = (self.cx, self.slots);
        let call = self.b.ins().call(self.own, &[cx, slots, out]);
        let status = self.b.inst_results(call)[0];
        self.release_frame_values();
        let in_out = self.b.ins().iconst(types::I32, STATUS_IN_OUT);
        let failed = self.b.ins().iconst(types::I32, STATUS_FAILED);
        let status = self.b.ins().select(status, failed, in_out);
        let nothing = self.b.ins().f64const(0.0);
        self.b.ins().return_(&[status, nothing]);
    }

    /// The number entry's frame as the boxed entry expects it: the parameters' numbers,
    /// every other slot null.
    fn fill_own_frame(&mut self) {
        for slot in 0..self.ir.body.n_slots {
            let offset = i32::from(slot) * VALUE_SIZE;
            match self.param_number(slot) {
                Some(n) => {
                    let tag = self.b.ins().iconst(types::I64, TAG_NUMBER);
                    self.b.ins().store(flags(), tag, self.slots, offset);
                    self.b.ins().store(flags(), n, self.slots, offset + PAYLOAD);
                }
                None => {
                    let null = self.b.ins().iconst(types::I64, TAG_NULL);
                    self.b.ins().store(flags(), null, self.slots, offset);
                }
            }
        }
    }

    /// Releases the number entry's own frame (its parameters hold numbers, the rest what
    /// the declarations stored).
    fn release_own_frame(&mut self) {
        if self.slots_used {
            self.release_frame_values();
        }
    }

    fn release_frame_values(&mut self) {
        for slot in 0..self.ir.body.n_slots {
            if self.param_number(slot).is_none() {
                let value = self
                    .b
                    .ins()
                    .iadd_imm(self.slots, i64::from(slot) * i64::from(VALUE_SIZE));
                self.release_if_owning(value);
            }
        }
    }

    /// In the number entry, the number a parameter's slot holds.
    pub(super) fn param_number(&self, slot: u16) -> Option<Val> {
        let position = self.ir.params.iter().position(|param| param.slot == slot)?;
        self.param_numbers.get(position).copied()
    }

    /// The function's result: a conditional's branches each finish on their own (no join,
    /// so a number stays in a register and a fresh value is moved); any other node's value
    /// finishes as in [`Self::finish`].
    fn tail(&mut self, node: &Node, exit: Exit) {
        if let Node::Conditional { test, then, else_ } = node {
            let truthy = self.condition(test);
            let (then_block, else_block) = (self.b.create_block(), self.b.create_block());
            self.b.ins().brif(truthy, then_block, &[], else_block, &[]);
            self.b.switch_to_block(then_block);
            self.tail(then, exit);
            self.b.switch_to_block(else_block);
            self.tail(else_, exit);
            return;
        }
        if let Node::Binary {
            fast, left, right, ..
        } = node
            && !super::never_numbers(node)
        {
            // Each path finishes on its own: a number stays in its register, the stdlib's
            // result is moved out of its temporary.
            let (left, right) = (self.expr(left), self.expr(right));
            let slow = self.b.create_block();
            if let Some(result) = self.fast_binary(*fast, left, right, slow) {
                self.finish(result, exit);
            }
            self.b.switch_to_block(slow);
            let result = self.slow_binary(node, left, right);
            self.finish(result, exit);
            return;
        }
        let value = self.expr(node);
        self.finish(value, exit);
    }

    /// Hands `value` to the exit: into `out` (the number entry answers a number in its
    /// register instead).
    fn finish(&mut self, value: Operand, exit: Exit) {
        match exit {
            Exit::Boxed { out, done } => {
                self.store_result(out, value);
                self.b.ins().jump(done, &[]);
            }
            Exit::Numbers { out, done } => {
                let number_status = self.b.ins().iconst(types::I32, STATUS_NUMBER);
                if let Operand::Num(n) = value {
                    self.b
                        .ins()
                        .jump(done, &[BlockArg::Value(number_status), BlockArg::Value(n)]);
                    return;
                }
                let (is_number, n) = self.as_number(value);
                let other = self.b.create_block();
                self.b.ins().brif(
                    is_number,
                    done,
                    &[BlockArg::Value(number_status), BlockArg::Value(n)],
                    other,
                    &[],
                );
                self.b.switch_to_block(other);
                self.store_result(out, value);
                let in_out = self.b.ins().iconst(types::I32, STATUS_IN_OUT);
                let nothing = self.b.ins().f64const(0.0);
                self.b
                    .ins()
                    .jump(done, &[BlockArg::Value(in_out), BlockArg::Value(nothing)]);
            }
        }
    }

    /// Writes a result (the function's, a declaration's) into `out`, which owns nothing: moved out of a fresh temporary (which is
    /// left null, so the exit releases nothing there), else an owned copy.
    pub(super) fn store_result(&mut self, out: Val, value: Operand) {
        let Operand::Ref(ptr) = value else {
            return self.store_owned(out, value);
        };
        if !self.fresh_temps.contains(&ptr) {
            return self.store_owned(out, value);
        }
        for offset in [0, PAYLOAD, PAYLOAD + 8] {
            let word = self.b.ins().load(types::I64, flags(), ptr, offset);
            self.b.ins().store(flags(), word, out, offset);
        }
        let null = self.b.ins().iconst(types::I64, TAG_NULL);
        self.b.ins().store(flags(), null, ptr, 0);
    }
}
