//! Calling generated code from Rust: the one place that does, and what it is given.
//!
//! Generated code gets a [`JitCx`] (shared by a whole chain of direct calls), the callee's
//! slots and where to write its result, and answers 0 (a value was written) or 1 (an error
//! is pending in `shims::PENDING`).

#![allow(unsafe_code)]

use std::ffi::c_void;

use cranelift_jit::JITModule;
use krl_runtime::{Host, RuntimeError, Value};

use super::layout::{LAYOUT, TAG_NULL, TAG_NUMBER};
use super::shims;
use crate::interp::Closure;
use krl_runtime::ExecState;

use crate::interp::limits;

/// The signature of a compiled function.
pub(crate) type EntryFn = unsafe extern "C" fn(cx: *mut JitCx, slots: *mut Value, out: *mut Value) -> u32;

/// What generated code reads; `repr(C)` at the offsets `codegen.rs` uses.
#[repr(C)]
pub(crate) struct JitCx {
    /// The host's execution state: generated code counts direct calls there.
    pub state: *const ExecState,
    /// Below this stack address a direct call goes through the runtime, which grows the stack.
    pub stack_floor: usize,
    /// The first payload word of a function value holding `closure`.
    pub self_word: usize,
    pub closure: *const Closure,
    /// A `*mut HostRef`.
    pub host: *mut c_void,
    /// Locals of enclosing frames already read, by the index `codegen.rs` gave each (null:
    /// not read yet). A frame's slots are written once and live as long as the closure,
    /// and every call of a chain runs the same closure, so an address read once stays right
    /// for the whole chain: a recursive call finds itself without a shim call.
    pub locals: [*const Value; CACHED_LOCALS],
    /// Bit `i` set: `locals[i]` holds this closure's own function value, so a call of it is
    /// a direct call. Set once a call site has checked it; like `locals`, it stays right for
    /// the whole chain, so each entry reads it once instead of checking the callee per call.
    pub self_locals: u64,
}

/// How many distinct locals of enclosing frames a compiled function caches.
pub(crate) const CACHED_LOCALS: usize = 8;

pub(crate) const CX_STATE: i32 = std::mem::offset_of!(JitCx, state) as i32;
pub(crate) const CX_STACK_FLOOR: i32 = std::mem::offset_of!(JitCx, stack_floor) as i32;
pub(crate) const CX_SELF_WORD: i32 = std::mem::offset_of!(JitCx, self_word) as i32;
pub(crate) const CX_LOCALS: i32 = std::mem::offset_of!(JitCx, locals) as i32;
pub(crate) const CX_SELF_LOCALS: i32 = std::mem::offset_of!(JitCx, self_locals) as i32;

/// The host, behind a thin pointer.
pub(crate) struct HostRef<'a>(pub &'a mut dyn Host);

/// A compiled function: its code and the memory it lives in.
pub(crate) struct Compiled {
    module: Option<JITModule>,
    entry: EntryFn,
    /// Whether the code makes calls, and so reads `JitCx::stack_floor` (finding it costs a
    /// stack probe per entry, a noticeable share of a small function's call).
    makes_calls: bool,
    /// Whether the function has a number entry for direct calls (`codegen/calls.rs`).
    #[cfg_attr(not(test), allow(dead_code))]
    number_entry: bool,
    /// `layout::Layout::callable_delta`, read once at compile time rather than per call.
    callable_delta: usize,
}

// SAFETY: after finalisation the module is only read (its code executed) until it is
// dropped, which happens when the function's IR is dropped, when no call can be running it.
unsafe impl Send for Compiled {}
// SAFETY: as above; `run` only executes the finalised code.
unsafe impl Sync for Compiled {}

impl Compiled {
    pub(super) fn new(
        module: JITModule,
        entry: *const u8,
        makes_calls: bool,
        number_entry: bool,
    ) -> Option<Compiled> {
        // `cranelift::compile` checked the layout before compiling.
        let callable_delta = LAYOUT.as_ref()?.callable_delta;
        Some(Compiled {
            callable_delta,
            module: Some(module),
            makes_calls,
            number_entry,
            // SAFETY: `entry` is the finalised code of a function declared with `EntryFn`'s
            // signature (`codegen::signature`).
            entry: unsafe { std::mem::transmute::<*const u8, EntryFn>(entry) },
        })
    }

    /// Whether direct calls with number arguments have an entry of their own.
    #[cfg(test)]
    pub(crate) fn has_number_entry(&self) -> bool {
        self.number_entry
    }

    /// Runs the compiled function with its arguments already bound in `slots`. The caller
    /// (`Closure::run_on_stack`) has entered the call: depth, step and stack are counted.
    pub(crate) fn run(
        &self,
        closure: &Closure,
        slots: &mut [Value],
        host: &mut dyn Host,
    ) -> Result<Value, RuntimeError> {
        self.prepare(closure).run(slots, host)
    }

    /// The context of calls of `closure`, made once for any number of calls in a row
    /// ([`Prepared::run`]).
    pub(crate) fn prepare<'c>(&'c self, closure: &'c Closure) -> Prepared<'c> {
        Prepared {
            code: self,
            closure,
            cx: JitCx {
                state: std::ptr::null(),
                stack_floor: if self.makes_calls {
                    stack_floor()
                } else {
                    usize::MAX
                },
                self_word: (closure as *const Closure as usize).wrapping_sub(self.callable_delta),
                closure,
                host: std::ptr::null_mut(),
                locals: [std::ptr::null(); CACHED_LOCALS],
                self_locals: 0,
            },
        }
    }
}

/// A compiled function ready to be called: its [`JitCx`], which stays right from one call
/// of the same closure on the same thread to the next (the locals it caches are written
/// once and live as long as the closure; the stack floor is the thread's). The host and its
/// execution state are each call's own: `run` sets them in the context for that call only.
pub(crate) struct Prepared<'c> {
    code: &'c Compiled,
    closure: &'c Closure,
    cx: JitCx,
}

impl Prepared<'_> {
    /// Runs the compiled function with its arguments already bound in `slots`. The caller
    /// has entered the call: depth, step and stack are counted.
    pub(crate) fn run(&mut self, slots: &mut [Value], host: &mut dyn Host) -> Result<Value, RuntimeError> {
        debug_assert_eq!(slots.len(), usize::from(self.closure.ir().body.n_slots));
        // The host does not move while it is borrowed for the call, so neither does its state.
        self.cx.state = host.exec();
        let mut host = HostRef(host);
        self.cx.host = &mut host as *mut HostRef<'_> as *mut c_void;
        let mut out = Value::Null;
        // SAFETY: `cx`, `slots` (`n_slots` values, as the code was compiled for) and `out`
        // are valid for the call; `cx.host` and `cx.state` point at the host and its state
        // for this call only; the code
        // writes `out` only over the null it holds, keeps every value it reads alive through
        // `closure`'s IR and frames, and never unwinds (shims catch panics).
        let status = unsafe { (self.code.entry)(&mut self.cx, slots.as_mut_ptr(), &mut out) };
        self.cx.host = std::ptr::null_mut();
        self.cx.state = std::ptr::null();
        if status == 0 {
            let result = take_result(&mut out);
            // `take_result` left `out` owning nothing; forgetting it spares a call of the
            // drop glue per call.
            std::mem::forget(out);
            Ok(result)
        } else {
            Err(shims::take_pending())
        }
    }
}

impl Drop for Compiled {
    fn drop(&mut self) {
        if let Some(module) = self.module.take() {
            // SAFETY: the code is no longer running: the IR that owns it is being dropped,
            // and every call of it borrowed that IR.
            unsafe { module.free_memory() };
        }
    }
}

/// The value generated code wrote into `out`. A null, boolean or number is read word by
/// word, as generated code wrote it: moving the whole `Value` reads 16 bytes written as two
/// 8-byte stores, which the CPU cannot forward from its store buffer; that stall was most of
/// the cost of entering a small compiled function (measured with `perf` on the pipeline
/// benchmark).
fn take_result(out: &mut Value) -> Value {
    let words = out as *mut Value as *const u64;
    // SAFETY: `out` is a live, initialised `Value` (`repr(u64)`: its tag is the first word,
    // a number's bits the second; `layout.rs` checked both).
    let tag = unsafe { words.read_volatile() } as i64;
    match tag {
        TAG_NULL => Value::Null,
        // SAFETY: as above; the second word of a number is its `f64`.
        TAG_NUMBER => Value::Number(f64::from_bits(unsafe { words.add(1).read_volatile() })),
        _ => std::mem::replace(out, Value::Null),
    }
}

/// The lowest stack address a direct call may start from: the stack's end plus the red
/// zone the interpreter keeps (`limits`). Unknown: no direct calls (`usize::MAX`).
fn stack_floor() -> usize {
    let here = 0u8;
    let sp = &here as *const u8 as usize;
    match stacker::remaining_stack() {
        Some(left) => sp.saturating_sub(left).saturating_add(limits::red_zone()),
        None => usize::MAX,
    }
}
