//! Rule coverage (`krl test --coverage`): per ruleset, which rules an event selected, which
//! never were, and which postlude branches (`fired`, `notfired`, `always`) ran, counted from
//! the engine's trace facts of every test.

use std::collections::HashMap;

use krl_runtime::engine::trace::{PostludeBranch, TraceEvent};
use serde_json::{Value as Json, json};

use super::library::{Library, RuleInfo, Ruleset};

#[derive(Default, Clone, Copy)]
struct Counts {
    selected: usize,
    fired: usize,
    notfired: usize,
}

/// Counts per (rid, rule name).
#[derive(Default)]
pub struct Coverage {
    counts: HashMap<(String, String), Counts>,
}

impl Coverage {
    pub fn add(&mut self, trace: &[TraceEvent]) {
        for event in trace {
            match event {
                TraceEvent::RuleSelected { rid, rule, .. } => {
                    self.entry(rid, rule).selected += 1;
                }
                TraceEvent::Postlude {
                    rid, rule, branch, ..
                } => {
                    let counts = self.entry(rid, rule);
                    match branch {
                        PostludeBranch::Fired => counts.fired += 1,
                        PostludeBranch::NotFired => counts.notfired += 1,
                    }
                }
                TraceEvent::Raised { .. } => {}
            }
        }
    }

    fn entry(&mut self, rid: &str, rule: &str) -> &mut Counts {
        self.counts
            .entry((rid.to_string(), rule.to_string()))
            .or_default()
    }

    fn get(&self, rid: &str, rule: &str) -> Counts {
        self.counts
            .get(&(rid.to_string(), rule.to_string()))
            .copied()
            .unwrap_or_default()
    }

    /// The report as text: one block per ruleset, rules in source order.
    pub fn to_text(&self, library: &Library) -> String {
        let mut out = String::from("\ncoverage:\n");
        for ruleset in library.all() {
            let Some(rid) = ruleset.rid() else { continue };
            let ran = self.rules_ran(rid, ruleset);
            out.push_str(&format!(
                "  {rid} ({}): {ran} of {} rules ran\n",
                ruleset.path.display(),
                ruleset.rules.len()
            ));
            for rule in &ruleset.rules {
                let at = format!("{}:{}", rule.line, rule.col);
                match self.rule_summary(rid, rule) {
                    None => out.push_str(&format!("    never  {} ({at})\n", rule.name)),
                    Some(summary) => {
                        out.push_str(&format!("    ran    {} ({at}): {summary}\n", rule.name));
                    }
                }
            }
        }
        out
    }

    fn rules_ran(&self, rid: &str, ruleset: &Ruleset) -> usize {
        ruleset
            .rules
            .iter()
            .filter(|r| self.get(rid, &r.name).selected > 0)
            .count()
    }

    /// What one rule's line says after its name: `selected N; postlude: fired N, ...`, or
    /// `None` when no event selected it.
    fn rule_summary(&self, rid: &str, rule: &RuleInfo) -> Option<String> {
        let counts = self.get(rid, &rule.name);
        if counts.selected == 0 {
            return None;
        }
        let mut branches = Vec::new();
        let reached = counts.fired + counts.notfired;
        for (present, name, count) in [
            (rule.has_fired, "fired", counts.fired),
            (rule.has_notfired, "notfired", counts.notfired),
            (rule.has_always, "always", reached),
        ] {
            if present {
                branches.push(if count == 0 {
                    format!("{name} never")
                } else {
                    format!("{name} {count}")
                });
            }
        }
        let postlude = if branches.is_empty() {
            String::new()
        } else {
            format!("; postlude: {}", branches.join(", "))
        };
        Some(format!("selected {}{postlude}", counts.selected))
    }

    /// The report as JUnit properties: `coverage <rid>` says how many rules ran, and
    /// `coverage <rid> <rule> (line:col)` what the text report says of that rule.
    pub fn to_properties(&self, library: &Library) -> Vec<(String, String)> {
        let mut properties = Vec::new();
        for ruleset in library.all() {
            let Some(rid) = ruleset.rid() else { continue };
            let ran = self.rules_ran(rid, ruleset);
            properties.push((
                format!("coverage {rid}"),
                format!("{ran} of {} rules ran", ruleset.rules.len()),
            ));
            for rule in &ruleset.rules {
                let summary = self
                    .rule_summary(rid, rule)
                    .unwrap_or_else(|| "never".to_string());
                properties.push((
                    format!("coverage {rid} {} ({}:{})", rule.name, rule.line, rule.col),
                    summary,
                ));
            }
        }
        properties
    }

    /// The report as JSON: `[{rid, file, rules: [{name, line, selected, fired, notfired, ...}]}]`.
    pub fn to_json(&self, library: &Library) -> Json {
        let rulesets = library
            .all()
            .into_iter()
            .filter_map(|ruleset| {
                let rid = ruleset.rid()?;
                let rules: Vec<Json> = ruleset
                    .rules
                    .iter()
                    .map(|rule| {
                        let counts = self.get(rid, &rule.name);
                        let branch =
                            |present: bool, count: usize| if present { json!(count) } else { Json::Null };
                        json!({
                            "name": rule.name,
                            "line": rule.line,
                            "selected": counts.selected,
                            "postlude": {
                                "fired": branch(rule.has_fired, counts.fired),
                                "notfired": branch(rule.has_notfired, counts.notfired),
                                "always": branch(rule.has_always, counts.fired + counts.notfired),
                            },
                        })
                    })
                    .collect();
                Some(json!({"rid": rid, "file": ruleset.path.display().to_string(), "rules": rules}))
            })
            .collect();
        Json::Array(rulesets)
    }
}
