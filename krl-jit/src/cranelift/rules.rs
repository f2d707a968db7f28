//! Rule code in the compiled tier: a unit of a rule (its `pre` declarations with the action
//! block's condition, a `where` guard, a `foreach` collection) compiled into one native
//! function that runs in the rule's heap frame (`codegen/rule_body.rs`).
//!
//! The unit runs as a closure over that frame with no parameters and no stack slots, so
//! every node compiles as in a function and calls the interpreter's operations through the
//! same shims (same coercions, errors and spans); the engine's own work around it (actions,
//! postlude statements, loops) stays in `ruleset/run.rs`.

use std::sync::Arc;

use krl_diagnostics::{FileId, Span};
use krl_runtime::{Host, RuntimeError, Value};

use super::codegen::{self, rule_body::UnitBody};
use super::{COMPILER_STACK, ISA, entry::Compiled, layout};
use crate::interp::{Closure, Frame};
use crate::ir::{Block, Decl, FrameKind, FunctionIr, Node};

/// A compiled unit and the function the shims see it as.
pub(crate) struct CompiledUnit {
    shape: Arc<FunctionIr>,
    code: Compiled,
}

/// Compiles a unit, or `None` when this tier leaves it to the interpreter: a unit with
/// nothing to compute (no declarations and a constant result) or whose whole code would be
/// one node the interpreter evaluates (`where event:attrs{"x"}` is not; `foreach ent:items`
/// is), as [`super::compile`] decides for functions, or a machine the tier does not know.
pub(crate) fn compile_unit(name: &str, file: FileId, decls: &[Decl], result: &Node) -> Option<CompiledUnit> {
    if decls.is_empty() && (matches!(result, Node::Const(_)) || codegen::left_to_the_interpreter(result)) {
        return None;
    }
    layout::LAYOUT.as_ref()?;
    let isa = ISA.as_ref()?.clone();
    let shape = Arc::new(FunctionIr {
        name: Arc::from(name),
        file,
        params: Vec::new(),
        body: Block::default(),
        result: Node::Const(Value::Null),
        span: Span::empty(0),
        frame: FrameKind::Stack,
        tier: crate::tier::TierState::default(),
    });
    let unit = UnitBody { decls, result };
    // As in `super::compile`: the engine may compile deep in a call chain.
    let code = stacker::maybe_grow(COMPILER_STACK, COMPILER_STACK, || {
        codegen::rule_body::compile(isa, &shape, &unit)
    })?;
    Some(CompiledUnit { shape, code })
}

impl CompiledUnit {
    /// Runs the unit in `frame`: binds its declarations there and answers its result.
    pub(crate) fn run(&self, frame: &Arc<Frame>, host: &mut dyn Host) -> Result<Value, RuntimeError> {
        let closure = Closure::new(Arc::clone(&self.shape), Arc::clone(frame));
        self.code.run(&closure, &mut [], host)
    }
}

#[cfg(test)]
mod tests {
    use krl_diagnostics::FileId;
    use krl_runtime::TestHost;

    use crate::interp::Frame;
    use crate::ir::Node;
    use crate::lower::lower_test_expr;

    fn lower(src: &str) -> Node {
        lower_test_expr(src)
    }

    #[test]
    fn a_unit_with_nothing_to_compute_stays_interpreted() {
        for src in ["3", "\"text\"", "[1, 2 * 3]", "{\"a\": 1}"] {
            let node = lower(src);
            assert!(
                super::compile_unit("r", FileId(0), &[], &node).is_none(),
                "{src} was compiled"
            );
        }
    }

    #[test]
    fn a_compiled_unit_computes_its_result() {
        let mut host = TestHost::new();
        let frame = Frame::new(0, None);
        for (src, expected) in [
            ("1 + 2 * 3", "7"),
            ("\"a\" + 2", "\"a2\""),
            ("[1, 2].length() > 1", "true"),
        ] {
            let node = lower(src);
            let unit = super::compile_unit("r", FileId(0), &[], &node).expect("compiles");
            let value = unit.run(&frame, &mut host).expect("runs");
            assert_eq!(value.encode(0).as_deref(), Some(expected), "{src}");
        }
    }
}
