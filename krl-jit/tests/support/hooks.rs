//! A test backend: the interpreter, with two hooks by rule name. A rule whose name starts
//! with `block` waits, before its body runs, until the test opens its [`Gate`] (so a test
//! can hold a pico busy for as long as it likes); one whose name starts with `boom` runs its
//! body, then panics (an injected engine bug).

// Each test binary that includes this file uses only part of it.
#![allow(dead_code)]

use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use krl_jit::InterpreterBackend;
use krl_runtime::RuntimeError;
use krl_runtime::engine::{
    Backend, CompileError, CompiledRuleset, ModuleBinding, RuleHost, RuleOutcome, RuleSpec, RulesetInstance,
    RulesetMeta,
};
use krl_runtime::value::{Map, Value};

/// Where `block` rules wait: counts who entered, lets them all go when opened.
#[derive(Default)]
pub struct Gate {
    state: Mutex<(usize, bool)>,
    changed: Condvar,
}

impl Gate {
    /// Waits until `count` rules have entered (at most 30 s).
    pub fn wait_entered(&self, count: usize) {
        let state = self.state.lock().expect("gate lock");
        let (state, timeout) = self
            .changed
            .wait_timeout_while(state, Duration::from_secs(30), |(entered, _)| *entered < count)
            .expect("gate lock");
        assert!(!timeout.timed_out(), "only {} rules entered the gate", state.0);
    }

    /// Lets every waiting and later `block` rule through.
    pub fn open(&self) {
        self.state.lock().expect("gate lock").1 = true;
        self.changed.notify_all();
    }

    fn pass(&self) {
        let mut state = self.state.lock().expect("gate lock");
        state.0 += 1;
        self.changed.notify_all();
        while !state.1 {
            state = self.changed.wait(state).expect("gate lock");
        }
    }
}

pub struct HookBackend {
    pub gate: Arc<Gate>,
}

impl HookBackend {
    pub fn new() -> (Arc<HookBackend>, Arc<Gate>) {
        let gate = Arc::new(Gate::default());
        let backend = HookBackend {
            gate: Arc::clone(&gate),
        };
        (Arc::new(backend), gate)
    }
}

impl Backend for HookBackend {
    fn compile(&self, url: &str, src: &str) -> Result<Arc<dyn CompiledRuleset>, CompileError> {
        let inner = InterpreterBackend.compile(url, src)?;
        Ok(Arc::new(Hooked {
            inner,
            gate: Arc::clone(&self.gate),
        }))
    }
}

struct Hooked {
    inner: Arc<dyn CompiledRuleset>,
    gate: Arc<Gate>,
}

impl CompiledRuleset for Hooked {
    fn rid(&self) -> &str {
        self.inner.rid()
    }

    fn meta(&self) -> &RulesetMeta {
        self.inner.meta()
    }

    fn rules(&self) -> &[RuleSpec] {
        self.inner.rules()
    }

    fn inactive_rules(&self) -> &[(String, krl_diagnostics::Span)] {
        self.inner.inactive_rules()
    }

    fn instantiate(
        &self,
        cx: &mut dyn RuleHost,
        config: &Map,
    ) -> Result<Arc<dyn RulesetInstance>, RuntimeError> {
        let inner = self.inner.instantiate(cx, config)?;
        let names = self.inner.rules().iter().map(|spec| spec.name.clone()).collect();
        Ok(Arc::new(HookedInstance {
            inner,
            names,
            gate: Arc::clone(&self.gate),
        }))
    }
}

struct HookedInstance {
    inner: Arc<dyn RulesetInstance>,
    names: Vec<String>,
    gate: Arc<Gate>,
}

impl RulesetInstance for HookedInstance {
    fn within_ms(&self, rule: usize) -> Option<f64> {
        self.inner.within_ms(rule)
    }

    fn eval_where(
        &self,
        cx: &mut dyn RuleHost,
        rule: usize,
        where_id: u32,
        bindings: &[Value],
    ) -> Result<bool, RuntimeError> {
        self.inner.eval_where(cx, rule, where_id, bindings)
    }

    fn select_where(&self, cx: &mut dyn RuleHost, rule: usize) -> Result<bool, RuntimeError> {
        self.inner.select_where(cx, rule)
    }

    fn run_rule(
        &self,
        cx: &mut dyn RuleHost,
        rule: usize,
        bindings: Vec<Value>,
    ) -> Result<RuleOutcome, RuntimeError> {
        let name = self.names.get(rule).map_or("", String::as_str);
        if name.starts_with("block") {
            self.gate.pass();
        }
        let outcome = self.inner.run_rule(cx, rule, bindings)?;
        if name.starts_with("boom") {
            panic!("injected panic in rule {name}");
        }
        Ok(outcome)
    }

    fn query(&self, cx: &mut dyn RuleHost, name: &str, args: &Map) -> Result<Value, RuntimeError> {
        self.inner.query(cx, name, args)
    }

    fn provided(&self, name: &str) -> Option<Value> {
        self.inner.provided(name)
    }

    fn modules(&self) -> &[ModuleBinding] {
        self.inner.modules()
    }
}
