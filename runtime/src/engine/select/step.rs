//! The step function: feeds one salient event to a rule's automaton, running leaf matchers
//! (attribute regexes, `setting`, `where`, aggregators) and applying `within`.

use std::borrow::Cow;

use super::aggregate::{Window, aggregate, push_value};
use super::automaton::{Automaton, Cond, CondId, END, Matcher, START};
use super::explain::{Check, leaf_pattern};
use super::{RuleState, SelectEvent, WhereEval};
use crate::RuntimeError;
use crate::value::Value;

/// What one step decided.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StepResult {
    /// The rule state to store; `None` means "at start with nothing captured" (store nothing).
    pub state: Option<RuleState>,
    /// When the rule matched: the bindings its body sees, one per
    /// [`Automaton::setting_names`] entry, in that order (null when not captured).
    pub fired: Option<Vec<Value>>,
}

/// Feeds `event` (already known to be salient) to the rule whose automaton is `automaton`
/// and whose stored state is `state`. `within_ms` is the rule's `within` limit, if any.
///
/// On `Err` (a `where` condition failed to evaluate) the reference keeps the rule's previous
/// state; callers that want that must keep their own copy ([`Automaton::has_where`] tells
/// whether an error is possible at all).
pub fn step(
    automaton: &Automaton,
    state: Option<RuleState>,
    within_ms: Option<f64>,
    event: &SelectEvent<'_>,
    where_eval: &mut dyn WhereEval,
) -> Result<StepResult, RuntimeError> {
    step_checked(automaton, state, within_ms, event, where_eval, None)
}

/// [`step`], also appending to `checks` (when given) every attribute test and `where`
/// condition it ran, for rule traces.
pub fn step_checked(
    automaton: &Automaton,
    state: Option<RuleState>,
    within_ms: Option<f64>,
    event: &SelectEvent<'_>,
    where_eval: &mut dyn WhereEval,
    checks: Option<&mut Vec<Check>>,
) -> Result<StepResult, RuntimeError> {
    if let Some(result) = single_leaf_step(automaton, state.as_ref(), within_ms, event) {
        return Ok(result);
    }

    let RuleState {
        mut states,
        setting,
        aggregates,
        starttime,
    } = state.unwrap_or_default();
    let mut work = Working {
        present: true,
        states_are_cur: true,
        setting,
        aggregates,
        starttime,
    };

    if let Some(limit) = within_ms {
        apply_within(limit, event.time, &mut states, &mut work);
    }

    states.retain(|&s| automaton.is_live(s));
    let cur: &[u32] = if states.is_empty() { &[START] } else { &states };

    let mut run = Run {
        automaton,
        event,
        where_eval,
        cur,
        scratch: Vec::new(),
        checks,
    };
    let mut hit_end = false;
    let mut targets: Vec<u32> = Vec::new();
    for &from in cur {
        for &(cond, to) in automaton.leaving(from) {
            if run.eval(cond, &mut work)? {
                if to == END {
                    hit_end = true;
                } else if !targets.contains(&to) {
                    targets.push(to);
                }
            }
        }
    }

    let new_states: Vec<u32> = if hit_end {
        states.clear();
        states.push(END);
        states
    } else if !targets.is_empty() {
        targets
    } else if !work.present {
        return Ok(StepResult {
            state: None,
            fired: None,
        });
    } else if work.states_are_cur {
        if states.is_empty() {
            states.push(START);
        }
        states
    } else {
        Vec::new()
    };
    if !work.present {
        // The threaded state was discarded: only the reached states survive.
        work.setting.clear();
        work.aggregates.clear();
        work.starttime = None;
    }

    let fired = hit_end.then(|| take_bindings(automaton, &mut work.setting));

    let at_rest = work.setting.is_empty()
        && work.aggregates.is_empty()
        && work.starttime.is_none()
        && new_states.iter().all(|&s| s == START || !automaton.is_live(s));
    let state = (!at_rest).then(|| RuleState {
        states: new_states,
        setting: work.setting,
        aggregates: work.aggregates,
        starttime: work.starttime,
    });
    Ok(StepResult { state, fired })
}

/// The common `select when d t` without `within`, from a state with nothing captured and
/// nothing to remember: whether the names match is the whole step. `None` when the rule
/// needs the general step.
fn single_leaf_step(
    automaton: &Automaton,
    state: Option<&RuleState>,
    within_ms: Option<f64>,
    event: &SelectEvent<'_>,
) -> Option<StepResult> {
    let (Some(leaf), None) = (automaton.single_leaf, within_ms) else {
        return None;
    };
    let at_rest =
        state.is_none_or(|s| s.setting.is_empty() && s.aggregates.is_empty() && s.starttime.is_none());
    if !at_rest {
        return None;
    }
    let leaf = &automaton.leaves[leaf as usize];
    // Setting names can only come from parts that never match (`count 0 (...)`).
    let fired = leaf_names_match(&leaf.domain, &leaf.name, event)
        .then(|| vec![Value::Null; automaton.setting_names().len()]);
    Some(StepResult { state: None, fired })
}

/// `within limit`: back to start (forgetting captures) when the first event of the current
/// attempt is older than `limit`; the clock restarts when the machine is at start.
fn apply_within(limit: f64, now: f64, states: &mut Vec<u32>, work: &mut Working) {
    // Matches pico-engine: a start time of 0 is "unset" (JavaScript truthiness), and the
    // clock restarts only when the machine is at start, not after a match.
    let mut start_time = match work.starttime {
        Some(t) if t != 0.0 && !t.is_nan() => t,
        _ => now,
    };
    if now - start_time > limit {
        states.clear();
        states.push(START);
        work.setting.clear();
    }
    if states.contains(&START) {
        start_time = now;
    }
    work.starttime = Some(start_time);
}

/// The bindings a matching rule's body sees, one per setting name in order (null when not
/// captured); the captures are used up.
fn take_bindings(automaton: &Automaton, setting: &mut Vec<(String, Value)>) -> Vec<Value> {
    let names = automaton.setting_names();
    let bindings = names
        .iter()
        .map(|name| lookup(setting, name).cloned().unwrap_or(Value::Null))
        .collect();
    if !names.is_empty() {
        setting.clear();
    }
    bindings
}

fn leaf_names_match(domain: &str, name: &str, event: &SelectEvent<'_>) -> bool {
    (domain == "*" || domain == event.domain) && (name == "*" || name == event.name)
}

fn lookup<'v>(pairs: &'v [(String, Value)], name: &str) -> Option<&'v Value> {
    pairs.iter().find(|(key, _)| key == name).map(|(_, value)| value)
}

fn merge(pairs: &mut Vec<(String, Value)>, name: &str, value: Value) {
    match pairs.iter_mut().find(|(key, _)| key == name) {
        Some((_, slot)) => *slot = value,
        None => pairs.push((name.to_owned(), value)),
    }
}

/// The rule state threaded through one step's evaluations.
struct Working {
    /// False once a failed matcher discarded the state (the reference's `undefined`).
    present: bool,
    /// Whether the state's `states` are the step's current states (false when a matcher
    /// rebuilt the state after it had been discarded: it then has no states at all).
    states_are_cur: bool,
    setting: Vec<(String, Value)>,
    aggregates: Vec<(String, Vec<Value>)>,
    starttime: Option<f64>,
}

impl Working {
    /// A failed matcher returns no state.
    fn discard(&mut self) {
        self.present = false;
        self.states_are_cur = false;
        self.setting.clear();
        self.aggregates.clear();
        self.starttime = None;
    }

    /// A succeeding matcher that builds on a discarded state starts from an empty object.
    fn revive(&mut self) {
        self.present = true;
    }
}

/// One step's evaluation context.
struct Run<'a, 'e> {
    automaton: &'a Automaton,
    event: &'a SelectEvent<'e>,
    where_eval: &'a mut dyn WhereEval,
    cur: &'a [u32],
    /// Reused UTF-16 buffer for attribute texts.
    scratch: Vec<u16>,
    /// Where the tests run are noted, when someone asked (rule traces).
    checks: Option<&'a mut Vec<Check>>,
}

impl Run<'_, '_> {
    fn eval(&mut self, cond: CondId, work: &mut Working) -> Result<bool, RuntimeError> {
        let automaton = self.automaton;
        match automaton.conds[cond as usize] {
            Cond::Leaf(idx) => {
                let leaf = &automaton.leaves[idx as usize];
                if !leaf_names_match(&leaf.domain, &leaf.name, self.event) {
                    return Ok(false);
                }
                match &leaf.matcher {
                    None => Ok(true),
                    Some(matcher) => self.run_matcher(matcher, work),
                }
            }
            Cond::Not(inner) => Ok(!self.eval(inner, work)?),
            Cond::Or(left, right) => {
                if self.eval(left, work)? {
                    Ok(true)
                } else {
                    self.eval(right, work)
                }
            }
        }
    }

    /// Notes a check for rule traces, when someone asked for them.
    fn note(&mut self, check: impl FnOnce() -> Check) {
        if let Some(checks) = self.checks.as_deref_mut() {
            checks.push(check());
        }
    }

    /// A leaf's matcher function: attribute regexes, `setting`, `where`, aggregator.
    fn run_matcher(&mut self, matcher: &Matcher, work: &mut Working) -> Result<bool, RuntimeError> {
        let leaf = &matcher.leaf;
        let attrs = self.event.attrs.as_map();
        let mut captures: Vec<Value> = Vec::new();
        for (key, regex) in &leaf.attrs {
            // Matches pico-engine: an absent attribute is tested as "", any other value as
            // its KRL string form; only the first match counts, even with `g`.
            let text = match attrs.and_then(|map| map.get(key)) {
                Some(value) => value.to_krl_string(),
                None => Cow::Borrowed(""),
            };
            self.scratch.clear();
            self.scratch.extend(text.encode_utf16());
            let found = regex.find_at(&self.scratch, 0);
            self.note(|| Check::Attribute {
                pattern: leaf_pattern(&leaf.domain, &leaf.name),
                attr: key.clone(),
                regex: regex.to_krl_string(),
                matched: found.is_some(),
            });
            let Some(found) = found else {
                work.discard();
                return Ok(false);
            };
            captures.extend(found.groups().skip(1).map(|group| {
                group.map_or(Value::Null, |range| {
                    Value::from(String::from_utf16_lossy(&self.scratch[range]))
                })
            }));
        }
        let has_attrs = !leaf.attrs.is_empty();
        // Matches pico-engine: without attribute tests `setting` binds nothing (all null).
        let capture = |idx: usize| {
            if has_attrs {
                captures.get(idx).cloned().unwrap_or(Value::Null)
            } else {
                Value::Null
            }
        };

        if let Some(where_id) = leaf.where_id {
            let bindings: Vec<Value> = (0..leaf.setting.len()).map(capture).collect();
            let held = self.where_eval.eval_where(where_id, &bindings)?;
            self.note(|| Check::Where {
                pattern: leaf_pattern(&leaf.domain, &leaf.name),
                held,
            });
            if !held {
                work.discard();
                return Ok(false);
            }
        }

        if let Some(aggregator) = &matcher.aggregator {
            let window = if !work.present || !work.states_are_cur {
                Window::Append
            } else if self.cur.contains(&START) {
                Window::Restart
            } else if self.cur.contains(&END) {
                Window::Slide
            } else {
                Window::Append
            };
            // Matches pico-engine: the aggregator's lists replace all previous ones.
            let mut lists: Vec<(String, Vec<Value>)> = Vec::with_capacity(aggregator.vars.len());
            for (idx, name) in aggregator.vars.iter().enumerate() {
                let mut values = work
                    .aggregates
                    .iter()
                    .find(|(key, _)| key == name)
                    .map(|(_, values)| values.clone())
                    .unwrap_or_default();
                push_value(
                    &mut values,
                    captures.get(idx).cloned().unwrap_or(Value::Null),
                    window,
                );
                merge(&mut work.setting, name, aggregate(aggregator.op, &values));
                match lists.iter_mut().find(|(key, _)| key == name) {
                    Some((_, slot)) => *slot = values,
                    None => lists.push((name.clone(), values)),
                }
            }
            work.aggregates = lists;
            work.revive();
        }

        if has_attrs {
            work.revive();
            for (idx, name) in leaf.setting.iter().enumerate() {
                merge(&mut work.setting, name, capture(idx));
            }
        }
        Ok(true)
    }
}
