//! Lowering of KRL to an IR with resolved names, the interpreter over that IR (the reference
//! tier), and later the Cranelift backend.
//!
//! ```
//! use krl_diagnostics::FileId;
//! use krl_jit::Session;
//! use krl_runtime::TestHost;
//!
//! let mut session = Session::new();
//! let mut host = TestHost::new();
//! session.eval_input(FileId(0), "fib = function(n) { n < 2 => n | fib(n - 1) + fib(n - 2) }", &mut host).unwrap();
//! let value = session.eval_input(FileId(0), "fib(10)", &mut host).unwrap();
//! assert_eq!(value.encode(0).as_deref(), Some("55"));
//! ```

mod cranelift;
pub mod display;
pub mod interp;
pub mod ir;
pub mod ir_print;
pub mod ir_verify;
pub mod lower;
pub mod ruleset;
mod session;
pub mod tier;

pub use ir_print::IrDump;
pub use ruleset::{InterpreterBackend, compiled_rule_units};
pub use session::{EvalError, Session};
pub use tier::{Tier, set_tier, tier, with_tier};
