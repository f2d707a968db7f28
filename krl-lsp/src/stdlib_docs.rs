//! Documentation for hover and completion: stdlib operators from `docs/stdlib.md` (one table
//! row per operator), built-in module members (language.md §6.10) and meta keys.

use std::collections::HashMap;
use std::sync::OnceLock;

use krl_check::stdlib_names::{self, OpKind};

const STDLIB_MD: &str = include_str!("../../docs/stdlib.md");

/// One operator's row of `docs/stdlib.md`.
#[derive(Clone, Debug)]
pub struct OpDoc {
    pub name: String,
    pub params: String,
    pub summary: String,
    pub example: String,
}

fn table() -> &'static HashMap<String, OpDoc> {
    static TABLE: OnceLock<HashMap<String, OpDoc>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut out = HashMap::new();
        for line in STDLIB_MD.lines() {
            let Some(row) = line.strip_prefix("| `") else {
                continue;
            };
            // Cells are separated by " | "; the example (last cell) may itself hold a `|`.
            let mut cells = row.trim_end_matches(" |").splitn(4, " | ");
            let (Some(name), Some(params), Some(summary)) = (cells.next(), cells.next(), cells.next()) else {
                continue;
            };
            let name = name.trim_end_matches('`').to_string();
            let doc = OpDoc {
                name: name.clone(),
                params: params.trim().to_string(),
                summary: summary.trim().to_string(),
                example: cells.next().unwrap_or_default().trim().to_string(),
            };
            out.insert(name, doc);
        }
        out
    })
}

pub fn op_doc(name: &str) -> Option<&'static OpDoc> {
    table().get(name)
}

/// The signature line of a stdlib operator, e.g. `length(val)`.
pub fn op_signature(name: &str) -> Option<String> {
    let op = stdlib_names::lookup(name)?;
    Some(format!("{}({})", op.name, op.params.join(", ")))
}

/// Markdown for hovering over or completing a stdlib operator.
pub fn op_markdown(name: &str) -> Option<String> {
    let op = stdlib_names::lookup(name)?;
    let kind = match op.kind {
        OpKind::Function => "standard library operator",
        OpKind::Action => "standard library action",
        OpKind::ActionFunction => "standard library action and function",
    };
    let mut out = format!("```krl\n{}\n```\n{kind}", op_signature(name).unwrap_or_default());
    if let Some(doc) = op_doc(name) {
        out.push_str(&format!("\n\n{}", doc.summary));
        if !doc.example.is_empty() {
            out.push_str(&format!("\n\nExample: {}", doc.example));
        }
    }
    Some(out)
}

/// What a built-in module member is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MemberKind {
    Property,
    Function,
    Action,
}

/// Members of the built-in modules that completion offers after `module:` (language.md §6.10).
pub fn module_members(module: &str) -> &'static [(&'static str, MemberKind, &'static str)] {
    use MemberKind::{Action, Function, Property};
    match module {
        "event" => &[
            (
                "attrs",
                Property,
                "the attributes of the event being processed (a Map)",
            ),
            ("domain", Property, "the event's domain"),
            ("name", Property, "the event's type"),
            ("eci", Property, "the channel the event came in on"),
            ("eid", Property, "the event id"),
            ("time", Property, "when the event was received"),
            (
                "attr",
                Function,
                "deprecated: `event:attr(name)`; write `event:attrs{name}`",
            ),
            (
                "send",
                Action,
                "`event:send(options, host)`: sends an event to another pico",
            ),
        ],
        "ctx" => &[
            ("picoId", Property, "the id of the current pico"),
            ("rid", Property, "the id of the current ruleset"),
            (
                "rid_url",
                Property,
                "where the current ruleset was installed from",
            ),
            (
                "rid_config",
                Property,
                "the configuration the ruleset was installed with",
            ),
            ("rid_version", Property, "the ruleset's version"),
            ("rid_name", Property, "`meta name` of the ruleset"),
            ("rid_description", Property, "`meta description` of the ruleset"),
            ("rid_author", Property, "`meta author` of the ruleset"),
            ("parent", Property, "the parent pico's eci"),
            ("children", Property, "the child picos' ecis"),
            ("channels", Property, "the pico's channels"),
            ("rulesets", Property, "the rulesets installed in the pico"),
            ("newPico", Action, "creates a child pico"),
            ("delPico", Action, "deletes a child pico"),
            ("newChannel", Action, "creates a channel"),
            ("putChannel", Action, "changes a channel"),
            ("upsertChannel", Action, "creates or changes a channel"),
            ("delChannel", Action, "deletes a channel"),
            ("install", Action, "installs a ruleset"),
            ("uninstall", Action, "uninstalls a ruleset"),
            ("flush", Action, "reloads a ruleset from its url"),
            ("event", Action, "sends an event to a pico"),
            ("eventQuery", Action, "sends an event and then queries"),
            ("query", Function, "queries a pico"),
            ("logs", Function, "the pico's logs"),
        ],
        "meta" => &[
            ("eci", Property, "the channel of the current event or query"),
            ("host", Property, "the engine's base url"),
            ("inEvent", Property, "true while handling an event"),
            ("inQuery", Property, "true while answering a query"),
            ("picoId", Property, "the current pico's id"),
            ("rid", Property, "the current ruleset's id"),
            ("ruleName", Property, "the name of the running rule"),
            ("rid_url", Property, "where the ruleset was installed from"),
            ("rulesetURI", Property, "where the ruleset was installed from"),
            ("txnId", Property, "the transaction id"),
            ("rulesetConfig", Property, "the ruleset's configuration"),
        ],
        "time" => &[
            ("now", Function, "the current time as an ISO 8601 string"),
            ("new", Function, "parses a date into ISO 8601"),
            ("add", Function, "adds a duration to a time"),
            ("strftime", Function, "formats a time"),
        ],
        "math" => &[
            ("abs", Function, "absolute value"),
            ("ceiling", Function, "rounds up"),
            ("floor", Function, "rounds down"),
            ("int", Function, "integer part"),
            ("round", Function, "rounds to the nearest"),
            ("hash", Function, "hashes a string"),
            ("hmac", Function, "an HMAC of a string"),
            ("hashFunctions", Function, "the supported hash functions"),
            ("hashAlgorithms", Property, "the supported hash algorithms"),
        ],
        "random" => &[
            ("uuid", Function, "a random uuid"),
            ("word", Function, "a random word"),
            ("integer", Function, "a random integer"),
            ("number", Function, "a random number"),
        ],
        "schedule" => &[
            ("list", Function, "the scheduled events"),
            ("get", Function, "one scheduled event"),
            ("remove", Action, "removes a scheduled event"),
            ("clear", Action, "removes every scheduled event"),
        ],
        "http" => &[
            ("get", Function, "HTTP GET (also an action)"),
            ("head", Function, "HTTP HEAD (also an action)"),
            ("post", Action, "HTTP POST"),
            ("put", Action, "HTTP PUT"),
            ("patch", Action, "HTTP PATCH"),
            ("delete", Action, "HTTP DELETE"),
        ],
        _ => &[],
    }
}

/// Kept in krl-check, whose arity checks use it too.
pub use krl_check::stdlib_names::module_params;

/// The built-in module names (`ent` is the persistent-variable domain, not a module).
pub const MODULES: &[&str] = &[
    "event", "ctx", "meta", "time", "math", "random", "schedule", "http", "stdlib",
];

/// Keys allowed in a `meta` block, with a short description.
pub const META_KEYS: &[(&str, &str)] = &[
    ("name", "the ruleset's name"),
    ("description", "what the ruleset does"),
    ("author", "who wrote it"),
    ("version", "the ruleset's version"),
    (
        "use module",
        "`use module rid alias name with ...`: uses another ruleset's provided names",
    ),
    (
        "configure using",
        "`configure using x = 1`: defaults that `use module ... with` may override",
    ),
    ("provides", "names other rulesets may use as a module"),
    ("shares", "names that can be queried over the API"),
    ("logging", "deprecated: logging is always on"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_stdlib_name_has_a_row() {
        for op in stdlib_names::STDLIB {
            assert!(
                op_doc(op.name).is_some(),
                "docs/stdlib.md has no row for {}",
                op.name
            );
        }
        let doc = op_doc("length").expect("length is documented");
        assert!(doc.example.contains("length"), "{doc:?}");
    }
}
