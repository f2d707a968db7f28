//! Rule traces: why each rule did or did not fire, per event of a transaction.
//!
//! With [`EngineOptions::why`](super::EngineOptions) on (`krl run` turns it on), an event
//! transaction records, for every event it offered to the pico's rulesets (the sent one and
//! each raised one), one [`RuleWhy`] per rule: its event expression's state before and after
//! in words, the attribute tests and `where` conditions it ran, a `select where` result, the
//! postlude branch, a verdict and the reason in words, and where the rule is written. The
//! records are kept per transaction next to the pico's log, for the last
//! [`MAX_TRACED_TXNS_PER_PICO`] transactions; `/api/why`, `krl why` and the UI's Logging tab
//! read them. With the option off nothing is recorded and the only cost is one check per
//! ruleset offer.
//!
//! A record holds names, patterns, outcomes and error messages, never attribute values,
//! captured values or entity variables, so showing it reveals nothing the log does not.

use std::collections::VecDeque;
use std::fmt::Write as _;
use std::sync::Arc;

use krl_diagnostics::{LineIndex, Span};
use serde::{Deserialize, Serialize};

use super::backend::RuleOutcome;
use super::event::Event;
use super::pico::RulesetCode;
use super::select::{Check, RuleState, describe_state};
use super::trace::PostludeBranch;
use crate::RuntimeError;

/// Transactions whose rule traces a pico keeps; older ones are dropped first.
pub const MAX_TRACED_TXNS_PER_PICO: usize = 200;

/// The rule traces of one event transaction.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TxnWhy {
    #[serde(rename = "txnId")]
    pub txn_id: String,
    /// Each event the transaction offered to rulesets, in the order it ran them.
    pub events: Vec<EventWhy>,
}

/// One event and what every rule of the pico's rulesets made of it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EventWhy {
    pub domain: String,
    #[serde(rename = "type")]
    pub name: String,
    pub rules: Vec<RuleWhy>,
}

/// What became of one rule for one event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Selected, and its action block fired (or it had none).
    Fired,
    /// Selected, but its action block's guard was false (`notfired` branch).
    NotFired,
    /// Selected, and its body (or a `where` condition) failed.
    Failed,
    /// Not selected by this event.
    NotSelected,
    /// Not offered the event: an earlier rule of its ruleset ran `last`, or the
    /// transaction failed before reaching it.
    Skipped,
    /// Written `is inactive`: never selected.
    Inactive,
}

impl Verdict {
    /// How reports name the verdict.
    pub fn words(self) -> &'static str {
        match self {
            Verdict::Fired => "fired",
            Verdict::NotFired => "not fired",
            Verdict::Failed => "failed",
            Verdict::NotSelected => "not selected",
            Verdict::Skipped => "skipped",
            Verdict::Inactive => "inactive",
        }
    }
}

/// Where a rule is written: the ruleset's URL, the 1-based line and column of its name,
/// and that source line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleSite {
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub source: String,
}

impl RuleSite {
    /// The site of `span` in `text`, the source of the ruleset at `url`.
    pub(crate) fn locate(url: &str, text: &str, lines: &LineIndex, span: Span) -> RuleSite {
        let start = lines.human_line_col(span.start.min(lines.len()));
        let source = lines
            .line_span(start.line.saturating_sub(1))
            .and_then(|line| text.get(line.start as usize..line.end as usize))
            .unwrap_or_default()
            .to_string();
        RuleSite {
            file: url.to_string(),
            line: start.line,
            column: start.column,
            source,
        }
    }
}

/// One rule's record for one event.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RuleWhy {
    pub rid: Arc<str>,
    pub rule: Arc<str>,
    pub verdict: Verdict,
    /// The verdict's reason in words.
    pub reason: String,
    /// Shared with the ruleset's code: every event's record points at the same site.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site: Option<Arc<RuleSite>>,
    /// Whether the event's domain and type matched one of the rule's event patterns.
    pub salient: bool,
    /// The event expression's state before and after the event (absent for `select where`
    /// rules and inactive ones).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
    /// The attribute tests and `where` conditions the event went through, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<Check>,
    /// A `select where` rule's condition: whether it was `true`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub select_where: Option<bool>,
    /// The postlude branch a selected rule took: `fired` or `notfired`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postlude: Option<String>,
}

impl RuleWhy {
    fn new(
        rid: &Arc<str>,
        rule: &Arc<str>,
        site: Option<Arc<RuleSite>>,
        verdict: Verdict,
        reason: String,
    ) -> RuleWhy {
        RuleWhy {
            rid: Arc::clone(rid),
            rule: Arc::clone(rule),
            verdict,
            reason,
            site,
            salient: false,
            before: None,
            after: None,
            checks: Vec::new(),
            select_where: None,
            postlude: None,
        }
    }

    /// Whether the event selected the rule.
    pub fn selected(&self) -> bool {
        matches!(self.verdict, Verdict::Fired | Verdict::NotFired | Verdict::Failed)
    }
}

/// A transaction's rule traces as they are gathered.
#[derive(Default)]
pub(crate) struct WhyRecorder {
    events: Vec<EventWhy>,
    /// The event the last records belong to (one event is offered to each ruleset in turn).
    current: Option<Arc<Event>>,
}

impl WhyRecorder {
    /// Adds one ruleset's records for `event`.
    pub(crate) fn add(&mut self, event: &Arc<Event>, rules: Vec<RuleWhy>) {
        let same = self.current.as_ref().is_some_and(|e| Arc::ptr_eq(e, event));
        match self.events.last_mut() {
            Some(last) if same => last.rules.extend(rules),
            _ => {
                self.current = Some(Arc::clone(event));
                self.events.push(EventWhy {
                    domain: event.domain.to_string(),
                    name: event.name.to_string(),
                    rules,
                });
            }
        }
    }

    pub(crate) fn finish(self, txn_id: &str) -> TxnWhy {
        TxnWhy {
            txn_id: txn_id.to_string(),
            events: self.events,
        }
    }
}

/// One ruleset's records while an event is offered to it: a slot per rule, filled as the
/// rule is stepped and run; [`RulesetTrace::finish`] explains the rules never reached.
pub(crate) struct RulesetTrace<'c> {
    code: &'c RulesetCode,
    rid: Arc<str>,
    /// The event's domain and type, and `domain:type` for reasons.
    domain: Arc<str>,
    name: Arc<str>,
    event: String,
    rules: Vec<Option<RuleWhy>>,
    /// The rule being decided, blamed when the offer fails.
    current: Option<usize>,
    /// The rule that ran `last`.
    last: Option<usize>,
}

impl<'c> RulesetTrace<'c> {
    pub(crate) fn new(code: &'c RulesetCode, rid: &Arc<str>, event: &Event) -> RulesetTrace<'c> {
        RulesetTrace {
            code,
            rid: Arc::clone(rid),
            domain: Arc::clone(&event.domain),
            name: Arc::clone(&event.name),
            event: format!("{}:{}", event.domain, event.name),
            rules: vec![None; code.rule_names.len()],
            current: None,
            last: None,
        }
    }

    fn record(&self, rule: usize, verdict: Verdict, reason: String) -> RuleWhy {
        let mut why = RuleWhy::new(
            &self.rid,
            &self.code.rule_names[rule],
            self.code.sites.get(rule).cloned(),
            verdict,
            reason,
        );
        why.salient = true;
        why
    }

    /// The rule is about to be decided (errors from here on are blamed on it).
    pub(crate) fn begin(&mut self, rule: usize) {
        self.current = Some(rule);
    }

    /// A `select when` rule was stepped: its states before and after, the checks run, and
    /// whether it completed its pattern.
    pub(crate) fn stepped(
        &mut self,
        rule: usize,
        states: (Option<&RuleState>, Option<&RuleState>),
        checks: Vec<Check>,
        fired: bool,
    ) {
        let Some(automaton) = self.code.automata[rule].as_ref() else {
            return;
        };
        let before = describe_state(automaton, states.0);
        let after = describe_state(automaton, states.1);
        let reason = if fired {
            "selected".to_string()
        } else {
            not_selected_reason(&checks, &after, &self.event)
        };
        let verdict = if fired {
            Verdict::Fired
        } else {
            Verdict::NotSelected
        };
        let mut why = self.record(rule, verdict, reason);
        why.before = Some(before);
        why.after = Some(after);
        why.checks = checks;
        self.rules[rule] = Some(why);
    }

    /// A `select where` rule's condition was evaluated.
    pub(crate) fn select_where(&mut self, rule: usize, held: bool) {
        let (verdict, reason) = if held {
            (Verdict::Fired, "selected".to_string())
        } else {
            (
                Verdict::NotSelected,
                "its `select where` condition was not true".to_string(),
            )
        };
        let mut why = self.record(rule, verdict, reason);
        why.select_where = Some(held);
        self.rules[rule] = Some(why);
    }

    /// A selected rule's body ran: how it ended and which postlude branch it took.
    pub(crate) fn ran(
        &mut self,
        rule: usize,
        outcome: &Result<RuleOutcome, RuntimeError>,
        postlude: Option<PostludeBranch>,
    ) {
        let Some(why) = self.rules[rule].as_mut() else {
            return;
        };
        why.postlude = postlude.map(|branch| match branch {
            PostludeBranch::Fired => "fired".to_string(),
            PostludeBranch::NotFired => "notfired".to_string(),
        });
        match (outcome, postlude) {
            (Err(err), _) => {
                why.verdict = Verdict::Failed;
                why.reason = format!("selected, but its body failed: {err}");
            }
            (Ok(_), Some(PostludeBranch::NotFired)) => {
                why.verdict = Verdict::NotFired;
                why.reason = "selected, but its action guard was false (postlude `notfired`)".to_string();
            }
            (Ok(outcome), _) => {
                why.reason = "selected; its actions ran (postlude `fired`)".to_string();
                if outcome.last {
                    self.last = Some(rule);
                    why.reason.push_str(", then `last` ended the ruleset's turn");
                }
            }
        }
        self.current = None;
    }

    /// Every rule's record, the ones never reached explained (with their unchanged state
    /// from `state_of`), then the inactive rules.
    pub(crate) fn finish<'s>(
        mut self,
        failure: Option<&RuntimeError>,
        state_of: impl Fn(usize) -> Option<&'s RuleState>,
    ) -> Vec<RuleWhy> {
        if let (Some(rule), Some(err)) = (self.current, failure) {
            let mut why = self.rules[rule]
                .take()
                .unwrap_or_else(|| self.record(rule, Verdict::Failed, String::new()));
            why.verdict = Verdict::Failed;
            why.reason = format!("failed while deciding or running it: {err}");
            self.rules[rule] = Some(why);
        }
        let salient = self.code.salient_rules(&self.domain, &self.name);
        let mut out = Vec::with_capacity(self.rules.len());
        for rule in 0..self.rules.len() {
            if let Some(why) = self.rules[rule].take() {
                out.push(why);
            } else if salient.contains(&rule) {
                let reason = match (self.last, failure) {
                    (Some(last), _) => {
                        format!("not offered: rule `{}` ran `last`", self.code.rule_names[last])
                    }
                    (None, Some(_)) => "not offered: the transaction failed before it".to_string(),
                    (None, None) => "not offered".to_string(),
                };
                out.push(self.record(rule, Verdict::Skipped, reason));
            } else {
                out.push(self.unmatched(rule, state_of(rule)));
            }
        }
        for (name, site) in &self.code.inactive {
            let reason = "the rule is written `is inactive`".to_string();
            out.push(RuleWhy::new(
                &self.rid,
                name,
                Some(Arc::clone(site)),
                Verdict::Inactive,
                reason,
            ));
        }
        out
    }

    /// A rule none of whose event patterns names the event's domain and type.
    fn unmatched(&self, rule: usize, state: Option<&RuleState>) -> RuleWhy {
        let mut why = self.record(rule, Verdict::NotSelected, String::new());
        why.salient = false;
        let Some(automaton) = self.code.automata[rule].as_ref() else {
            why.reason = format!("its `select where` does not see `{}`", self.event);
            return why;
        };
        let patterns: Vec<String> = automaton
            .salient_events()
            .map(|(domain, name)| format!("`{domain}:{name}`"))
            .collect();
        why.reason = format!(
            "no event pattern matches `{}` (it selects on {})",
            self.event,
            patterns.join(", ")
        );
        let state = describe_state(automaton, state);
        why.before = Some(state.clone());
        why.after = Some(state);
        why
    }
}

/// Why a stepped rule did not complete its pattern.
fn not_selected_reason(checks: &[Check], after: &str, event: &str) -> String {
    let failed = checks.iter().find(|check| match check {
        Check::Attribute { matched, .. } => !matched,
        Check::Where { held, .. } => !held,
    });
    match failed {
        Some(Check::Attribute { attr, regex, .. }) => {
            format!("attribute `{attr}` did not match {regex}")
        }
        Some(Check::Where { pattern, .. }) => format!("the `where` condition of `{pattern}` was false"),
        None if after != "at start" => format!("its pattern is not complete: {after}"),
        None => format!("`{event}` did not advance its pattern"),
    }
}

/// One pico's rule traces, oldest first, at most [`MAX_TRACED_TXNS_PER_PICO`].
#[derive(Default)]
pub(crate) struct PicoWhys {
    txns: VecDeque<Arc<TxnWhy>>,
}

impl PicoWhys {
    pub(crate) fn push(&mut self, txn: TxnWhy) {
        if self.txns.len() >= MAX_TRACED_TXNS_PER_PICO {
            self.txns.pop_front();
        }
        self.txns.push_back(Arc::new(txn));
    }

    pub(crate) fn get(&self, txn_id: &str) -> Option<Arc<TxnWhy>> {
        self.txns.iter().rev().find(|txn| txn.txn_id == txn_id).cloned()
    }
}

/// A transaction's rule traces as text, each rule with its site as the checker shows
/// locations (`--> file:line:column` and the source line). Rules none of whose patterns
/// name the event are summed up in one line per event: on a pico with the system rulesets
/// they are most of the list.
pub fn render(txn: &TxnWhy) -> String {
    let mut out = String::new();
    for event in &txn.events {
        let _ = writeln!(out, "event {}:{}", event.domain, event.name);
        let mut unmatched: Vec<(&str, Vec<&str>)> = Vec::new();
        for rule in &event.rules {
            if !rule.salient && rule.verdict == Verdict::NotSelected {
                match unmatched.last_mut() {
                    Some((rid, names)) if *rid == &*rule.rid => names.push(&rule.rule),
                    _ => unmatched.push((&rule.rid, vec![&rule.rule])),
                }
                continue;
            }
            render_rule(rule, &mut out);
        }
        if !unmatched.is_empty() {
            let count: usize = unmatched.iter().map(|(_, names)| names.len()).sum();
            let lists: Vec<String> = unmatched
                .iter()
                .map(|(rid, names)| format!("{rid}: {}", names.join(", ")))
                .collect();
            let _ = writeln!(
                out,
                "  not selected, no event pattern matches `{}:{}` ({count} rule{}): {}",
                event.domain,
                event.name,
                if count == 1 { "" } else { "s" },
                lists.join("; ")
            );
        }
    }
    out
}

fn render_rule(rule: &RuleWhy, out: &mut String) {
    let _ = writeln!(
        out,
        "  {}: rule `{}` of {}: {}",
        rule.verdict.words(),
        rule.rule,
        rule.rid,
        rule.reason
    );
    if let Some(site) = &rule.site {
        let file = site.file.strip_prefix("file://").unwrap_or(&site.file);
        let number = site.line.to_string();
        let gutter = " ".repeat(number.len());
        let _ = writeln!(out, "    {gutter}--> {file}:{}:{}", site.line, site.column);
        let _ = writeln!(out, "    {number} | {}", site.source);
    }
    render_details(rule, out);
}

fn render_details(rule: &RuleWhy, out: &mut String) {
    if let (Some(before), Some(after)) = (&rule.before, &rule.after)
        && rule.verdict != Verdict::Inactive
    {
        let _ = writeln!(out, "      state: {before} -> {after}");
    }
    for check in &rule.checks {
        let _ = match check {
            Check::Attribute {
                pattern,
                attr,
                regex,
                matched,
            } => {
                let outcome = if *matched { "matched" } else { "did not match" };
                writeln!(out, "      {pattern}: attribute `{attr}` {outcome} {regex}")
            }
            Check::Where { pattern, held } => writeln!(out, "      {pattern}: `where` condition {held}"),
        };
    }
    if let Some(held) = rule.select_where {
        let _ = writeln!(out, "      select where: {held}");
    }
}
