//! The tiers for a rule's code: which units of a rule run compiled, and when.
//!
//! A rule's code is split into units that each end in a value the engine acts on: the body's
//! prelude (its `pre` declarations, then the action block's condition), each `where` guard
//! of its event expression, its `select where`, each `foreach` collection, the `choose`
//! discriminant, each action argument, and each postlude statement's guard and expressions (a postlude declaration is
//! a unit binding it). Each unit has
//! its own run counter and compiled code, and follows the tier as a function does: `interp`
//! never compiles it, `jit` at its first run, `auto` after [`AUTO_THRESHOLD`] runs. A unit
//! the tier does not compile (see `cranelift::compile_unit`) runs in the interpreter, with
//! the same result.

use std::fmt;
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use krl_diagnostics::FileId;
use krl_runtime::{Host, RuntimeError, Value};

use crate::cranelift::{CompiledUnit, compile_unit};
use crate::interp::{self, Frame};
use crate::ir::{Decl, Node};
use crate::tier::{AUTO_THRESHOLD, Tier, tier};

static COMPILED_UNITS: AtomicUsize = AtomicUsize::new(0);

/// How many units of rules (preludes, guards, `foreach` collections) this process has
/// compiled, for tests and benchmarks.
pub fn compiled_rule_units() -> usize {
    COMPILED_UNITS.load(Ordering::Relaxed)
}

/// The compiled tier's state for one rule.
pub struct RuleCode {
    /// The rule's name, for the compiled units' messages.
    pub name: Arc<str>,
    /// `pre` declarations, then the action block's condition (or `true`).
    pub prelude: UnitTier,
    pub select_where: UnitTier,
    /// One per `WhereIr` of the rule, in the same order.
    pub wheres: Vec<UnitTier>,
    /// One per `ForeachIr`, outermost first.
    pub foreach: Vec<UnitTier>,
    /// Per action of the action block, one per argument (positional, then named).
    pub action_args: Vec<Vec<UnitTier>>,
    /// The `choose` discriminant of the action block.
    pub choose: UnitTier,
    /// The prelude's result when the rule has no action condition.
    pub always: Node,
}

impl RuleCode {
    /// The units of a rule with `n_wheres` guards, `n_loops` loops and actions taking
    /// `action_args[i]` arguments.
    pub fn new(name: &str, n_wheres: usize, n_loops: usize, action_args: &[usize]) -> RuleCode {
        RuleCode {
            name: Arc::from(name),
            prelude: UnitTier::default(),
            select_where: UnitTier::default(),
            wheres: units(n_wheres),
            foreach: units(n_loops),
            action_args: action_args.iter().map(|&count| units(count)).collect(),
            choose: UnitTier::default(),
            always: Node::Const(Value::Boolean(true)),
        }
    }

    /// How many of the rule's units are compiled (for tests).
    pub fn compiled_units(&self) -> usize {
        [&self.prelude, &self.select_where, &self.choose]
            .into_iter()
            .chain(&self.wheres)
            .chain(&self.foreach)
            .chain(self.action_args.iter().flatten())
            .filter(|unit| unit.is_compiled())
            .count()
    }
}

fn units(count: usize) -> Vec<UnitTier> {
    (0..count).map(|_| UnitTier::default()).collect()
}

/// The units of a postlude statement: its `if` guard, then its expressions in the order the
/// engine evaluates them (`ruleset/run.rs`, `run_statement`).
#[derive(Default)]
pub struct StmtCode {
    pub guard: UnitTier,
    pub parts: [UnitTier; 3],
}

impl StmtCode {
    pub fn compiled_units(&self) -> usize {
        std::iter::once(&self.guard)
            .chain(&self.parts)
            .filter(|unit| unit.is_compiled())
            .count()
    }
}

impl fmt::Debug for StmtCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StmtCode")
            .field("compiled_units", &self.compiled_units())
            .finish()
    }
}

impl fmt::Debug for RuleCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RuleCode")
            .field("compiled_units", &self.compiled_units())
            .finish()
    }
}

/// One unit's run counter and compiled code (`None` inside: the tier leaves it to the
/// interpreter).
#[derive(Default)]
pub struct UnitTier {
    runs: AtomicU32,
    code: OnceLock<Option<CompiledUnit>>,
}

/// What a unit computes, and where its code comes from.
pub(crate) struct Unit<'a> {
    pub rule: &'a RuleCode,
    pub file: FileId,
    pub decls: &'a [Decl],
    pub result: &'a Node,
}

impl UnitTier {
    pub fn is_compiled(&self) -> bool {
        matches!(self.code.get(), Some(Some(_)))
    }

    /// Runs the unit in `frame`: binds its declarations there and answers its result,
    /// compiled when the tier says so, else as the interpreter's `run_block` and `eval`.
    pub(crate) fn run(
        &self,
        unit: &Unit<'_>,
        frame: &Arc<Frame>,
        host: &mut dyn Host,
    ) -> Result<Value, RuntimeError> {
        match self.code_for_run(unit) {
            Some(code) => code.run(frame, host),
            None => {
                interp::run_block(unit.decls, frame, host)?;
                interp::eval(unit.result, frame, host)
            }
        }
    }

    fn code_for_run(&self, unit: &Unit<'_>) -> Option<&CompiledUnit> {
        match tier() {
            Tier::Interp => None,
            Tier::Jit => self.compiled(unit),
            Tier::Auto => {
                if let Some(code) = self.code.get() {
                    return code.as_ref();
                }
                if self.runs.fetch_add(1, Ordering::Relaxed) < AUTO_THRESHOLD {
                    return None;
                }
                self.compiled(unit)
            }
        }
    }

    fn compiled(&self, unit: &Unit<'_>) -> Option<&CompiledUnit> {
        self.code
            .get_or_init(|| {
                let code = compile_unit(&unit.rule.name, unit.file, unit.decls, unit.result);
                if code.is_some() {
                    COMPILED_UNITS.fetch_add(1, Ordering::Relaxed);
                }
                code
            })
            .as_ref()
    }
}
