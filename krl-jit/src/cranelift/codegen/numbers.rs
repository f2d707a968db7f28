//! Arithmetic and comparisons in generated code: the register path for two finite numbers
//! (as the interpreter's `FastOp`), its guards, and the stdlib path otherwise.

use cranelift_codegen::ir::condcodes::FloatCC;
use cranelift_codegen::ir::{self, BlockArg, InstBuilder, types};

use super::super::shims;
use super::{Gen, Operand, Val, never_numbers};
use crate::ir::{FastOp, Node};

impl Gen<'_, '_> {
    /// A binary operator: in registers for two finite numbers (and a non-zero divisor),
    /// else through the stdlib.
    pub(super) fn binary(&mut self, node: &Node, fast: FastOp, left: Operand, right: Operand) -> Operand {
        if never_numbers(node) {
            return self.slow_binary(node, left, right);
        }
        if let Some(result) = self.known_fast_binary(fast, left, right) {
            return result;
        }
        let join = self.join_block();
        let slow = self.b.create_block();
        if let Some(result) = self.fast_binary(fast, left, right, slow) {
            self.jump_dyn(join, result);
        }
        self.b.switch_to_block(slow);
        let result = self.slow_binary(node, left, right);
        self.jump_dyn(join, result);
        self.b.switch_to_block(join);
        self.dyn_params(join)
    }

    /// A condition's truthiness as an `i8`. A comparison branches on its result without
    /// making a value (no join of a dynamic operand to test again).
    pub(super) fn condition(&mut self, node: &Node) -> Val {
        let Node::Binary {
            fast, left, right, ..
        } = node
        else {
            let value = self.expr(node);
            return self.truthy(value);
        };
        let comparison = matches!(
            fast,
            FastOp::Lt | FastOp::Le | FastOp::Gt | FastOp::Ge | FastOp::Eq | FastOp::Ne
        );
        let (left, right) = (self.expr(left), self.expr(right));
        if !comparison {
            let value = self.binary(node, *fast, left, right);
            return self.truthy(value);
        }
        let join = self.b.create_block();
        self.b.append_block_param(join, types::I8);
        let slow = self.b.create_block();
        if let Some(result) = self.fast_binary(*fast, left, right, slow) {
            let flag = self.truthy(result);
            self.b.ins().jump(join, &[BlockArg::Value(flag)]);
        }
        self.b.switch_to_block(slow);
        let result = self.slow_binary(node, left, right);
        let flag = self.truthy(result);
        self.b.ins().jump(join, &[BlockArg::Value(flag)]);
        self.b.switch_to_block(join);
        self.b.block_params(join)[0]
    }

    /// The register path of a binary operator: branches to `slow` unless both operands are
    /// finite numbers (and a divisor is not zero), and answers the result on the way on.
    /// `None` (and a jump to `slow`) when the operator has no register path.
    pub(super) fn fast_binary(
        &mut self,
        fast: FastOp,
        left: Operand,
        right: Operand,
        slow: ir::Block,
    ) -> Option<Operand> {
        if fast == FastOp::None {
            self.b.ins().jump(slow, &[]);
            return None;
        }
        if let Some(result) = self.known_fast_binary(fast, left, right) {
            // `slow` stays unreachable (Cranelift drops it).
            return Some(result);
        }
        let (left_is_number, a) = self.as_number(left);
        let (right_is_number, b) = self.as_number(right);
        let both = self.b.ins().band(left_is_number, right_is_number);
        let finite = self.all_finite(&[a, b]);
        let mut ok = self.b.ins().band(both, finite);
        if matches!(fast, FastOp::Div | FastOp::Rem) {
            let zero = self.b.ins().f64const(0.0);
            let nonzero = self.b.ins().fcmp(FloatCC::NotEqual, b, zero);
            ok = self.b.ins().band(ok, nonzero);
        }
        let fast_block = self.b.create_block();
        self.b.ins().brif(ok, fast_block, &[], slow, &[]);
        self.b.switch_to_block(fast_block);
        self.fast_result(fast, a, b)
    }

    /// The register path without its test, when both operands are known at compile time to
    /// be finite numbers (constants, the number entry's parameters) and the operator needs
    /// no other check (`/` and `%` test their divisor).
    fn known_fast_binary(&mut self, fast: FastOp, left: Operand, right: Operand) -> Option<Operand> {
        if matches!(fast, FastOp::Div | FastOp::Rem | FastOp::None) {
            return None;
        }
        let (a, b) = (self.finite(left)?, self.finite(right)?);
        self.fast_result(fast, a, b)
    }

    /// The number a finite-number operand holds, when that is known at compile time.
    fn finite(&self, operand: Operand) -> Option<Val> {
        match operand {
            Operand::Num(n) if self.finite_constants.contains(&n) => Some(n),
            _ => None,
        }
    }

    /// `fast` on two numbers in registers.
    pub(super) fn fast_result(&mut self, fast: FastOp, a: Val, b: Val) -> Option<Operand> {
        Some(match fast {
            FastOp::Add => Operand::Num(self.b.ins().fadd(a, b)),
            FastOp::Sub => Operand::Num(self.b.ins().fsub(a, b)),
            FastOp::Mul => Operand::Num(self.b.ins().fmul(a, b)),
            FastOp::Div => Operand::Num(self.b.ins().fdiv(a, b)),
            FastOp::Rem => {
                let sig = self.sigs.floats_to_float;
                Operand::Num(self.shim_call(sig, shims::remainder as *const u8, &[a, b]))
            }
            FastOp::Lt => Operand::Bool(self.b.ins().fcmp(FloatCC::LessThan, a, b)),
            FastOp::Le => Operand::Bool(self.b.ins().fcmp(FloatCC::LessThanOrEqual, a, b)),
            FastOp::Gt => Operand::Bool(self.b.ins().fcmp(FloatCC::GreaterThan, a, b)),
            FastOp::Ge => Operand::Bool(self.b.ins().fcmp(FloatCC::GreaterThanOrEqual, a, b)),
            FastOp::Eq => Operand::Bool(self.b.ins().fcmp(FloatCC::Equal, a, b)),
            FastOp::Ne => Operand::Bool(self.b.ins().fcmp(FloatCC::NotEqual, a, b)),
            FastOp::None => return None,
        })
    }

    /// A binary operator through the stdlib.
    pub(super) fn slow_binary(&mut self, node: &Node, left: Operand, right: Operand) -> Operand {
        let (left, right) = (self.pointer_to(left), self.pointer_to(right));
        let node = self.address_of(node);
        self.status_shim(
            shims::binary as *const u8,
            |cx, out| vec![cx, node, left, right, out],
            5,
        )
    }

    /// Whether all of `numbers` are finite, as an `i8`: `(a - a) + (b - b) + ... == 0`, since
    /// `x - x` is 0 for a finite `x` and NaN for an infinity or NaN (for two numbers four
    /// instructions, where comparing magnitudes needs two constants per number). A number
    /// known finite (`finite_constants`) is left out.
    pub(super) fn all_finite(&mut self, numbers: &[Val]) -> Val {
        let unknown: Vec<Val> = numbers
            .iter()
            .copied()
            .filter(|n| !self.finite_constants.contains(n))
            .collect();
        let mut sum = None;
        for n in unknown {
            let zero_if_finite = self.b.ins().fsub(n, n);
            sum = Some(match sum {
                None => zero_if_finite,
                Some(sum) => self.b.ins().fadd(sum, zero_if_finite),
            });
        }
        let Some(sum) = sum else {
            return self.b.ins().iconst(types::I8, 1);
        };
        let zero = self.b.ins().f64const(0.0);
        self.b.ins().fcmp(FloatCC::Equal, sum, zero)
    }
}
