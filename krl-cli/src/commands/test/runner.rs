//! Runs one test: a fresh in-process engine with the in-memory store and a test clock, the
//! test's rulesets installed on pico `main` (the root), then each step in order, stopping at
//! the first step whose expectation fails.
//!
//! A test that needs them (`system = true`, or a ruleset that uses a system ruleset as a
//! module) first boots the system rulesets on the root as `krl run` does. Then picos that
//! wrangler creates are adopted under their wrangler name, so steps can address them.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use krl_runtime::Value;
use krl_runtime::engine::trace::{TraceEvent, TraceSink};
use krl_runtime::engine::{Engine, EngineOptions, system};
use krl_runtime::value::Map;
use serde_json::Value as Json;

use super::clock;
use super::format::{Action, Expect, RulesetUse, Step, Target, TestCase, line_col};
use super::library::{Library, Ruleset};

mod expect;

use expect::{Seen, expect_install_error};

/// What a test run produced.
pub struct Outcome {
    pub failure: Option<Failure>,
    pub duration: Duration,
    /// Snapshot name → the directives seen, for `--accept`.
    pub observed_snapshots: Vec<(String, Json)>,
    /// Everything the engine reported (kept only for `--coverage`).
    pub trace: Vec<TraceEvent>,
}

/// Why a test failed, with what the reporters show.
#[derive(Debug, Clone)]
pub struct Failure {
    /// The failing step (1-based) and its position in the test file; `None` for the setup.
    pub step: Option<usize>,
    pub line: usize,
    pub col: usize,
    /// `event sensor:reading`.
    pub action: String,
    pub message: String,
    /// Expected and actual values, for a diff.
    pub diff: Option<(Json, Json)>,
    /// Where the output came from: "directive `x` from rule `r` at file:line:col".
    pub produced_by: Vec<String>,
}

/// How snapshots are treated.
pub struct Snapshots<'a> {
    /// Stored snapshots of this test file, by `test name / snapshot name`.
    pub stored: Option<&'a BTreeMap<String, Json>>,
    /// `--accept`: differences are recorded, not failures.
    pub accept: bool,
}

/// Collects the engine's trace facts.
#[derive(Default)]
struct Collector {
    events: Mutex<Vec<TraceEvent>>,
}

impl TraceSink for Collector {
    fn record(&self, event: TraceEvent) {
        self.events
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(event);
    }
}

impl Collector {
    fn since(&self, start: usize) -> Vec<TraceEvent> {
        let events = self
            .events
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        events.get(start..).map(<[_]>::to_vec).unwrap_or_default()
    }

    fn len(&self) -> usize {
        self.events
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .len()
    }

    fn take(&self) -> Vec<TraceEvent> {
        std::mem::take(
            &mut *self
                .events
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        )
    }
}

struct Pico {
    id: String,
    /// An allow-all channel the test talks to the pico through (a pico's own self channel
    /// is only for the pico itself).
    eci: String,
    installed: Vec<Arc<Ruleset>>,
}

/// Rulesets on a pico, in install order.
type Rulesets = Vec<Arc<Ruleset>>;

/// The rid wrangler keeps a pico's name in (`ent:name`).
const WRANGLER_RID: &str = "io.picolabs.wrangler";

/// One test's engine and the names the test gave to picos and channels.
struct World<'a> {
    engine: Engine,
    library: &'a Library,
    picos: HashMap<String, Pico>,
    channels: HashMap<String, String>,
    now: f64,
    src: &'a str,
    /// The system rulesets were booted: steps go through wrangler, its children are adopted.
    system: bool,
    /// Picos the test did not create (made by rules) → the test's channel to each; the named
    /// ones are in `picos` too.
    adopted: HashMap<String, String>,
}

/// A failed step before it knows its position.
struct StepFailure {
    message: String,
    /// Boxed: failures travel in `Result`s, which should stay small.
    diff: Option<Box<(Json, Json)>>,
    produced_by: Vec<String>,
}

impl StepFailure {
    fn new(message: impl Into<String>) -> StepFailure {
        StepFailure {
            message: message.into(),
            diff: None,
            produced_by: Vec::new(),
        }
    }
}

/// Runs `test` (from the file whose text is `src`).
pub fn run_test(
    test: &TestCase,
    src: &str,
    library: &Library,
    snapshots: &Snapshots<'_>,
    keep_trace: bool,
) -> Outcome {
    let started = Instant::now();
    let collector = Arc::new(Collector::default());
    let system = test.system.unwrap_or_else(|| uses_system(test, library));
    let engine = Engine::new(
        library.backend(),
        EngineOptions {
            // One worker is enough: a worker waiting in `ctx:query` runs the queried pico's
            // queue itself (see `Drainer` in the engine).
            workers: 1,
            manual_clock: Some(test.start),
            trace: Some(Arc::clone(&collector) as Arc<dyn TraceSink>),
            ..EngineOptions::default()
        },
    );
    let main = engine.root_pico().to_string();
    let booted = if system {
        // Like `krl run`: boot, then `engine:started` (which gives the root its wellKnown_Rx
        // subscription channel), here waited for so the first step finds it done.
        system::boot(&engine)
            .and_then(|ui_eci| system::started_wait(&engine, &ui_eci))
            .map(|_| ())
            .map_err(|err| err.to_string())
    } else {
        Ok(())
    };
    let main_eci = open_channel(&engine, &main);
    let mut world = World {
        engine,
        library,
        picos: HashMap::from([(
            "main".to_string(),
            Pico {
                id: main,
                eci: main_eci,
                installed: Vec::new(),
            },
        )]),
        channels: HashMap::new(),
        now: test.start,
        src,
        system,
        adopted: HashMap::new(),
    };
    let mut observed_snapshots = Vec::new();
    let mut failure = None;
    if let Err(err) = booted {
        let (line, col) = line_col(src, test.span.start);
        failure = Some(Failure {
            step: None,
            line,
            col,
            action: "boot the system rulesets".into(),
            message: format!("booting the system rulesets failed: {err}"),
            diff: None,
            produced_by: Vec::new(),
        });
    } else if let Err(err) = world.install("main", &test.rulesets) {
        let (line, col) = line_col(src, test.span.start);
        failure = Some(Failure {
            step: None,
            line,
            col,
            action: "install rulesets".into(),
            message: err.message,
            diff: err.diff.map(|diff| *diff),
            produced_by: err.produced_by,
        });
    }
    for step in &test.steps {
        if failure.is_some() {
            break;
        }
        let result = world.run_step(step, &collector, &test.name, snapshots, &mut observed_snapshots);
        if let Err(err) = result {
            let (line, col) = line_col(world.src, step.span.start);
            failure = Some(Failure {
                step: Some(step.number),
                line,
                col,
                action: step.action.describe(),
                message: err.message,
                diff: err.diff.map(|diff| *diff),
                produced_by: err.produced_by,
            });
        }
    }
    Outcome {
        failure,
        duration: started.elapsed(),
        observed_snapshots,
        trace: if keep_trace { collector.take() } else { Vec::new() },
    }
}

/// What an event or query step answered.
enum Answer {
    None,
    Directives(Vec<Value>),
    Result(Value),
}

impl World<'_> {
    fn pico(&self, name: &str) -> Result<&Pico, StepFailure> {
        self.picos.get(name).ok_or_else(|| {
            StepFailure::new(format!(
                "there is no pico named `{name}` (create it with a `new_pico = \"{name}\"` step)"
            ))
        })
    }

    fn eci(&self, target: &Target) -> Result<String, StepFailure> {
        match target {
            Target::Pico(name) => Ok(self.pico(name)?.eci.clone()),
            Target::Channel(name) => self.channels.get(name).cloned().ok_or_else(|| {
                StepFailure::new(format!(
                    "there is no channel named `{name}` (create it with a `new_channel = \"{name}\"` step)"
                ))
            }),
        }
    }

    /// Replaces `${eci:NAME}` (a channel's ECI, or a pico's own) and `${pico:NAME}` (a pico's
    /// id) in every string of a value from the test file.
    fn substitute(&self, value: &Json) -> Result<Json, StepFailure> {
        Ok(match value {
            Json::String(text) if text.contains("${") => {
                let mut out = String::new();
                let mut rest = text.as_str();
                while let Some(start) = rest.find("${") {
                    out.push_str(&rest[..start]);
                    let Some(len) = rest[start..].find('}') else { break };
                    let inner = &rest[start + 2..start + len];
                    let replaced = match inner.split_once(':') {
                        Some(("eci", name)) => match self.channels.get(name) {
                            Some(eci) => eci.clone(),
                            None => self.pico(name)?.eci.clone(),
                        },
                        Some(("pico", name)) => self.pico(name)?.id.clone(),
                        _ => {
                            return Err(StepFailure::new(format!(
                                "`${{{inner}}}` is neither `${{eci:NAME}}` nor `${{pico:NAME}}`"
                            )));
                        }
                    };
                    out.push_str(&replaced);
                    rest = &rest[start + len + 1..];
                }
                out.push_str(rest);
                Json::String(out)
            }
            Json::Array(items) => Json::Array(
                items
                    .iter()
                    .map(|i| self.substitute(i))
                    .collect::<Result<_, _>>()?,
            ),
            Json::Object(map) => Json::Object(
                map.iter()
                    .map(|(k, v)| Ok((k.clone(), self.substitute(v)?)))
                    .collect::<Result<_, StepFailure>>()?,
            ),
            other => other.clone(),
        })
    }

    /// Waits until events sent between picos (`event:send`) have run. A query queues behind
    /// everything already queued on its pico, so querying every pico is a barrier; it is
    /// repeated while rules keep running (a sent event may send another). One pico needs
    /// none: `event_wait` drains that pico's queue before it returns.
    fn settle(&mut self, collector: &Collector) {
        if self.picos.len() < 2 && !self.system {
            return;
        }
        for _ in 0..100 {
            let before = collector.len();
            let adopted = self.adopt_picos();
            let ecis = self
                .picos
                .values()
                .map(|pico| &pico.eci)
                .chain(self.adopted.values());
            for eci in ecis {
                // Fails by design (no such ruleset); only the wait matters.
                let _ = self.engine.query(eci, "krl-test.barrier", "barrier", Value::Null);
            }
            if collector.len() == before && adopted == 0 {
                break;
            }
        }
        self.name_adopted();
    }

    /// With the system rulesets, rules make picos (wrangler's `new_child_request`): each new
    /// one gets a test channel (for the barrier). Picos deleted since are forgotten. Returns
    /// how many picos were new.
    fn adopt_picos(&mut self) -> usize {
        if !self.system {
            return 0;
        }
        let ids: HashSet<String> = self
            .engine
            .pico_summaries()
            .iter()
            .filter_map(|p| Some(p.as_map()?.get("id")?.as_str()?.to_string()))
            .collect();
        self.picos.retain(|_, pico| ids.contains(&pico.id));
        self.adopted.retain(|id, _| ids.contains(id));
        let known: HashSet<String> = self.picos.values().map(|p| p.id.clone()).collect();
        let mut new = 0;
        for id in ids {
            if !known.contains(&id) && !self.adopted.contains_key(&id) {
                new += 1;
                let eci = open_channel(&self.engine, &id);
                self.adopted.insert(id, eci);
            }
        }
        new
    }

    /// Gives adopted picos the name wrangler gave them (`ent:name`), unless the test already
    /// uses it. Only once everything has settled: a new child first names itself "Pico" (it
    /// looks like a root while its UI is set up) and hears its real name after that.
    fn name_adopted(&mut self) {
        let adopted: Vec<(String, String)> = self
            .adopted
            .iter()
            .map(|(id, eci)| (id.clone(), eci.clone()))
            .collect();
        for (id, eci) in adopted {
            let name = self.engine.ent(&id, WRANGLER_RID, "name").unwrap_or_default();
            if let Some(name) = name.as_str()
                && !self.picos.contains_key(name)
            {
                self.adopted.remove(&id);
                self.picos.insert(
                    name.to_string(),
                    Pico {
                        id,
                        eci,
                        installed: Vec::new(),
                    },
                );
            }
        }
    }

    /// `new_pico` with the system rulesets: the parent's wrangler makes the child (so it gets
    /// wrangler, subscriptions and the UI ruleset, and its name), then the test adopts it.
    fn new_child_by_wrangler(
        &mut self,
        name: &str,
        parent: &str,
        collector: &Collector,
    ) -> Result<(), StepFailure> {
        let parent_eci = self.pico(parent)?.eci.clone();
        let mut attrs = Map::new();
        attrs.insert("name", Value::string(name));
        self.engine
            .event_wait(&parent_eci, "wrangler", "new_child_request", Value::map(attrs))
            .map_err(|err| StepFailure::new(format!("wrangler could not create the child: {err}")))?;
        self.settle(collector);
        if self.picos.contains_key(name) {
            Ok(())
        } else {
            Err(StepFailure::new(format!(
                "wrangler on pico `{parent}` did not create a child named `{name}` (is io.picolabs.wrangler installed there?)"
            )))
        }
    }

    fn install(&mut self, pico: &str, rulesets: &[RulesetUse]) -> Result<(), StepFailure> {
        let pico_id = self.pico(pico)?.id.clone();
        for use_ in rulesets {
            let ruleset = self
                .library
                .get(&use_.path)
                .ok_or_else(|| StepFailure::new(format!("`{}` was not loaded", use_.path.display())))?;
            if let Err(message) = &ruleset.compiled {
                return Err(StepFailure::new(message.clone()));
            }
            let fail = |err: krl_runtime::engine::EngineError| {
                StepFailure::new(format!("installing `{}` failed: {err}", use_.path.display()))
            };
            self.engine.register(&ruleset.url, &ruleset.src).map_err(fail)?;
            let config = to_value(&Json::Object(use_.config.clone()))
                .as_map()
                .cloned()
                .unwrap_or_else(Map::new);
            self.engine
                .install(&pico_id, &ruleset.url, config)
                .map_err(fail)?;
            let pico = self.picos.get_mut(pico).expect("checked above");
            pico.installed.retain(|r| r.path != ruleset.path);
            pico.installed.push(Arc::clone(ruleset));
        }
        Ok(())
    }

    /// Runs a step's action: its answer, or `None` when it failed as its `error` expectation
    /// said (nothing more to check).
    fn perform(
        &mut self,
        step: &Step,
        collector: &Collector,
        trace_start: usize,
    ) -> Result<Option<Answer>, StepFailure> {
        let expects_error = step.expects.iter().find_map(|e| match e {
            Expect::Error(text) => Some(text.as_str()),
            _ => None,
        });
        let answer = match &step.action {
            Action::Check => Answer::None,
            Action::Event {
                domain,
                name,
                attrs,
                target,
            } => {
                let eci = self.eci(target)?;
                let attrs = to_value(&self.substitute(attrs)?);
                let result = self.engine.event_wait(&eci, domain, name, attrs);
                self.settle(collector);
                match self.check_error(result, expects_error, collector, trace_start)? {
                    Some(response) => Answer::Directives(response.directives),
                    None => return Ok(None),
                }
            }
            Action::Query {
                rid,
                name,
                args,
                target,
            } => {
                let eci = self.eci(target)?;
                let rid = match rid {
                    Some(rid) => rid.clone(),
                    None => self.sharing_rid(target, name)?,
                };
                let args = to_value(&self.substitute(args)?);
                let result = self.engine.query(&eci, &rid, name, args);
                match self.check_error(result, expects_error, collector, trace_start)? {
                    Some(value) => Answer::Result(value),
                    None => return Ok(None),
                }
            }
            Action::Advance(ms) => {
                self.now += ms;
                self.engine.set_time(self.now);
                self.settle(collector);
                Answer::None
            }
            Action::SetTime(ms) => {
                self.now = *ms;
                self.engine.set_time(self.now);
                self.settle(collector);
                Answer::None
            }
            Action::NewPico {
                name,
                parent,
                rulesets,
            } => {
                self.new_pico(name, parent, collector)?;
                expect_install_error(self.install(name, rulesets), expects_error)?;
                Answer::None
            }
            Action::Install { pico, rulesets } => {
                let installed = self.install(pico, rulesets);
                expect_install_error(installed, expects_error)?;
                Answer::None
            }
            Action::NewChannel {
                name,
                pico,
                tags,
                event_policy,
                query_policy,
            } => {
                let pico_id = self.pico(pico)?.id.clone();
                let channel = self
                    .engine
                    .new_channel(
                        &pico_id,
                        &to_value(tags),
                        &to_value(event_policy),
                        &to_value(query_policy),
                    )
                    .map_err(|err| StepFailure::new(format!("creating the channel failed: {err}")))?;
                self.channels.insert(name.clone(), channel.id);
                Answer::None
            }
        };
        Ok(Some(answer))
    }

    /// `new_pico`: a child of `parent` named `name`, created by wrangler when the test boots
    /// the system rulesets, else directly on the engine.
    fn new_pico(&mut self, name: &str, parent: &str, collector: &Collector) -> Result<(), StepFailure> {
        if self.picos.contains_key(name) {
            return Err(StepFailure::new(format!(
                "there already is a pico named `{name}`"
            )));
        }
        if self.system {
            return self.new_child_by_wrangler(name, parent, collector);
        }
        let parent_id = self.pico(parent)?.id.clone();
        let created = self
            .engine
            .new_pico(&parent_id)
            .and_then(|eci| self.engine.pico_of(&eci))
            .map_err(|err| StepFailure::new(format!("creating the pico failed: {err}")))?;
        let eci = open_channel(&self.engine, &created);
        self.picos.insert(
            name.to_string(),
            Pico {
                id: created,
                eci,
                installed: Vec::new(),
            },
        );
        Ok(())
    }

    /// The pico a step addresses, for its `ent` and `scheduled` expectations.
    fn addressed_pico(&self, action: &Action) -> String {
        match action {
            Action::NewPico { name, .. } => name.clone(),
            Action::Install { pico, .. } | Action::NewChannel { pico, .. } => pico.clone(),
            Action::Event { target, .. } | Action::Query { target, .. } => match target {
                Target::Pico(name) => name.clone(),
                Target::Channel(channel) => self.pico_of_channel(channel),
            },
            _ => "main".into(),
        }
    }

    fn run_step(
        &mut self,
        step: &Step,
        collector: &Collector,
        test_name: &str,
        snapshots: &Snapshots<'_>,
        observed: &mut Vec<(String, Json)>,
    ) -> Result<(), StepFailure> {
        let trace_start = collector.len();
        let Some(answer) = self.perform(step, collector, trace_start)? else {
            // The step failed as its `error` expectation said.
            return Ok(());
        };
        let trace = collector.since(trace_start);
        let pico_name = self.addressed_pico(&step.action);
        for expect in &step.expects {
            let seen = Seen {
                answer: &answer,
                trace: &trace,
                pico_name: &pico_name,
            };
            self.check_expect(expect, &seen, test_name, snapshots, observed)?;
        }
        Ok(())
    }

    fn directive_sources(&self, directives: &[Value]) -> Vec<String> {
        directives
            .iter()
            .filter_map(|directive| {
                let map = directive.as_map()?;
                let name = map.get("name")?.to_krl_string().into_owned();
                let meta = map.get("meta")?.as_map()?;
                let rid = meta.get("rid")?.to_krl_string().into_owned();
                let rule = meta.get("rule_name")?.to_krl_string().into_owned();
                Some(self.source_line(&format!("directive `{name}`"), &rid, &rule))
            })
            .collect()
    }

    fn source_line(&self, what: &str, rid: &str, rule: &str) -> String {
        match self.library.rule_location(rid, rule) {
            Some(at) => format!("{what} came from rule `{rule}` of {rid} at {at}"),
            None => format!("{what} came from rule `{rule}` of {rid}"),
        }
    }

    fn pico_of_channel(&self, channel: &str) -> String {
        let Some(eci) = self.channels.get(channel) else {
            return "main".into();
        };
        let owner = self.engine.pico_of(eci).unwrap_or_default();
        self.picos
            .iter()
            .find(|(_, pico)| pico.id == owner)
            .map_or_else(|| "main".into(), |(name, _)| name.clone())
    }

    /// The rid on a pico that shares `name`.
    fn sharing_rid(&self, target: &Target, name: &str) -> Result<String, StepFailure> {
        let pico_name = match target {
            Target::Pico(pico) => pico.clone(),
            Target::Channel(channel) => self.pico_of_channel(channel),
        };
        let (own, system) = self.rulesets_on(&pico_name)?;
        let sharing_in = |rulesets: &[Arc<Ruleset>]| -> Vec<String> {
            rulesets
                .iter()
                .filter_map(|r| r.compiled.as_ref().ok())
                .filter(|c| c.meta().shares.iter().any(|s| s == name))
                .map(|c| c.rid().to_string())
                .collect()
        };
        // The test's own rulesets first: wrangler and the UI ruleset share common names.
        let mut sharing = sharing_in(&own);
        if sharing.is_empty() {
            sharing = sharing_in(&system);
        }
        match sharing.as_slice() {
            [rid] => Ok(rid.clone()),
            [] => Err(StepFailure::new(format!(
                "no ruleset on pico `{pico_name}` shares `{name}` (write `query = \"RID/{name}\"` to name the ruleset)"
            ))),
            many => Err(StepFailure::new(format!(
                "several rulesets share `{name}` ({}); write `query = \"RID/{name}\"`",
                many.join(", ")
            ))),
        }
    }

    /// The rulesets on a pico: the test's own, then the system rulesets. Without the system
    /// rulesets only the test installs rulesets; with them rules do too (wrangler's
    /// `install_ruleset_request`), so the engine is asked.
    fn rulesets_on(&self, pico_name: &str) -> Result<(Rulesets, Rulesets), StepFailure> {
        let pico = self.pico(pico_name)?;
        if !self.system {
            return Ok((pico.installed.clone(), Vec::new()));
        }
        let summaries = self.engine.pico_summaries();
        let urls: Vec<&str> = summaries
            .iter()
            .filter_map(Value::as_map)
            .find(|p| p.get("id").and_then(Value::as_str) == Some(pico.id.as_str()))
            .and_then(|p| match p.get("rulesets") {
                Some(Value::Array(rulesets)) => Some(rulesets),
                _ => None,
            })
            .map(|rulesets| {
                rulesets
                    .iter()
                    .filter_map(|r| r.as_map()?.get("url")?.as_str())
                    .collect()
            })
            .unwrap_or_default();
        let (system, own): (Rulesets, Rulesets) = urls
            .into_iter()
            .filter_map(|url| self.library.by_url(url).cloned())
            .partition(|r| r.url.starts_with(system::URL_PREFIX));
        Ok((own, system))
    }

    /// `ent:name` on a pico: `rid/name`, or a bare name looked up in every installed ruleset.
    fn ent(&self, pico_name: &str, name: &str) -> Result<Json, StepFailure> {
        let pico = self.pico(pico_name)?;
        let read = |rid: &str, var: &str| {
            self.engine
                .ent(&pico.id, rid, var)
                .map(|v| v.to_json())
                .map_err(|err| StepFailure::new(format!("reading `ent:{var}` failed: {err}")))
        };
        if let Some((rid, var)) = name.rsplit_once('/') {
            return read(rid, var);
        }
        let (own, system) = self.rulesets_on(pico_name)?;
        let mut found = Vec::new();
        for rulesets in [&own, &system] {
            for ruleset in rulesets {
                if let Some(rid) = ruleset.rid() {
                    let value = read(rid, name)?;
                    if !value.is_null() {
                        found.push((rid, value));
                    }
                }
            }
            // A name the test's own rulesets set is theirs, even if a system ruleset has it.
            if !found.is_empty() {
                break;
            }
        }
        match found.len() {
            0 => Ok(Json::Null),
            1 => Ok(found.remove(0).1),
            _ => Err(StepFailure::new(format!(
                "`ent:{name}` is set by several rulesets ({}); write `\"RID/{name}\"`",
                found.iter().map(|(rid, _)| *rid).collect::<Vec<_>>().join(", ")
            ))),
        }
    }

    /// The pico's scheduled events, earliest first: `{event, at | repeat, attrs}`.
    fn scheduled(&self, pico_name: &str) -> Result<Json, StepFailure> {
        let pico = self.pico(pico_name)?;
        let (own, system) = self.rulesets_on(pico_name)?;
        let mut entries: Vec<(f64, Json)> = Vec::new();
        for ruleset in own.iter().chain(&system) {
            let Some(rid) = ruleset.rid() else { continue };
            let records = self.engine.ent(&pico.id, rid, "_schedule").unwrap_or_default();
            let Some(records) = records.as_map() else { continue };
            for (_, record) in records.iter() {
                let record = record.to_json();
                let event = &record["event"];
                let mut entry = serde_json::Map::new();
                entry.insert(
                    "event".into(),
                    Json::String(format!(
                        "{}:{}",
                        event["domain"].as_str().unwrap_or_default(),
                        event["name"].as_str().unwrap_or_default()
                    )),
                );
                let mut sort_key = f64::INFINITY;
                if let Some(time) = record["time"].as_f64() {
                    sort_key = time;
                    entry.insert("at".into(), Json::String(clock::format_iso(time)));
                }
                if let Some(spec) = record["timespec"].as_str() {
                    entry.insert("repeat".into(), Json::String(spec.to_string()));
                }
                entry.insert(
                    "attrs".into(),
                    event["data"]["attrs"]
                        .as_object()
                        .map_or(Json::Object(Default::default()), |a| Json::Object(a.clone())),
                );
                entries.push((sort_key, Json::Object(entry)));
            }
        }
        entries.sort_by(|a, b| a.0.total_cmp(&b.0));
        Ok(Json::Array(entries.into_iter().map(|(_, e)| e).collect()))
    }
}

/// Whether any ruleset the test installs uses a system ruleset as a module.
fn uses_system(test: &TestCase, library: &Library) -> bool {
    let step_rulesets = test.steps.iter().flat_map(|step| match &step.action {
        Action::NewPico { rulesets, .. } | Action::Install { rulesets, .. } => rulesets.as_slice(),
        _ => &[],
    });
    test.rulesets
        .iter()
        .chain(step_rulesets)
        .filter_map(|use_| library.get(&use_.path))
        .any(|ruleset| library.needs_system(ruleset))
}

/// An allow-all channel on a pico.
fn open_channel(engine: &Engine, pico_id: &str) -> String {
    let tags = Value::array(vec![Value::string("krl-test")]);
    engine
        .new_channel(pico_id, &tags, &Value::Null, &Value::Null)
        .map(|channel| channel.id)
        .unwrap_or_else(|_| pico_id.to_string())
}

/// JSON from a test file as a KRL value.
fn to_value(json: &Json) -> Value {
    serde_json::from_value(json.clone()).unwrap_or_default()
}
