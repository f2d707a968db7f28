//! A mutation fuzzer that runs on the stable toolchain (no libFuzzer, no nightly): each input
//! is a seed file mutated a few times (byte edits, KRL tokens inserted, chunks deleted,
//! repeated or spliced in from another seed), and each target checks its invariants on it.
//!
//! Input `n` of a run is made from its own random generator, seeded with `(seed, n)`, so a
//! failure is reproduced by its seed and index alone (`--seed S --only N`), however long
//! the run that found it. Targets:
//!
//! - `parse`: `parse_ruleset` does not panic, and the span invariants of [`crate::spans`] hold;
//! - `check`: parsing and `krl_check::check` do not panic;
//! - `fmt`: formatting does not panic; when it succeeds, formatting the output again
//!   changes nothing and the output parses to the same tree (spans aside);
//! - `compile`: lowering a ruleset that parses (`krl_jit::ruleset::dump`) does not panic,
//!   and the IR verifier finds nothing wrong with what it produced; its seeds also hold
//!   rulesets made of generated programs ([`crate::gen_program`]);
//! - `params`: the HTTP API's parameter parsing (`krl_runtime::http::params`: query strings,
//!   forms, JSON bodies) does not panic.
//!
//! A panic is caught and reported with the input; a stack overflow aborts the process, so
//! the driver (`cargo run --release -p testsuite --example fuzz`) prints the seed and
//! index of each input before running it when asked to (`--trace`).

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use krl_diagnostics::FileId;
use krl_syntax::fmt::{FormatOptions, format_source};
use serde_json::Value as Json;

/// What a target checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    Parse,
    Check,
    Fmt,
    Compile,
    Params,
}

impl Target {
    pub const ALL: [Target; 5] = [
        Target::Parse,
        Target::Check,
        Target::Fmt,
        Target::Compile,
        Target::Params,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Target::Parse => "parse",
            Target::Check => "check",
            Target::Fmt => "fmt",
            Target::Compile => "compile",
            Target::Params => "params",
        }
    }

    pub fn from_name(name: &str) -> Option<Target> {
        Target::ALL.into_iter().find(|target| target.name() == name)
    }

    /// Every broken invariant for `input`, described for a person.
    pub fn problems(self, input: &str) -> Vec<String> {
        match self {
            Target::Parse => crate::spans::check_source(input),
            Target::Check => {
                let parse = krl_syntax::parse_ruleset(FileId(0), input);
                krl_check::check(FileId(0), &parse);
                Vec::new()
            }
            Target::Fmt => fmt_problems(input),
            Target::Compile => match krl_jit::ruleset::dump(FileId(0), input) {
                Ok(dump) => dump
                    .problems
                    .iter()
                    .map(|problem| format!("invalid IR: {problem}"))
                    .collect(),
                Err(_) => Vec::new(),
            },
            Target::Params => {
                use krl_runtime::http::params;
                params::parse_query_extended(input);
                params::parse_form(input);
                let _ = params::parse_json_body(input.as_bytes());
                Vec::new()
            }
        }
    }

    /// The seed inputs: our own rulesets for the KRL targets, parameter texts for `params`.
    pub fn seeds(self, workspace: &Path) -> Vec<String> {
        match self {
            Target::Params => PARAM_SEEDS.iter().map(|s| s.to_string()).collect(),
            Target::Compile => {
                let mut seeds: Vec<String> = krl_files(workspace)
                    .iter()
                    .filter_map(|path| std::fs::read_to_string(path).ok())
                    .collect();
                seeds.extend((0..GENERATED_SEEDS).map(generated_ruleset));
                seeds
            }
            _ => krl_files(workspace)
                .iter()
                .filter_map(|path| std::fs::read_to_string(path).ok())
                .collect(),
        }
    }
}

/// How many rulesets of generated programs the `compile` target adds to its seeds.
const GENERATED_SEEDS: u64 = 64;

/// A ruleset whose global block holds generated program `index` (seed 1).
fn generated_ruleset(index: u64) -> String {
    let program = crate::gen_program::case(1, index);
    let decls = program.decls().join("\n    ");
    format!(
        "ruleset gen.p{index} {{\n  meta {{ shares result }}\n  global {{\n    {decls}\n    result = function() {{ {} }}\n  }}\n}}\n",
        program.expr_text()
    )
}

fn fmt_problems(input: &str) -> Vec<String> {
    let options = FormatOptions::default();
    let Ok(formatted) = format_source(FileId(0), input, &options) else {
        return Vec::new();
    };
    let mut problems = Vec::new();
    match format_source(FileId(0), &formatted, &options) {
        Ok(again) if again == formatted => {}
        Ok(_) => problems.push("formatting the output again changes it".to_string()),
        Err(err) => problems.push(format!("the output does not format again: {err}")),
    }
    if shape(input) != shape(&formatted) {
        problems.push("the output parses to a different tree".to_string());
    }
    problems
}

/// The tree as JSON with every span removed.
fn shape(src: &str) -> Json {
    let parse = krl_syntax::parse_ruleset(FileId(0), src);
    let mut json = serde_json::to_value(&parse.ruleset).unwrap_or(Json::Null);
    strip_spans(&mut json);
    json
}

fn strip_spans(value: &mut Json) {
    match value {
        Json::Object(map) => {
            map.retain(|key, _| !key.ends_with("span"));
            map.values_mut().for_each(strip_spans);
        }
        Json::Array(items) => {
            // `Rule::state` is a `(state, span)` pair.
            items.retain(|item| !matches!(item, Json::Object(map) if map.len() == 2 && map.contains_key("start") && map.contains_key("end")));
            items.iter_mut().for_each(strip_spans);
        }
        _ => {}
    }
}

const PARAM_SEEDS: &[&str] = &[
    "a=1&b=2",
    "a[b]=1&a[c][]=2&a[c][]=3",
    "a[0]=x&a[1]=y&a[]=z",
    "x=%20%zz&y=%E2%82%AC&z",
    "a[b][c][d][e][f]=1&a[b]=2",
    "__proto__[x]=1&constructor[prototype][y]=2",
    "{\"a\": [1, {\"b\": null}], \"c\": \"d\"}",
    "{\"a\": 1e400, \"b\": -0, \"c\": \"\\u0000\\ud800\"}",
    "[1, 2, 3]",
    "a=1;b=2&&c==3",
];

/// Fragments inserted by mutations: KRL tokens and the characters parameter syntax uses.
const FRAGMENTS: &[&str] = &[
    "ruleset",
    "rule",
    "global",
    "meta",
    "select when",
    "pre",
    "fired",
    "always",
    "if",
    "then",
    "else",
    "every",
    "choose",
    "function",
    "defaction",
    "not",
    "or",
    "and",
    "before",
    "within",
    "setting",
    "where",
    "foreach",
    "raise",
    "event",
    "schedule",
    "log",
    "ent:",
    "event:attrs",
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    "<<",
    ">>",
    "#{",
    ":=",
    "=",
    "==",
    "=>",
    "|",
    ",",
    ";",
    ".",
    "+",
    "-",
    "*",
    "/",
    "%",
    "\"",
    "\"s\"",
    "re#a#",
    "1",
    "2.5",
    "//",
    "/*",
    "*/",
    "\n",
    " ",
    "&",
    "=",
    "%",
    "[]",
    "[0]",
    "\\",
    "é",
    "😀",
    "\u{0}",
    "null",
    "true",
];

/// A small deterministic generator (SplitMix64): inputs depend on nothing but their seed.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64, index: u64) -> Rng {
        Rng(seed ^ index.wrapping_mul(0x9E37_79B9_7F4A_7C15))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number below `n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next_u64() % n as u64) as usize
        }
    }
}

/// Input `index` of the run with `seed`: a seed mutated one to eight times.
pub fn input(seeds: &[String], seed: u64, index: u64) -> String {
    let mut rng = Rng::new(seed, index);
    let mut bytes = seeds
        .get(rng.below(seeds.len()))
        .cloned()
        .unwrap_or_default()
        .into_bytes();
    for _ in 0..1 + rng.below(8) {
        mutate(&mut bytes, seeds, &mut rng);
    }
    bytes.truncate(MAX_INPUT);
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Inputs are cut to this size, so one input stays fast.
const MAX_INPUT: usize = 64 * 1024;

fn mutate(bytes: &mut Vec<u8>, seeds: &[String], rng: &mut Rng) {
    let len = bytes.len();
    let at = rng.below(len + 1);
    let span = 1 + rng.below(len.saturating_sub(at).clamp(1, 64));
    let end = (at + span).min(len);
    match rng.below(7) {
        0 => {
            if at < len {
                bytes[at] = (rng.next_u64() & 0xFF) as u8;
            }
        }
        1 => {
            let fragment = FRAGMENTS[rng.below(FRAGMENTS.len())].as_bytes();
            bytes.splice(at..at, fragment.iter().copied());
        }
        2 => {
            bytes.drain(at..end);
        }
        3 => {
            // Repeat a chunk: runs of openers, operators and declarations.
            let chunk = bytes[at..end].to_vec();
            let times = 1 + rng.below(64);
            for _ in 0..times {
                bytes.splice(at..at, chunk.iter().copied());
            }
        }
        4 => {
            // Splice in part of another seed.
            let other = seeds
                .get(rng.below(seeds.len()))
                .map(String::as_bytes)
                .unwrap_or_default();
            let from = rng.below(other.len() + 1);
            let to = (from + rng.below(512)).min(other.len());
            bytes.splice(at..end, other[from..to].iter().copied());
        }
        5 => {
            // Swap two chunks' order by moving one.
            let chunk: Vec<u8> = bytes.drain(at..end).collect();
            let to = rng.below(bytes.len() + 1);
            bytes.splice(to..to, chunk);
        }
        _ => bytes.truncate(at),
    }
}

/// Every `.krl` file of ours: test cases, test rulesets, the examples and the system rulesets.
pub fn krl_files(workspace: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = [
        "testsuite/cases",
        "testsuite/rulesets",
        "examples",
        "runtime/system",
    ]
    .iter()
    .flat_map(|dir| krl_files_below(&workspace.join(dir)))
    .collect();
    files.sort();
    files
}

/// Every `.krl` file below `dir`, sorted.
pub fn krl_files_below(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|ext| ext == "krl") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// An input that broke an invariant or panicked.
#[derive(Debug)]
pub struct Failure {
    pub index: u64,
    pub input: String,
    pub problems: Vec<String>,
}

/// What a run did.
#[derive(Debug, Default)]
pub struct Summary {
    pub executions: u64,
    pub failures: Vec<Failure>,
}

/// How long a run lasts.
#[derive(Clone, Copy, Debug)]
pub enum Budget {
    Inputs(u64),
    Time(Duration),
}

/// Runs `target` on inputs `first..` of the run with `seed` until the budget is spent.
/// `before` sees each index before its input runs (to leave a trace should it abort).
pub fn run(
    target: Target,
    seeds: &[String],
    seed: u64,
    first: u64,
    budget: Budget,
    mut before: impl FnMut(u64),
) -> Summary {
    let started = Instant::now();
    let mut summary = Summary::default();
    let mut index = first;
    loop {
        let spent = match budget {
            Budget::Inputs(n) => summary.executions >= n,
            Budget::Time(limit) => started.elapsed() >= limit,
        };
        if spent {
            return summary;
        }
        before(index);
        let input = input(seeds, seed, index);
        let problems = catch_unwind(AssertUnwindSafe(|| target.problems(&input))).unwrap_or_else(|payload| {
            let message = payload
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "a panic without a message".into());
            vec![format!("panicked: {message}")]
        });
        summary.executions += 1;
        if !problems.is_empty() {
            summary.failures.push(Failure {
                index,
                input,
                problems,
            });
        }
        index += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_input_depends_only_on_its_seed_and_index() {
        let seeds = vec!["ruleset a { rule r { select when a b } }".to_string()];
        assert_eq!(input(&seeds, 7, 42), input(&seeds, 7, 42));
        assert_ne!(input(&seeds, 7, 42), input(&seeds, 8, 42));
        assert!(Target::from_name("fmt") == Some(Target::Fmt));
    }
}
