//! Which tier runs KRL functions: the interpreter, the Cranelift tier, or the interpreter
//! until a function is hot (`auto`).
//!
//! The tier is a process-wide setting (the CLI sets it once from `--tier` or `KRL_TIER`);
//! each function's IR carries its own call counter and compiled code ([`TierState`]), shared
//! by every closure made from that literal, so code is compiled once per function whatever
//! the number of closures over it.

use std::cell::Cell;
use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU8, AtomicU32, AtomicUsize, Ordering};

use crate::cranelift::Compiled;
use crate::ir::FunctionIr;

/// How KRL functions run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Tier {
    /// Every function is interpreted.
    Interp,
    /// A function is compiled at its first call.
    Jit,
    /// A function is interpreted for its first [`AUTO_THRESHOLD`] calls, then compiled: the
    /// CLI's default.
    #[default]
    Auto,
}

/// Calls after which `auto` compiles a function, so that functions called a few times are
/// never compiled. Compiling costs milliseconds today (ARCHITECTURE.md, "The Cranelift tier",
/// has the figure), more than a thousand calls of a small function save.
pub const AUTO_THRESHOLD: u32 = 1_000;

impl Tier {
    pub const NAMES: [&'static str; 3] = ["interp", "jit", "auto"];

    pub fn name(self) -> &'static str {
        match self {
            Tier::Interp => "interp",
            Tier::Jit => "jit",
            Tier::Auto => "auto",
        }
    }

    fn code(self) -> u8 {
        match self {
            Tier::Interp => 0,
            Tier::Jit => 1,
            Tier::Auto => 2,
        }
    }

    fn from_code(code: u8) -> Tier {
        match code {
            1 => Tier::Jit,
            2 => Tier::Auto,
            _ => Tier::Interp,
        }
    }
}

impl fmt::Display for Tier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Tier {
    type Err = String;

    fn from_str(text: &str) -> Result<Tier, String> {
        match text {
            "interp" => Ok(Tier::Interp),
            "jit" => Ok(Tier::Jit),
            "auto" => Ok(Tier::Auto),
            other => Err(format!("unknown tier `{other}` (expected interp, jit or auto)")),
        }
    }
}

static TIER: AtomicU8 = AtomicU8::new(0);

/// Code for "no override" in [`THREAD_TIER`].
const NO_OVERRIDE: u8 = u8::MAX;

thread_local! {
    /// A tier for this thread only (see [`with_tier`]), so that tests of both tiers can run
    /// side by side in one process.
    static THREAD_TIER: Cell<u8> = const { Cell::new(NO_OVERRIDE) };
}

/// Runs `body` with `tier` in force on this thread (calls made on other threads, e.g. an
/// engine's workers, keep the process's tier).
pub fn with_tier<T>(tier: Tier, body: impl FnOnce() -> T) -> T {
    struct Restore(u8);
    impl Drop for Restore {
        fn drop(&mut self) {
            THREAD_TIER.with(|cell| cell.set(self.0));
        }
    }
    let _restore = Restore(THREAD_TIER.with(|cell| cell.replace(tier.code())));
    body()
}

/// Sets the tier for every later call in this process.
pub fn set_tier(tier: Tier) {
    TIER.store(tier.code(), Ordering::Relaxed);
}

/// The tier in force on this thread.
#[inline]
pub fn tier() -> Tier {
    match THREAD_TIER.with(Cell::get) {
        NO_OVERRIDE => Tier::from_code(TIER.load(Ordering::Relaxed)),
        code => Tier::from_code(code),
    }
}

static COMPILED: AtomicUsize = AtomicUsize::new(0);

/// How many functions this process has compiled (for tests and `krl eval --verbose`-style
/// reports).
pub fn compiled_functions() -> usize {
    COMPILED.load(Ordering::Relaxed)
}

thread_local! {
    static LOCAL_LOOKUPS: Cell<u64> = const { Cell::new(0) };
}

/// How many times compiled code on this thread looked up a local of an enclosing frame
/// through the runtime (its cache missed), for tests of that cache.
pub fn enclosing_local_lookups() -> u64 {
    LOCAL_LOOKUPS.with(Cell::get)
}

pub(crate) fn count_enclosing_local_lookup() {
    LOCAL_LOOKUPS.with(|count| count.set(count.get() + 1));
}

/// One function's call counter and compiled code.
#[derive(Default)]
pub struct TierState {
    calls: AtomicU32,
    /// `None` inside: the function cannot be compiled (see `cranelift::compile`).
    code: OnceLock<Option<Compiled>>,
}

impl fmt::Debug for TierState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let compiled = matches!(self.code.get(), Some(Some(_)));
        f.debug_struct("TierState").field("compiled", &compiled).finish()
    }
}

impl TierState {
    /// The compiled code to run this call with, compiling it when the tier says so.
    #[inline]
    pub(crate) fn code_for_call(&self, ir: &FunctionIr) -> Option<&Compiled> {
        match tier() {
            Tier::Interp => None,
            Tier::Jit => self.compiled(ir),
            Tier::Auto => {
                if let Some(code) = self.code.get() {
                    return code.as_ref();
                }
                if self.calls.fetch_add(1, Ordering::Relaxed) < AUTO_THRESHOLD {
                    return None;
                }
                self.compiled(ir)
            }
        }
    }

    /// The compiled code for many calls in a row (`Closure::prepare_calls`): as
    /// [`Self::code_for_call`], except that under `auto` code not compiled yet is not
    /// compiled here (the calls, counted one by one, tier it up).
    pub(crate) fn code_for_calls_in_a_row(&self, ir: &FunctionIr) -> Option<&Compiled> {
        match tier() {
            Tier::Interp => None,
            Tier::Jit => self.compiled(ir),
            Tier::Auto => self.code.get()?.as_ref(),
        }
    }

    fn compiled(&self, ir: &FunctionIr) -> Option<&Compiled> {
        self.code
            .get_or_init(|| {
                let code = crate::cranelift::compile(ir);
                if code.is_some() {
                    COMPILED.fetch_add(1, Ordering::Relaxed);
                }
                code
            })
            .as_ref()
    }

    /// Whether the function has been compiled (for tests and benchmarks).
    pub fn is_compiled(&self) -> bool {
        matches!(self.code.get(), Some(Some(_)))
    }
}
