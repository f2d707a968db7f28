//! A recursive function's base case answered at its direct calls, without the call.
//!
//! When a function's result is `test => then | else` where `test` compares parameters and
//! number constants and `then` is a parameter or a number constant (no declarations run
//! before it), a direct call with finite number arguments whose `test` holds would only
//! answer `then`: fib's `n < 2 => n`. The call site computes `test` on the arguments and,
//! when it holds, takes `then` as the call's result. The call still counts as one: it checks
//! the depth limit and spends one step of the budget first, with the same errors at the same
//! place, as the callee's entry would (`calls.rs`); it just does not go one level deeper,
//! since nothing runs there. About half of fib's calls are base cases.

use cranelift_codegen::ir::InstBuilder;
use krl_runtime::Value as KrlValue;

use super::{Gen, Operand, Val};
use crate::ir::{FastOp, Node};

impl Gen<'_, '_> {
    /// Whether a direct call with the numbers `values` (by parameter position) answers at
    /// once, and its number if so; `None` when the function's result has no such base case.
    pub(super) fn inline_base_case(&mut self, values: &[Val]) -> Option<(Val, Val)> {
        let ir = self.ir;
        if !ir.body.decls.is_empty() {
            return None;
        }
        let Node::Conditional { test, then, .. } = &ir.result else {
            return None;
        };
        let Node::Binary {
            fast, left, right, ..
        } = &**test
        else {
            return None;
        };
        let comparison = matches!(
            fast,
            FastOp::Lt | FastOp::Le | FastOp::Gt | FastOp::Ge | FastOp::Eq | FastOp::Ne
        );
        if !comparison
            || [&**left, &**right, &**then]
                .iter()
                .any(|node| !self.is_plain_number(node))
        {
            return None;
        }
        let (left, right) = (
            self.plain_number(left, values)?,
            self.plain_number(right, values)?,
        );
        let answer = self.plain_number(then, values)?;
        // The callee's number entry takes its stdlib path for a number that is not finite.
        let finite = self.all_finite(values);
        let Some(Operand::Bool(holds)) = self.fast_result(*fast, left, right) else {
            return None;
        };
        let taken = self.b.ins().band(finite, holds);
        Some((taken, answer))
    }

    /// A parameter or a finite number constant: what the base case may read.
    fn is_plain_number(&self, node: &Node) -> bool {
        match node {
            Node::Stack { slot } => self.ir.params.iter().any(|param| param.slot == *slot),
            Node::Const(KrlValue::Number(n)) => n.is_finite(),
            _ => false,
        }
    }

    /// The number `node` ([`Self::is_plain_number`]) has in a call with `values`.
    fn plain_number(&mut self, node: &Node, values: &[Val]) -> Option<Val> {
        match node {
            Node::Stack { slot } => {
                let position = self.ir.params.iter().position(|param| param.slot == *slot)?;
                values.get(position).copied()
            }
            Node::Const(KrlValue::Number(n)) => Some(self.b.ins().f64const(*n)),
            _ => None,
        }
    }
}
