//! Conformance cases live in `cases/`; the harnesses are the integration tests in `tests/`.
//! This library holds what the harnesses share: loading case files with their `//>` header
//! and caret comments ([`case`]), printing trees as S-expressions ([`sexp`]), the span
//! invariants every parse must satisfy ([`spans`]) and the map from snapshot files back to
//! case files ([`snapshots`]), the stable-toolchain fuzzer ([`fuzz`]), the engine cases'
//! runner ([`run_case`]), the generator of random KRL programs with its runners
//! ([`gen_program`], [`gen_run`]) and the tidy checks ([`tidy`]).

pub mod case;
pub mod fuzz;
pub mod gen_program;
pub mod gen_run;
pub mod run_case;
pub mod sexp;
pub mod snapshots;
pub mod spans;
pub mod tidy;
