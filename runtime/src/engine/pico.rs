//! One pico's in-memory state, and the per-ruleset code shared by every pico that runs it.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use super::backend::{CompiledRuleset, RuleSelect, RulesetInstance};
use super::channel::Channel;
use super::select::{Automaton, RuleState};
use super::why::RuleSite;
use crate::RuntimeError;
use crate::value::{Map, Value};
use krl_diagnostics::LineIndex;

/// A hash map with a fast seeded hasher, for the engine's maps keyed by rids, variable
/// names and rule numbers (SipHash showed up in profiles of the event path).
pub(crate) type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// A compiled ruleset with its automata and salience index, built once per ruleset version.
pub(crate) struct RulesetCode {
    pub compiled: Arc<dyn CompiledRuleset>,
    /// The URL it was flushed from and its source, kept so it can be persisted and recompiled.
    #[allow(dead_code)] // FIXME(#4): read when the registry is persisted.
    pub url: String,
    pub hash: String,
    pub source: Arc<str>,
    /// When this code was compiled from its source (epoch ms): `flushed` of `ctx:rulesets`
    /// and `/api/flush`.
    pub flushed: f64,
    /// One automaton per rule; `None` for `select where` rules.
    pub automata: Vec<Option<Automaton>>,
    /// Rule names, shared with every transaction that runs the rule (`meta:ruleName`).
    pub rule_names: Vec<Arc<str>>,
    /// domain → name → the rules salient for it, in declaration order. Nested so a lookup
    /// borrows the event's strings instead of building a key.
    index: HashMap<String, HashMap<String, Vec<usize>>>,
    /// Rules salient for every event (`select where`, wildcard leaves), in declaration order.
    always: Vec<usize>,
    /// Where each rule is written, for rule traces (`why.rs`).
    pub sites: Vec<Arc<RuleSite>>,
    /// The rules written `is inactive`, with where they are written.
    pub inactive: Vec<(Arc<str>, Arc<RuleSite>)>,
}

impl RulesetCode {
    pub fn new(
        compiled: Arc<dyn CompiledRuleset>,
        url: String,
        hash: String,
        source: Arc<str>,
        flushed: f64,
    ) -> Result<RulesetCode, RuntimeError> {
        let mut automata = Vec::new();
        let mut index: HashMap<String, HashMap<String, Vec<usize>>> = HashMap::new();
        let mut always = Vec::new();
        for (idx, rule) in compiled.rules().iter().enumerate() {
            match &rule.select {
                RuleSelect::When(expr) => {
                    let automaton = Automaton::build(expr)?;
                    for (domain, name) in automaton.salient_events() {
                        if domain == "*" || name == "*" {
                            if !always.contains(&idx) {
                                always.push(idx);
                            }
                        } else {
                            let rules = index
                                .entry(domain.to_string())
                                .or_default()
                                .entry(name.to_string())
                                .or_default();
                            if !rules.contains(&idx) {
                                rules.push(idx);
                            }
                        }
                    }
                    automata.push(Some(automaton));
                }
                RuleSelect::Where => {
                    always.push(idx);
                    automata.push(None);
                }
            }
        }
        let rule_names = compiled
            .rules()
            .iter()
            .map(|rule| Arc::from(rule.name.as_str()))
            .collect();
        let lines = LineIndex::new(&source);
        let site = |span| Arc::new(RuleSite::locate(&url, &source, &lines, span));
        let sites = compiled.rules().iter().map(|rule| site(rule.span)).collect();
        let inactive = compiled
            .inactive_rules()
            .iter()
            .map(|(name, span)| (Arc::from(name.as_str()), site(*span)))
            .collect();
        Ok(RulesetCode {
            sites,
            inactive,
            rule_names,
            compiled,
            url,
            hash,
            source,
            flushed,
            automata,
            index,
            always,
        })
    }

    pub fn rid(&self) -> &str {
        self.compiled.rid()
    }

    /// The rules an event is salient for, in declaration order.
    pub fn salient_rules(&self, domain: &str, name: &str) -> Cow<'_, [usize]> {
        let indexed = self.index.get(domain).and_then(|names| names.get(name));
        if self.always.is_empty() {
            return Cow::Borrowed(indexed.map_or(&[][..], Vec::as_slice));
        }
        let mut rules: Vec<usize> = indexed.map(|r| r.to_vec()).unwrap_or_default();
        {
            rules.extend(self.always.iter().copied().filter(|idx| {
                self.automata[*idx]
                    .as_ref()
                    .is_none_or(|automaton| automaton.is_salient(domain, name))
            }));
            rules.sort_unstable();
            rules.dedup();
        }
        Cow::Owned(rules)
    }
}

/// A ruleset installed on a pico.
#[derive(Clone)]
pub(crate) struct Installed {
    pub rid: Arc<str>,
    pub url: String,
    pub config: Map,
    pub code: Arc<RulesetCode>,
    /// `None` when initialisation failed: events skip it, queries fail.
    pub instance: Option<Arc<dyn RulesetInstance>>,
}

/// Everything the engine keeps in memory for one pico.
pub(crate) struct PicoState {
    pub id: String,
    pub parent: Option<String>,
    /// Child-link ECIs in creation order.
    pub children: Vec<String>,
    /// The creation number the next child gets (its `pico-child` key's value).
    pub next_child_seq: u64,
    pub channels: BTreeMap<String, Channel>,
    /// In install order while the engine runs.
    pub rulesets: Vec<Installed>,
    pub ent: FastMap<(Arc<str>, Arc<str>), Value>,
    pub rule_states: FastMap<(Arc<str>, usize), RuleState>,
}

impl PicoState {
    pub fn new(id: String, parent: Option<String>) -> PicoState {
        PicoState {
            id,
            parent,
            children: Vec::new(),
            next_child_seq: 0,
            channels: BTreeMap::new(),
            rulesets: Vec::new(),
            ent: FastMap::default(),
            rule_states: FastMap::default(),
        }
    }

    pub fn installed(&self, rid: &str) -> Option<&Installed> {
        self.rulesets.iter().find(|r| &*r.rid == rid)
    }
}
