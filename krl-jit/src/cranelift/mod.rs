//! The compiled tier: KRL functions translated from the IR to native code with Cranelift.
//!
//! A function lowered with a stack frame ([`FrameKind::Stack`]) is compiled whole; its
//! numbers and booleans travel in registers behind tag checks (`codegen.rs`), and every
//! other operation calls the interpreter's own operations through `extern "C"` shims
//! (`shims.rs`), so coercions, error texts and error spans are the interpreter's. A call of
//! the function itself is a direct native call that counts depth and steps in place, with
//! its numbers unboxed when every argument is one (`codegen/calls.rs`); any other call goes
//! through the runtime. `entry.rs` holds the one place Rust calls generated
//! code. What is not compiled, and why, is listed in ARCHITECTURE.md ("The Cranelift tier").

mod codegen;
mod entry;
mod layout;
mod rules;
mod shims;

use std::sync::LazyLock;

use cranelift_codegen::isa::OwnedTargetIsa;
use cranelift_codegen::settings::{self, Configurable};

pub(crate) use entry::{Compiled, Prepared};
pub(crate) use rules::{CompiledUnit, compile_unit};

use crate::ir::{FrameKind, FunctionIr};

/// Native stack the compiler gets.
const COMPILER_STACK: usize = 4 * 1024 * 1024;

/// The host's instruction set, made once (finding the CPU's features takes a while).
static ISA: LazyLock<Option<OwnedTargetIsa>> = LazyLock::new(|| {
    let mut flags = settings::builder();
    // Without the optimiser compiling is no faster once the temporaries are few, and the
    // map-building and regex workloads ran ~20% slower (`cargo bench -p krl-jit --bench tiers`).
    flags.set("opt_level", "speed").ok()?;
    flags.set("is_pic", "false").ok()?;
    flags.set("use_colocated_libcalls", "false").ok()?;
    // The IR verifier re-checks Cranelift's own output on every compile (its default is
    // on); `codegen.rs` builds well-formed functions and the differential tests run them,
    // so the check only adds compile time (issue #14).
    flags.set("enable_verifier", "false").ok()?;
    let isa = cranelift_native::builder().ok()?;
    isa.finish(settings::Flags::new(flags)).ok()
});

/// Compiles `ir`, or `None` when this tier does not compile it: a function with a heap frame
/// (closures inside may capture it), one whose code would only hand its body to the
/// interpreter (see [`only_bounces_to_the_interpreter`]), or a machine whose value layout or ISA the tier does
/// not know. Such a function stays interpreted.
pub(crate) fn compile(ir: &FunctionIr) -> Option<Compiled> {
    if ir.frame != FrameKind::Stack || only_bounces_to_the_interpreter(ir) {
        return None;
    }
    layout::LAYOUT.as_ref()?;
    let isa = ISA.as_ref()?.clone();
    // `auto` compiles in the middle of a call chain, where the interpreter guarantees only
    // its red zone of stack; Cranelift's passes need more.
    stacker::maybe_grow(COMPILER_STACK, COMPILER_STACK, || codegen::compile(isa, ir))
}

/// A function whose whole body is one node the interpreter evaluates (`function(x) { [x] }`,
/// `function() { event:attrs }`): compiled, it would be that same evaluation behind a shim
/// call and a `JitCx`, slower than interpreting it.
fn only_bounces_to_the_interpreter(ir: &FunctionIr) -> bool {
    ir.body.decls.is_empty()
        && ir.params.iter().all(|param| param.default.is_none())
        && codegen::left_to_the_interpreter(&ir.result)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::layout::LAYOUT;
    use crate::ir::{FunctionIr, Node};
    use crate::lower::lower_test_expr;

    fn lower_function(src: &str) -> Arc<FunctionIr> {
        match lower_test_expr(src) {
            Node::Function(function) => function,
            other => panic!("not a function: {other:?}"),
        }
    }

    #[test]
    fn a_body_the_interpreter_would_evaluate_whole_is_not_compiled() {
        for src in [
            "function(x) { [x, x * 2] }",
            "function(x) { {\"a\": x} }",
            "function(f) { f(a = 1) }",
        ] {
            assert!(
                super::compile(&lower_function(src)).is_none(),
                "{src} was compiled"
            );
        }
        for src in [
            "function(x) { x * 2 }",
            "function(x) { y = [x]; y }",
            "function(x = [1]) { x }",
            "function(x) { x.length() }",
        ] {
            assert!(
                super::compile(&lower_function(src)).is_some(),
                "{src} was not compiled"
            );
        }
    }

    #[test]
    fn a_function_that_makes_calls_gets_a_number_entry() {
        for src in [
            "function(n) { n < 2 => n | n * 2 }",
            "function(a, b, c, d, e, f, g) { a + g(a) }",
        ] {
            let code = super::compile(&lower_function(src)).expect("compiles");
            assert!(!code.has_number_entry(), "{src} got a number entry");
        }
        for src in [
            "function(f, n) { n < 2 => n | f(f, n - 1) + f(f, n - 2) }",
            "function(a, b, g) { a == 0 => b | g(b, a + b, g) }",
        ] {
            let code = super::compile(&lower_function(src)).expect("compiles");
            assert!(code.has_number_entry(), "{src} got no number entry");
        }
    }

    #[test]
    fn the_value_layout_is_the_one_generated_code_assumes() {
        assert!(LAYOUT.is_some(), "the probe of Value's layout failed");
    }
}
