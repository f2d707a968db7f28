//! Engine cases (`cases/run/*.krl`): rulesets plus a script of events, queries, entity
//! reads and clock steps, run on a fresh in-memory engine; the snapshot shows every step
//! with the directives, values and errors (with their locations) it produced.
//!
//! # Case format
//!
//! ```text
//! //> mode = "run"
//! ruleset test.counter {
//!   meta { shares total }
//!   global { total = function() { ent:total.defaultsTo(0) } }
//!   rule inc { select when counter inc  send_directive("count", {"was": total()})
//!              always { ent:total := total() + 1 } }
//! }
//! //- event counter inc
//! //- event counter inc {"by": 2}
//! //- query total
//! //- ent total
//! ```
//!
//! - The file starts with the `//> mode = "run"` header. Every line that starts with
//!   `ruleset ` in column 0 begins a ruleset; each is registered under
//!   `file:///run/<case>/<rid>.krl` and installed on the root pico, in file order (put a
//!   module before its users). Each ruleset's text keeps its lines where they are in the
//!   case file (the other lines are blanked), so error locations give case-file lines.
//! - Lines starting with `//- ` are the script, run in order after the installs:
//!   - `event DOMAIN TYPE [ATTRS]`: an event on an allow-all channel of the root pico,
//!     waiting for its transaction (and the events it raised); shows each directive as
//!     `directive NAME [OPTIONS]`.
//!   - `query [RID/]NAME [ARGS]`: a query of a shared function; shows `=> VALUE`.
//!   - `ent [RID/]NAME`: an entity variable of the root pico; shows `=> VALUE`.
//!   - `time MS`: sets the engine's manual clock to MS milliseconds after the start
//!     (2020-01-01T00:00:00Z), firing every scheduled event then due.
//!   - `logs`: the pico's log lines at level `warn` and `error` since the last `logs`.
//!   - `why`: the rule traces of the last transaction (`krl why`'s text): per event,
//!     every rule with its verdict, reason, place, state before and after, and checks.
//!
//!   `ATTRS` and `ARGS` are JSON; `RID` defaults to the last ruleset of the file.
//! - A failing step (or install) shows `!! ` and the error as the CLI renders it: the
//!   message, then the file, line and column, the rule and function, and the source line
//!   with a caret under the failing code.
//!
//! The runner takes the engine's [`Backend`] as a parameter, so the same cases run under
//! every execution tier.

use std::fmt::Write as _;
use std::sync::Arc;

use krl_runtime::Value;
use krl_runtime::engine::{Backend, Engine, EngineError, EngineOptions};
use krl_runtime::value::Map;

/// The manual clock's start: 2020-01-01T00:00:00Z.
pub const START: f64 = 1_577_836_800_000.0;

/// One step of a case's script.
#[derive(Clone, Debug, PartialEq)]
pub enum Step {
    Event {
        domain: String,
        name: String,
        attrs: Option<String>,
    },
    Query {
        rid: Option<String>,
        name: String,
        args: Option<String>,
    },
    Ent {
        rid: Option<String>,
        name: String,
    },
    Time(f64),
    Logs,
    Why,
}

/// A parsed case: its rulesets (each padded to the case file's lines) and its script.
#[derive(Debug)]
pub struct RunCase {
    pub rulesets: Vec<(String, String)>,
    pub steps: Vec<Step>,
}

/// Reads a case; an error says what is malformed (a mistake in the suite, not the engine).
pub fn parse(name: &str, source: &str) -> Result<RunCase, String> {
    if !source.starts_with("//> mode = \"run\"") {
        return Err(format!("{name}: a run case starts with `//> mode = \"run\"`"));
    }
    let lines: Vec<&str> = source.split('\n').collect();
    let starts: Vec<usize> = (0..lines.len())
        .filter(|&idx| lines[idx].starts_with("ruleset "))
        .collect();
    if starts.is_empty() {
        return Err(format!("{name}: no line starts with `ruleset `"));
    }
    let stem = name.strip_suffix(".krl").unwrap_or(name);
    let mut rulesets = Vec::new();
    for (idx, &start) in starts.iter().enumerate() {
        let end = starts.get(idx + 1).copied().unwrap_or(lines.len());
        let text: Vec<&str> = lines
            .iter()
            .enumerate()
            .map(|(at, line)| if (start..end).contains(&at) { *line } else { "" })
            .collect();
        let rid = lines[start]["ruleset ".len()..]
            .split(|c: char| c.is_whitespace() || c == '{')
            .next()
            .unwrap_or_default();
        rulesets.push((format!("file:///run/{stem}/{rid}.krl"), text.join("\n")));
    }
    let mut steps = Vec::new();
    for (idx, line) in lines.iter().enumerate() {
        if let Some(command) = line.strip_prefix("//- ") {
            steps.push(step(command.trim()).map_err(|err| format!("{name}:{}: {err}", idx + 1))?);
        }
    }
    Ok(RunCase { rulesets, steps })
}

fn step(command: &str) -> Result<Step, String> {
    let (word, rest) = command.split_once(' ').unwrap_or((command, ""));
    let rest = rest.trim();
    // `[RID/]NAME [JSON]`
    let target = |rest: &str| {
        let (target, json) = rest.split_once(' ').unwrap_or((rest, ""));
        let (rid, name) = match target.rsplit_once('/') {
            Some((rid, name)) => (Some(rid.to_string()), name.to_string()),
            None => (None, target.to_string()),
        };
        let json = Some(json.trim().to_string()).filter(|json| !json.is_empty());
        (rid, name, json)
    };
    match word {
        "event" => {
            let mut parts = rest.splitn(3, ' ');
            let domain = parts
                .next()
                .filter(|d| !d.is_empty())
                .ok_or("`event DOMAIN TYPE [ATTRS]`")?;
            let name = parts.next().ok_or("`event DOMAIN TYPE [ATTRS]`")?;
            let attrs = parts.next().map(|json| json.trim().to_string());
            Ok(Step::Event {
                domain: domain.to_string(),
                name: name.to_string(),
                attrs,
            })
        }
        "query" => {
            let (rid, name, args) = target(rest);
            Ok(Step::Query { rid, name, args })
        }
        "ent" => {
            let (rid, name, _) = target(rest);
            Ok(Step::Ent { rid, name })
        }
        "time" => rest
            .parse()
            .map(Step::Time)
            .map_err(|_| format!("`time MS` takes a number, not `{rest}`")),
        "logs" => Ok(Step::Logs),
        "why" => Ok(Step::Why),
        other => Err(format!("unknown step `{other}`")),
    }
}

fn json(text: Option<&str>) -> Result<Value, String> {
    match text {
        None => Ok(Value::Null),
        Some(text) => Value::decode(text).map_err(|err| format!("not JSON ({err:?}): {text}")),
    }
}

fn encode(value: &Value) -> String {
    value.encode(0).unwrap_or_else(|| "undefined".into())
}

/// The error as the CLI shows it, each line indented under its step.
fn failure(err: &EngineError) -> String {
    let text = match err {
        EngineError::Runtime(err) => err.render(),
        other => other.to_string(),
    };
    let mut out = String::new();
    for (idx, line) in text.lines().enumerate() {
        let lead = if idx == 0 { "  !! " } else { "     " };
        let _ = writeln!(out, "{lead}{line}");
    }
    out
}

/// Runs a case on a fresh in-memory engine over `backend`; returns the snapshot text.
pub fn run(name: &str, source: &str, backend: Arc<dyn Backend>) -> Result<String, String> {
    let case = parse(name, source)?;
    let engine = Engine::new(
        backend,
        EngineOptions {
            manual_clock: Some(START),
            why: true,
            ..EngineOptions::default()
        },
    );
    let root = engine.root_pico().to_string();
    let mut out = String::new();
    let mut last_rid = String::new();
    for (url, text) in &case.rulesets {
        match engine.register(url, text) {
            Ok(rid) => last_rid = rid,
            Err(err) => {
                let _ = write!(out, "register {url}\n{}", failure(&err));
                continue;
            }
        }
        if let Err(err) = engine.install(&root, url, Map::new()) {
            let _ = write!(out, "install {last_rid}\n{}", failure(&err));
        }
    }
    let eci = engine
        .new_channel(&root, &Value::Null, &Value::Null, &Value::Null)
        .map_err(|err| format!("{name}: no channel: {err}"))?
        .id;
    let mut logs_seen = engine.logs_since(&root, 0).1;
    for step in &case.steps {
        let rid_of = |rid: &Option<String>| rid.clone().unwrap_or_else(|| last_rid.clone());
        match step {
            Step::Event {
                domain,
                name: event,
                attrs,
            } => {
                let _ = writeln!(out, "event {domain} {event}{}", suffix(attrs));
                match engine.event_wait(&eci, domain, event, json(attrs.as_deref())?) {
                    Ok(response) => {
                        for directive in &response.directives {
                            let _ = writeln!(out, "  directive {}", show_directive(directive));
                        }
                    }
                    Err(err) => out.push_str(&failure(&err)),
                }
            }
            Step::Query {
                rid,
                name: function,
                args,
            } => {
                let rid = rid_of(rid);
                let _ = writeln!(out, "query {rid}/{function}{}", suffix(args));
                match engine.query(&eci, &rid, function, json(args.as_deref())?) {
                    Ok(value) => {
                        let _ = writeln!(out, "  => {}", encode(&value));
                    }
                    Err(err) => out.push_str(&failure(&err)),
                }
            }
            Step::Ent { rid, name: var } => {
                let rid = rid_of(rid);
                let _ = writeln!(out, "ent {rid}/{var}");
                match engine.ent(&root, &rid, var) {
                    Ok(value) => {
                        let _ = writeln!(out, "  => {}", encode(&value));
                    }
                    Err(err) => out.push_str(&failure(&err)),
                }
            }
            Step::Time(millis) => {
                let _ = writeln!(out, "time {millis}");
                engine.set_time(START + millis);
            }
            Step::Logs => {
                let _ = writeln!(out, "logs");
                let (entries, seen) = engine.logs_since(&root, logs_seen);
                logs_seen = seen;
                for entry in entries.iter().filter(|e| matches!(e.level, "warn" | "error")) {
                    let rid = entry.rid.as_deref().unwrap_or("-");
                    let _ = writeln!(out, "  {} {rid}: {}", entry.level, entry.message);
                }
            }
            Step::Why => {
                let _ = writeln!(out, "why");
                out.push_str(&last_why(&engine, &root));
            }
        }
    }
    Ok(out)
}

/// The rule traces of the pico's last transaction (the one that wrote its last log line),
/// indented under the step.
fn last_why(engine: &Engine, pico: &str) -> String {
    let last_txn = engine
        .logs(pico)
        .iter()
        .rev()
        .find_map(|entry| entry.txn_id.clone());
    let Some(txn) = last_txn.and_then(|txn| engine.why(pico, &txn)) else {
        return "  (no rule trace)\n".to_string();
    };
    let mut out = String::new();
    for line in krl_runtime::engine::why::render(&txn).lines() {
        let _ = writeln!(out, "  {line}");
    }
    out
}

fn suffix(json: &Option<String>) -> String {
    json.as_ref().map(|json| format!(" {json}")).unwrap_or_default()
}

/// `NAME` and, when not empty, the options as JSON.
fn show_directive(directive: &Value) -> String {
    let map = directive.as_map();
    let name = map
        .and_then(|m| m.get("name"))
        .map(|n| n.to_krl_string().into_owned())
        .unwrap_or_default();
    match map.and_then(|m| m.get("options")) {
        Some(options) if options.as_map().is_none_or(|o| !o.is_empty()) => {
            format!("{name} {}", encode(options))
        }
        _ => name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_and_rulesets_are_read_from_the_case() {
        let source = "//> mode = \"run\"\nruleset a.b {\n}\nruleset c {\n}\n//- event t go {\"n\": 1}\n//- query a.b/f\n//- ent x\n//- time 60000\n//- logs\n//- why\n";
        let case = parse("x.krl", source).expect("a valid case");
        assert_eq!(case.rulesets[0].0, "file:///run/x/a.b.krl");
        assert_eq!(case.rulesets[0].1.lines().nth(1), Some("ruleset a.b {"));
        assert_eq!(case.rulesets[1].1.lines().nth(1), Some(""));
        assert_eq!(case.rulesets[1].1.lines().nth(3), Some("ruleset c {"));
        assert_eq!(
            case.steps,
            [
                Step::Event {
                    domain: "t".into(),
                    name: "go".into(),
                    attrs: Some("{\"n\": 1}".into())
                },
                Step::Query {
                    rid: Some("a.b".into()),
                    name: "f".into(),
                    args: None
                },
                Step::Ent {
                    rid: None,
                    name: "x".into()
                },
                Step::Time(60000.0),
                Step::Logs,
                Step::Why,
            ]
        );
        assert!(parse("y.krl", "//> mode = \"run\"\nruleset a {}\n//- jump\n").is_err());
    }
}
