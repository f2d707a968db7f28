//! A step's expectations checked against what the step did: its error, directives and
//! snapshots, query result, entity variables, raised events, saved ECIs and scheduled events.
//! Each mismatch becomes a [`StepFailure`] with a diff and, where known, the rules that
//! produced the output.

use krl_runtime::Value;
use krl_runtime::engine::trace::TraceEvent;
use serde_json::Value as Json;

use super::{Answer, Collector, Snapshots, StepFailure, World};
use crate::commands::test::clock;
use crate::commands::test::compare::{self, matches};
use crate::commands::test::format::{Expect, Match};

/// What one step produced, for its expectations.
pub(super) struct Seen<'s> {
    pub(super) answer: &'s Answer,
    /// The engine's trace facts during the step.
    pub(super) trace: &'s [TraceEvent],
    /// The pico the step addressed (`main` when none).
    pub(super) pico_name: &'s str,
}

impl World<'_> {
    /// Checks one expectation; a `snapshot` under `--accept` records what it saw in `observed`.
    pub(super) fn check_expect(
        &mut self,
        expect: &Expect,
        seen: &Seen<'_>,
        test_name: &str,
        snapshots: &Snapshots<'_>,
        observed: &mut Vec<(String, Json)>,
    ) -> Result<(), StepFailure> {
        match expect {
            Expect::Error(_) => Ok(()),
            Expect::Directives(expected, mode) => match seen.answer {
                Answer::Directives(directives) => self.check_directives(expected, *mode, directives),
                _ => Ok(()),
            },
            Expect::Snapshot(name) => match seen.answer {
                Answer::Directives(directives) => {
                    let key = format!("{test_name} / {name}");
                    self.check_snapshot(name, key, directives, snapshots, observed)
                }
                _ => Ok(()),
            },
            Expect::Result(expected, mode) => {
                let Answer::Result(value) = seen.answer else {
                    return Ok(());
                };
                let expected = &self.substitute(expected)?;
                let actual = value.to_json();
                if matches(expected, &actual, *mode) {
                    return Ok(());
                }
                let shown = shown(expected, &actual, *mode);
                Err(StepFailure {
                    message: mismatch("the query result", *mode),
                    diff: Some(Box::new((expected.clone(), shown))),
                    produced_by: Vec::new(),
                })
            }
            Expect::Ent(name, expected) => {
                let expected = &self.substitute(expected)?;
                let actual = self.ent(seen.pico_name, name)?;
                if matches(expected, &actual, Match::Exact) {
                    return Ok(());
                }
                Err(StepFailure {
                    message: format!("`ent:{name}` differs (-expected +actual)"),
                    diff: Some(Box::new((expected.clone(), actual))),
                    produced_by: Vec::new(),
                })
            }
            Expect::Raised(expected) => self.check_raised(expected, seen.trace),
            Expect::SaveEci { name, pointer } => {
                let Answer::Result(value) = seen.answer else {
                    return Ok(());
                };
                let json = value.to_json();
                let Some(eci) = json.pointer(pointer).and_then(Json::as_str) else {
                    return Err(StepFailure {
                        message: format!("`save_eci.{name}`: the result has no string at `{pointer}`"),
                        diff: None,
                        produced_by: Vec::new(),
                    });
                };
                self.channels.insert(name.clone(), eci.to_string());
                Ok(())
            }
            Expect::Scheduled(expected) => {
                let expected = normalize_schedule(&self.substitute(expected)?);
                let actual = self.scheduled(seen.pico_name)?;
                if matches(&expected, &actual, Match::Subset) {
                    return Ok(());
                }
                Err(StepFailure {
                    message: "the scheduled events differ (-expected +actual)".into(),
                    diff: Some(Box::new((expected.clone(), compare::project(&expected, &actual)))),
                    produced_by: Vec::new(),
                })
            }
        }
    }

    /// `snapshot = "name"`: the directives against the stored snapshot `key`.
    fn check_snapshot(
        &self,
        name: &str,
        key: String,
        directives: &[Value],
        snapshots: &Snapshots<'_>,
        observed: &mut Vec<(String, Json)>,
    ) -> Result<(), StepFailure> {
        let actual = Json::Array(directives.iter().map(|d| directive_json(d, true)).collect());
        let stored = snapshots.stored.and_then(|s| s.get(&key));
        if snapshots.accept {
            if stored != Some(&actual) {
                observed.push((key, actual));
            }
            return Ok(());
        }
        match stored {
            None => Err(StepFailure::new(format!(
                "no snapshot `{name}` is stored yet; run `krl test --accept` to record it"
            ))),
            Some(stored) if *stored != actual => Err(StepFailure {
                message: format!(
                    "the directives differ from snapshot `{name}` (-stored +actual; `krl test --accept` records the new ones)"
                ),
                diff: Some(Box::new((stored.clone(), actual))),
                produced_by: self.directive_sources(directives),
            }),
            Some(_) => Ok(()),
        }
    }

    /// `raised = [...]`: the events the step's rules raised include the expected ones.
    fn check_raised(&self, expected: &Json, trace: &[TraceEvent]) -> Result<(), StepFailure> {
        let expected = &self.substitute(expected)?;
        let actual = Json::Array(
            trace
                .iter()
                .filter_map(|event| match event {
                    TraceEvent::Raised {
                        domain, name, attrs, ..
                    } => Some(event_json(domain, name, attrs.to_json())),
                    _ => None,
                })
                .collect(),
        );
        if matches(expected, &actual, Match::Subset) {
            return Ok(());
        }
        let sources = trace
            .iter()
            .filter_map(|event| match event {
                TraceEvent::Raised {
                    rid,
                    rule: Some(rule),
                    domain,
                    name,
                    ..
                } => Some(self.source_line(&format!("event `{domain}:{name}`"), rid, rule)),
                _ => None,
            })
            .collect();
        Err(StepFailure {
            message: "the raised events differ (-expected +actual)".into(),
            diff: Some(Box::new((expected.clone(), compare::project(expected, &actual)))),
            produced_by: sources,
        })
    }

    /// Applies an `error` expectation: `Ok(None)` when the step failed as expected.
    pub(super) fn check_error<T>(
        &self,
        result: Result<T, krl_runtime::engine::EngineError>,
        expects_error: Option<&str>,
        collector: &Collector,
        trace_start: usize,
    ) -> Result<Option<T>, StepFailure> {
        match (result, expects_error) {
            (Ok(value), None) => Ok(Some(value)),
            (Ok(_), Some(text)) => Err(StepFailure::new(format!(
                "expected an error containing \"{text}\", but the step succeeded"
            ))),
            (Err(err), Some(text)) if err.to_string().contains(text) => Ok(None),
            (Err(err), expected) => {
                // The last rule selected is the one that failed.
                let culprit = collector
                    .since(trace_start)
                    .into_iter()
                    .rev()
                    .find_map(|event| match event {
                        TraceEvent::RuleSelected { rid, rule, .. } => {
                            Some(self.source_line("the error", &rid, &rule))
                        }
                        _ => None,
                    });
                let message = match expected {
                    Some(text) => format!("expected an error containing \"{text}\", got: {err}"),
                    None => format!("the step failed: {err}"),
                };
                Err(StepFailure {
                    message,
                    diff: None,
                    produced_by: culprit.into_iter().collect(),
                })
            }
        }
    }

    fn check_directives(
        &self,
        expected: &Json,
        mode: Match,
        directives: &[Value],
    ) -> Result<(), StepFailure> {
        let actual: Vec<Json> = directives.iter().map(|d| directive_json(d, false)).collect();
        let expected_list = expected.as_array().map(Vec::as_slice).unwrap_or_default();
        let ok = match mode {
            Match::Exact => matches(expected, &Json::Array(actual.clone()), Match::Exact),
            Match::Subset => compare::contains_in_order(expected_list, &actual),
        };
        if ok {
            return Ok(());
        }
        let shown = match mode {
            Match::Exact => Json::Array(actual),
            Match::Subset => compare::project_directives(expected_list, &actual),
        };
        Err(StepFailure {
            message: mismatch("the directives", mode),
            diff: Some(Box::new((expected.clone(), shown))),
            produced_by: self.directive_sources(directives),
        })
    }
}

/// Applies an `error` expectation to an install.
pub(super) fn expect_install_error(
    result: Result<(), StepFailure>,
    expected: Option<&str>,
) -> Result<(), StepFailure> {
    match (result, expected) {
        (Ok(()), None) => Ok(()),
        (Ok(()), Some(text)) => Err(StepFailure::new(format!(
            "expected an error containing \"{text}\", but the install succeeded"
        ))),
        (Err(err), Some(text)) if err.message.contains(text) => Ok(()),
        (Err(mut err), Some(text)) => {
            err.message = format!("expected an error containing \"{text}\", got: {}", err.message);
            Err(err)
        }
        (Err(err), None) => Err(err),
    }
}

fn mismatch(what: &str, mode: Match) -> String {
    match mode {
        Match::Exact => format!("{what} differ (-expected +actual)"),
        Match::Subset => format!("{what} do not include what was expected (-expected +actual)"),
    }
    .replace("result differ", "result differs")
    .replace("result do not", "result does not")
}

fn shown(expected: &Json, actual: &Json, mode: Match) -> Json {
    match mode {
        Match::Exact => actual.clone(),
        Match::Subset => compare::project(expected, actual),
    }
}

/// A directive as tests compare it: `{name, options}` (plus the rule, for snapshots).
fn directive_json(directive: &Value, with_rule: bool) -> Json {
    let json = directive.to_json();
    let mut out = serde_json::Map::new();
    out.insert("name".into(), json["name"].clone());
    out.insert("options".into(), json["options"].clone());
    if with_rule {
        out.insert("rule".into(), json["meta"]["rule_name"].clone());
    }
    Json::Object(out)
}

fn event_json(domain: &str, name: &str, attrs: Json) -> Json {
    let mut out = serde_json::Map::new();
    out.insert("event".into(), Json::String(format!("{domain}:{name}")));
    out.insert("attrs".into(), attrs);
    Json::Object(out)
}

/// Expected `at` times in any accepted spelling, as the ISO form the actual side uses.
fn normalize_schedule(expected: &Json) -> Json {
    let mut expected = expected.clone();
    if let Json::Array(items) = &mut expected {
        for item in items {
            let at = item.get("at").cloned();
            if let (Some(at), Json::Object(map)) = (at, item) {
                let ms = match &at {
                    Json::Number(n) => n.as_f64(),
                    Json::String(text) => clock::parse_iso(text),
                    _ => None,
                };
                if let Some(ms) = ms {
                    map.insert("at".into(), Json::String(clock::format_iso(ms)));
                }
            }
        }
    }
    expected
}
