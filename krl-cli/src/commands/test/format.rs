//! The test file format (`*.test.toml`, described in `docs/testing.md`): TOML read with
//! spans, then checked into [`TestFile`]s whose steps say what to do and what to expect.
//!
//! Every mistake in a test file is a [`FormatError`] with the byte span to point at, so the
//! user sees `file:line:col` and the line itself, never a panic or a bare serde message.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use krl_diagnostics::suggest::edit_distance;
use serde::Deserialize;
use serde_json::Value as Json;
use toml::Spanned;

use super::clock;

/// The test clock starts here unless a file or test says otherwise: 2024-01-01T00:00:00Z,
/// fixed so that tests are repeatable.
pub const DEFAULT_START: f64 = 1_704_067_200_000.0;

/// One parsed test file.
#[derive(Debug)]
pub struct TestFile {
    pub path: PathBuf,
    pub src: String,
    pub tests: Vec<TestCase>,
}

/// A ruleset to install, with its `configure using` values.
#[derive(Clone, Debug)]
pub struct RulesetUse {
    /// Resolved against the test file's folder.
    pub path: PathBuf,
    pub config: serde_json::Map<String, Json>,
}

#[derive(Debug)]
pub struct TestCase {
    pub name: String,
    pub span: Range<usize>,
    pub rulesets: Vec<RulesetUse>,
    pub start: f64,
    /// Boot the system rulesets on the root pico first, as `krl run` does: `Some` when the
    /// test or its file says so, `None` to decide by the rulesets (see `runner`).
    pub system: Option<bool>,
    pub steps: Vec<Step>,
}

/// Where an event or query goes: a pico by name (its self channel) or a named channel.
#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    Pico(String),
    Channel(String),
}

#[derive(Debug)]
pub enum Action {
    /// Only checks.
    Check,
    Event {
        domain: String,
        name: String,
        attrs: Json,
        target: Target,
    },
    Query {
        rid: Option<String>,
        name: String,
        args: Json,
        target: Target,
    },
    Advance(f64),
    SetTime(f64),
    NewPico {
        name: String,
        parent: String,
        rulesets: Vec<RulesetUse>,
    },
    Install {
        pico: String,
        rulesets: Vec<RulesetUse>,
    },
    NewChannel {
        name: String,
        pico: String,
        tags: Json,
        event_policy: Json,
        query_policy: Json,
    },
}

/// How expected and actual values are compared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Match {
    /// Equal values (numbers compare as numbers: `3` equals `3.0`).
    Exact,
    /// Maps need only the listed keys; a directive list needs the listed directives, in order.
    Subset,
}

#[derive(Debug)]
pub enum Expect {
    Directives(Json, Match),
    /// The step fails with an error whose message contains this text.
    Error(String),
    Result(Json, Match),
    /// `ent` values: `rid/name` or a bare name; `Json::Null` means "not set".
    Ent(String, Json),
    /// Events raised by rules during the step, in order (`attrs` compared as a subset).
    Raised(Json),
    /// Timers scheduled on the step's pico after the step, earliest first.
    Scheduled(Json),
    /// The directives equal the stored snapshot of this name.
    Snapshot(String),
    /// Not a check: the ECI at this JSON pointer of the query result becomes channel `name`
    /// for later steps (`channel = "name"`, `${eci:name}`).
    SaveEci {
        name: String,
        pointer: String,
    },
}

#[derive(Debug)]
pub struct Step {
    /// 1-based position in its test.
    pub number: usize,
    pub span: Range<usize>,
    pub action: Action,
    pub expects: Vec<Expect>,
}

impl Action {
    /// A short description for failure messages: `event sensor:reading`.
    pub fn describe(&self) -> String {
        match self {
            Action::Check => "checks".into(),
            Action::Event { domain, name, .. } => format!("event {domain}:{name}"),
            Action::Query { rid, name, .. } => match rid {
                Some(rid) => format!("query {rid}/{name}"),
                None => format!("query {name}"),
            },
            Action::Advance(ms) => format!("advance {}", clock::describe_duration(*ms)),
            Action::SetTime(ms) => format!("set_time {}", clock::format_iso(*ms)),
            Action::NewPico { name, .. } => format!("new_pico {name}"),
            Action::Install { pico, .. } => format!("install on {pico}"),
            Action::NewChannel { name, .. } => format!("new_channel {name}"),
        }
    }
}

/// A mistake in a test file.
#[derive(Debug)]
pub struct FormatError {
    pub message: String,
    pub span: Option<Range<usize>>,
}

impl FormatError {
    fn at(span: Range<usize>, message: impl Into<String>) -> FormatError {
        FormatError {
            message: message.into(),
            span: Some(span),
        }
    }

    /// `path:line:col: error: message`, then the line with a caret under the spot.
    pub fn render(&self, path: &Path, src: &str) -> String {
        match &self.span {
            None => format!("{}: error: {}\n", path.display(), self.message),
            Some(span) => {
                let (line, col) = line_col(src, span.start);
                let text = src.lines().nth(line - 1).unwrap_or_default();
                let width = src[span.clone()]
                    .lines()
                    .next()
                    .map_or(1, |first| first.chars().count().max(1));
                format!(
                    "{}:{line}:{col}: error: {}\n{:>5} | {text}\n      | {}{}\n",
                    path.display(),
                    self.message,
                    line,
                    " ".repeat(col - 1),
                    "^".repeat(width.min(text.chars().count().saturating_sub(col - 1).max(1))),
                )
            }
        }
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(src: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(src.len());
    let before = &src[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |idx| idx + 1);
    (line, before[line_start..].chars().count() + 1)
}

// ---- the raw TOML shape -------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    rulesets: Vec<Spanned<RawRuleset>>,
    start: Option<Spanned<toml::Value>>,
    system: Option<bool>,
    #[serde(default, rename = "test")]
    tests: Vec<Spanned<RawTest>>,
}

/// A ruleset entry: `"file.krl"` or `{ file = "file.krl", config = { ... } }`.
#[derive(Deserialize)]
#[serde(
    untagged,
    expecting = "a ruleset file name or `{ file = \"...\", config = { ... } }`"
)]
enum RawRuleset {
    Path(String),
    Table {
        file: String,
        #[serde(default)]
        config: toml::Table,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTest {
    name: Spanned<String>,
    rulesets: Option<Vec<Spanned<RawRuleset>>>,
    start: Option<Spanned<toml::Value>>,
    system: Option<bool>,
    #[serde(default, rename = "step")]
    steps: Vec<Spanned<RawStep>>,
}

/// Every key a step may have; which combinations make sense is checked in [`step`].
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStep {
    event: Option<Spanned<String>>,
    attrs: Option<toml::Value>,
    query: Option<Spanned<String>>,
    args: Option<toml::Value>,
    pico: Option<String>,
    channel: Option<String>,
    advance: Option<Spanned<toml::Value>>,
    set_time: Option<Spanned<toml::Value>>,
    new_pico: Option<String>,
    parent: Option<String>,
    install: Option<Vec<Spanned<RawRuleset>>>,
    new_channel: Option<String>,
    tags: Option<toml::Value>,
    event_policy: Option<toml::Value>,
    query_policy: Option<toml::Value>,
    rulesets: Option<Vec<Spanned<RawRuleset>>>,

    directives: Option<toml::Value>,
    directives_include: Option<toml::Value>,
    error: Option<String>,
    result: Option<toml::Value>,
    result_include: Option<toml::Value>,
    result_json: Option<Spanned<String>>,
    ent: Option<toml::Table>,
    ent_unset: Option<Vec<String>>,
    raised: Option<toml::Value>,
    scheduled: Option<toml::Value>,
    snapshot: Option<String>,
    save_eci: Option<Spanned<toml::Table>>,
}

// ---- checking ----------------------------------------------------------------------

/// Parses a test file. `path` locates the rulesets it names.
pub fn parse(path: &Path, src: &str) -> Result<TestFile, FormatError> {
    let raw: RawFile = toml::from_str(src).map_err(|err| FormatError {
        message: friendly(err.message()),
        span: err.span(),
    })?;
    let dir = path.parent().unwrap_or(Path::new("."));
    let file_rulesets = rulesets(dir, &raw.rulesets)?;
    let file_start = match &raw.start {
        Some(start) => time_value(start)?,
        None => DEFAULT_START,
    };
    let mut names = BTreeMap::new();
    let mut tests = Vec::new();
    for raw_test in &raw.tests {
        let test = raw_test.get_ref();
        let name = test.name.get_ref().trim().to_string();
        if name.is_empty() {
            return Err(FormatError::at(test.name.span(), "a test needs a name"));
        }
        if names.insert(name.clone(), ()).is_some() {
            return Err(FormatError::at(
                test.name.span(),
                format!("there is already a test named `{name}` in this file"),
            ));
        }
        let rulesets = match &test.rulesets {
            Some(list) => rulesets(dir, list)?,
            None => file_rulesets.clone(),
        };
        let start = match &test.start {
            Some(start) => time_value(start)?,
            None => file_start,
        };
        let steps = test
            .steps
            .iter()
            .enumerate()
            .map(|(idx, raw_step)| step(dir, idx + 1, raw_step))
            .collect::<Result<Vec<_>, _>>()?;
        if steps.is_empty() {
            return Err(FormatError::at(
                raw_test.span(),
                format!("test `{name}` has no `[[test.step]]`"),
            ));
        }
        tests.push(TestCase {
            name,
            span: raw_test.span(),
            rulesets,
            start,
            system: test.system.or(raw.system),
            steps,
        });
    }
    Ok(TestFile {
        path: path.to_path_buf(),
        src: src.to_string(),
        tests,
    })
}

/// serde's "unknown field `atrs`, expected one of ..." as a short message with a suggestion.
fn friendly(message: &str) -> String {
    let message = message.trim().replace('\n', "; ");
    let Some(rest) = message.strip_prefix("unknown field `") else {
        return message;
    };
    let Some((unknown, rest)) = rest.split_once('`') else {
        return message;
    };
    let known: Vec<&str> = rest.split('`').skip(1).step_by(2).collect();
    let closest = known
        .iter()
        .map(|k| (edit_distance(unknown, k), *k))
        .filter(|(distance, _)| *distance <= 2)
        .min();
    match closest {
        Some((_, suggestion)) => format!("unknown key `{unknown}`; did you mean `{suggestion}`?"),
        None => format!("unknown key `{unknown}`; known keys here: {}", known.join(", ")),
    }
}

fn rulesets(dir: &Path, raw: &[Spanned<RawRuleset>]) -> Result<Vec<RulesetUse>, FormatError> {
    raw.iter()
        .map(|entry| {
            let (file, config) = match entry.get_ref() {
                RawRuleset::Path(file) => (file, serde_json::Map::new()),
                RawRuleset::Table { file, config } => (file, table_to_json(config)),
            };
            let path = dir.join(file);
            if !path.is_file() {
                return Err(FormatError::at(
                    entry.span(),
                    format!("no ruleset file `{}`", path.display()),
                ));
            }
            Ok(RulesetUse { path, config })
        })
        .collect()
}

/// A point in time: a TOML datetime, an ISO-8601 string, or epoch milliseconds.
fn time_value(value: &Spanned<toml::Value>) -> Result<f64, FormatError> {
    let parsed = match value.get_ref() {
        toml::Value::Integer(ms) => Some(*ms as f64),
        toml::Value::Float(ms) => Some(*ms),
        toml::Value::Datetime(datetime) => clock::parse_iso(&datetime.to_string()),
        toml::Value::String(text) => clock::parse_iso(text),
        _ => None,
    };
    parsed.ok_or_else(|| {
        FormatError::at(
            value.span(),
            "expected a time: a date like 2024-01-01T00:00:00Z or epoch milliseconds",
        )
    })
}

fn step(dir: &Path, number: usize, raw_step: &Spanned<RawStep>) -> Result<Step, FormatError> {
    let span = raw_step.span();
    let raw = raw_step.get_ref();
    let err = |message: String| FormatError::at(span.clone(), message);
    let action = step_action(dir, raw, &span)?;
    let expects = step_expects(raw, &action, &span)?;
    let is_event = matches!(action, Action::Event { .. });
    let is_query = matches!(action, Action::Query { .. });
    if raw.attrs.is_some() && !is_event {
        return Err(err("`attrs` goes with `event`".into()));
    }
    if raw.args.is_some() && !is_query {
        return Err(err("`args` goes with `query`".into()));
    }
    if raw.parent.is_some() && !matches!(action, Action::NewPico { .. }) {
        return Err(err("`parent` goes with `new_pico`".into()));
    }
    let channel_keys = raw.tags.is_some() || raw.event_policy.is_some() || raw.query_policy.is_some();
    if channel_keys && !matches!(action, Action::NewChannel { .. }) {
        return Err(err("`tags` and policies go with `new_channel`".into()));
    }
    if matches!(action, Action::Check) && expects.is_empty() {
        return Err(err("this step neither does nor checks anything".into()));
    }
    Ok(Step {
        number,
        span,
        action,
        expects,
    })
}

/// What a step does: at most one of its action keys, `Check` when it has none.
fn step_action(dir: &Path, raw: &RawStep, span: &Range<usize>) -> Result<Action, FormatError> {
    let err = |message: String| FormatError::at(span.clone(), message);
    let target = match (&raw.pico, &raw.channel) {
        (Some(_), Some(_)) => return Err(err("give `pico` or `channel`, not both".into())),
        (_, Some(channel)) => Target::Channel(channel.clone()),
        (Some(pico), None) => Target::Pico(pico.clone()),
        (None, None) => Target::Pico("main".into()),
    };
    let pico_only = || match &target {
        Target::Pico(pico) => Ok(pico.clone()),
        Target::Channel(_) => Err(err("`channel` only goes with `event` and `query`".into())),
    };
    let mut actions = Vec::new();
    if let Some(event) = &raw.event {
        let Some((domain, name)) = event.get_ref().split_once(':') else {
            return Err(FormatError::at(
                event.span(),
                "an event is written `domain:type`, e.g. `sensor:reading`",
            ));
        };
        actions.push(Action::Event {
            domain: domain.trim().to_string(),
            name: name.trim().to_string(),
            attrs: raw
                .attrs
                .as_ref()
                .map_or(Json::Object(Default::default()), to_json),
            target: target.clone(),
        });
    }
    if let Some(query) = &raw.query {
        let (rid, name) = match query.get_ref().rsplit_once('/') {
            Some((rid, name)) => (Some(rid.trim().to_string()), name.trim().to_string()),
            None => (None, query.get_ref().trim().to_string()),
        };
        actions.push(Action::Query {
            rid,
            name,
            args: raw
                .args
                .as_ref()
                .map_or(Json::Object(Default::default()), to_json),
            target: target.clone(),
        });
    }
    if let Some(advance) = &raw.advance {
        let ms = match advance.get_ref() {
            toml::Value::Integer(ms) => Some(*ms as f64),
            toml::Value::String(text) => clock::parse_duration(text),
            _ => None,
        }
        .ok_or_else(|| {
            FormatError::at(
                advance.span(),
                "expected a duration such as \"90s\", \"5 minutes\", \"1h 30m\" or milliseconds",
            )
        })?;
        actions.push(Action::Advance(ms));
    }
    if let Some(time) = &raw.set_time {
        actions.push(Action::SetTime(time_value(time)?));
    }
    if let Some(name) = &raw.new_pico {
        actions.push(Action::NewPico {
            name: name.clone(),
            parent: raw.parent.clone().unwrap_or_else(|| "main".into()),
            rulesets: rulesets(dir, raw.rulesets.as_deref().unwrap_or_default())?,
        });
    } else if raw.rulesets.is_some() {
        return Err(err(
            "`rulesets` in a step goes with `new_pico`; use `install` to add rulesets".into(),
        ));
    }
    if let Some(install) = &raw.install {
        actions.push(Action::Install {
            pico: pico_only()?,
            rulesets: rulesets(dir, install)?,
        });
    }
    if let Some(name) = &raw.new_channel {
        actions.push(Action::NewChannel {
            name: name.clone(),
            pico: pico_only()?,
            tags: raw.tags.as_ref().map_or(Json::Null, to_json),
            event_policy: raw.event_policy.as_ref().map_or(Json::Null, to_json),
            query_policy: raw.query_policy.as_ref().map_or(Json::Null, to_json),
        });
    }
    if actions.len() > 1 {
        return Err(err(
            "a step does one thing: `event`, `query`, `advance`, `set_time`, `new_pico`, `install` or `new_channel`"
                .into(),
        ));
    }
    Ok(actions.pop().unwrap_or(Action::Check))
}

/// What a step checks, each check allowed only on the kind of step it can check.
fn step_expects(raw: &RawStep, action: &Action, span: &Range<usize>) -> Result<Vec<Expect>, FormatError> {
    let err = |message: String| FormatError::at(span.clone(), message);
    let is_event = matches!(action, Action::Event { .. });
    let is_query = matches!(action, Action::Query { .. });
    let mut expects = Vec::new();
    let needs_event = |key: &str| {
        if is_event {
            Ok(())
        } else {
            Err(err(format!("`{key}` checks the directives of an `event` step")))
        }
    };
    if let Some(value) = &raw.directives {
        needs_event("directives")?;
        expects.push(Expect::Directives(
            directive_list(value, Match::Exact),
            Match::Exact,
        ));
    }
    if let Some(value) = &raw.directives_include {
        needs_event("directives_include")?;
        expects.push(Expect::Directives(
            directive_list(value, Match::Subset),
            Match::Subset,
        ));
    }
    if let Some(name) = &raw.snapshot {
        needs_event("snapshot")?;
        expects.push(Expect::Snapshot(name.clone()));
    }
    if let Some(text) = &raw.error {
        let installs = matches!(action, Action::Install { .. } | Action::NewPico { .. });
        if !is_event && !is_query && !installs {
            return Err(err(
                "`error` checks an `event`, `query`, `install` or `new_pico` step".into(),
            ));
        }
        expects.push(Expect::Error(text.clone()));
    }
    let results = [&raw.result, &raw.result_include]
        .iter()
        .filter(|r| r.is_some())
        .count()
        + usize::from(raw.result_json.is_some());
    if results > 0 && !is_query {
        return Err(err("`result` checks a `query` step".into()));
    }
    if results > 1 {
        return Err(err(
            "give one of `result`, `result_include` and `result_json`".into()
        ));
    }
    if let Some(value) = &raw.result {
        expects.push(Expect::Result(to_json(value), Match::Exact));
    }
    if let Some(value) = &raw.result_include {
        expects.push(Expect::Result(to_json(value), Match::Subset));
    }
    if let Some(text) = &raw.result_json {
        let value = serde_json::from_str(text.get_ref())
            .map_err(|e| FormatError::at(text.span(), format!("`result_json` is not JSON: {e}")))?;
        expects.push(Expect::Result(value, Match::Exact));
    }
    for (name, value) in raw.ent.iter().flatten() {
        expects.push(Expect::Ent(name.clone(), to_json(value)));
    }
    for name in raw.ent_unset.iter().flatten() {
        expects.push(Expect::Ent(name.clone(), Json::Null));
    }
    if let Some(value) = &raw.raised {
        expects.push(Expect::Raised(event_list(value, "event")));
    }
    if let Some(value) = &raw.scheduled {
        expects.push(Expect::Scheduled(event_list(value, "event")));
    }
    if let Some(table) = &raw.save_eci {
        if !is_query {
            return Err(FormatError::at(
                table.span(),
                "`save_eci` names ECIs found in a `query` step's result",
            ));
        }
        save_ecis(table, &mut expects)?;
    }
    Ok(expects)
}

/// `save_eci = { name = "/json/pointer" }`: each entry a JSON pointer into the result.
fn save_ecis(table: &Spanned<toml::Table>, expects: &mut Vec<Expect>) -> Result<(), FormatError> {
    for (name, pointer) in table.get_ref() {
        match pointer.as_str() {
            Some(pointer) if pointer.is_empty() || pointer.starts_with('/') => {
                expects.push(Expect::SaveEci {
                    name: name.clone(),
                    pointer: pointer.to_string(),
                });
            }
            _ => {
                return Err(FormatError::at(
                    table.span(),
                    format!(
                        "`save_eci.{name}` is a JSON pointer into the result, such as \"/0/eci\" or \"\" for the whole result"
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// Directives as written: a name alone stands for `{ name = "...", options = {} }` (or just
/// the name when matching a subset).
fn directive_list(value: &toml::Value, mode: Match) -> Json {
    let items = match value {
        toml::Value::Array(items) => items.clone(),
        other => vec![other.clone()],
    };
    Json::Array(
        items
            .iter()
            .map(|item| match item {
                toml::Value::String(name) => {
                    let mut map = serde_json::Map::new();
                    map.insert("name".into(), Json::String(name.clone()));
                    if mode == Match::Exact {
                        map.insert("options".into(), Json::Object(Default::default()));
                    }
                    Json::Object(map)
                }
                toml::Value::Table(_) => {
                    let mut json = to_json(item);
                    if mode == Match::Exact
                        && let Json::Object(map) = &mut json
                    {
                        map.entry("options")
                            .or_insert_with(|| Json::Object(Default::default()));
                    }
                    json
                }
                other => to_json(other),
            })
            .collect(),
    )
}

/// A list of events: `"domain:type"` stands for `{ event = "domain:type" }`.
fn event_list(value: &toml::Value, key: &str) -> Json {
    let items = match value {
        toml::Value::Array(items) => items.clone(),
        other => vec![other.clone()],
    };
    Json::Array(
        items
            .iter()
            .map(|item| match item {
                toml::Value::String(event) => {
                    let mut map = serde_json::Map::new();
                    map.insert(key.into(), Json::String(event.clone()));
                    Json::Object(map)
                }
                other => to_json(other),
            })
            .collect(),
    )
}

/// A TOML value as JSON; TOML dates become ISO strings, as KRL code sees times.
pub fn to_json(value: &toml::Value) -> Json {
    match value {
        toml::Value::String(text) => Json::String(text.clone()),
        toml::Value::Integer(n) => Json::from(*n),
        toml::Value::Float(n) => serde_json::Number::from_f64(*n).map_or(Json::Null, Json::Number),
        toml::Value::Boolean(b) => Json::Bool(*b),
        toml::Value::Datetime(datetime) => Json::String(datetime.to_string()),
        toml::Value::Array(items) => Json::Array(items.iter().map(to_json).collect()),
        toml::Value::Table(table) => Json::Object(table_to_json(table)),
    }
}

fn table_to_json(table: &toml::Table) -> serde_json::Map<String, Json> {
    table
        .iter()
        .map(|(key, value)| (key.clone(), to_json(value)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_text(src: &str) -> Result<TestFile, FormatError> {
        parse(Path::new("t.test.toml"), src)
    }

    fn error_of(src: &str) -> String {
        let err = parse_text(src).expect_err("a broken file");
        err.render(Path::new("t.test.toml"), src)
    }

    #[test]
    fn steps_become_actions_and_expectations() {
        let file = parse_text(
            "[[test]]\nname = \"t\"\n\n[[test.step]]\nevent = \"a:b\"\nattrs = { x = 1 }\ndirectives = [\"d\"]\nraised = [\"c:d\"]\n\n[[test.step]]\nadvance = \"1m\"\nent = { n = 2 }\n",
        )
        .expect("parses");
        let steps = &file.tests[0].steps;
        assert!(
            matches!(&steps[0].action, Action::Event { domain, name, .. } if domain == "a" && name == "b")
        );
        assert_eq!(steps[0].expects.len(), 2);
        assert!(matches!(steps[1].action, Action::Advance(ms) if ms == 60_000.0));
        assert_eq!(file.tests[0].start, DEFAULT_START);
    }

    #[test]
    fn system_is_set_by_the_file_and_overridden_by_a_test() {
        let file = parse_text(
            "system = true\n\n[[test]]\nname = \"a\"\n[[test.step]]\nevent = \"a:b\"\n\n[[test]]\nname = \"b\"\nsystem = false\n[[test.step]]\nevent = \"a:b\"\n",
        )
        .expect("parses");
        assert_eq!(file.tests[0].system, Some(true));
        assert_eq!(file.tests[1].system, Some(false));
        let file = parse_text("[[test]]\nname = \"a\"\n[[test.step]]\nevent = \"a:b\"\n").expect("parses");
        assert_eq!(file.tests[0].system, None, "unset: decided by the rulesets");
    }

    #[test]
    fn save_eci_takes_json_pointers_on_query_steps_only() {
        let file = parse_text(
            "[[test]]\nname = \"t\"\n[[test.step]]\nquery = \"q\"\nsave_eci = { c = \"/0/eci\", whole = \"\" }\n",
        )
        .expect("parses");
        let saved: Vec<(&str, &str)> = file.tests[0].steps[0]
            .expects
            .iter()
            .filter_map(|e| match e {
                Expect::SaveEci { name, pointer } => Some((name.as_str(), pointer.as_str())),
                _ => None,
            })
            .collect();
        assert_eq!(saved, [("c", "/0/eci"), ("whole", "")]);
        let text =
            error_of("[[test]]\nname = \"t\"\n[[test.step]]\nquery = \"q\"\nsave_eci = { c = \"0.eci\" }\n");
        assert!(text.contains("`save_eci.c` is a JSON pointer"), "{text}");
        let text =
            error_of("[[test]]\nname = \"t\"\n[[test.step]]\nevent = \"a:b\"\nsave_eci = { c = \"/id\" }\n");
        assert!(
            text.contains("t.test.toml:5:12: error: `save_eci` names ECIs found in a `query` step's result"),
            "{text}"
        );
    }

    #[test]
    fn a_misspelt_key_gets_a_suggestion_at_its_line() {
        let text = error_of("[[test]]\nname = \"t\"\n\n[[test.step]]\nevent = \"a:b\"\ndirectivs = []\n");
        assert!(
            text.starts_with("t.test.toml:6:1: error: unknown key `directivs`; did you mean `directives`?"),
            "{text}"
        );
    }

    #[test]
    fn checks_must_fit_the_step() {
        let text = error_of("[[test]]\nname = \"t\"\n\n[[test.step]]\nquery = \"q\"\ndirectives = []\n");
        assert!(
            text.contains("`directives` checks the directives of an `event` step"),
            "{text}"
        );
        let text = error_of("[[test]]\nname = \"t\"\n\n[[test.step]]\nadvance = \"soon\"\n");
        assert!(text.contains("5:11: error: expected a duration"), "{text}");
    }

    #[test]
    fn tests_need_unique_names_and_steps() {
        let text = error_of(
            "[[test]]\nname = \"t\"\n[[test.step]]\nadvance = 1\n[[test]]\nname = \"t\"\n[[test.step]]\nadvance = 1\n",
        );
        assert!(text.contains("already a test named `t`"), "{text}");
        let text = error_of("[[test]]\nname = \"t\"\n");
        assert!(text.contains("test `t` has no `[[test.step]]`"), "{text}");
    }
}
