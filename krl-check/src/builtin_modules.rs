//! The built-in modules (`event`, `ctx`, `meta`, `time`, `math`, `random`, `schedule`,
//! `http`): their members with a kind and a one-line description, and the parameters of
//! their functions and actions. The language server completes and documents from these
//! tables; `resolve` reports `math:nope` from them.

/// Modules whose member list is closed: the runtime answers exactly these names (runtime
/// `engine/modules/`), so any other `module:name` fails when it runs. `event`, `ctx` and
/// `meta` also answer legacy and engine-specific names, so they are not checked.
pub const CHECKED_MODULES: &[&str] = &["time", "math", "random", "schedule", "http"];

/// Whether `module:member` names a member of a checked built-in module; `None` when the
/// module is not one whose members are checked.
pub fn has_member(module: &str, member: &str) -> Option<bool> {
    CHECKED_MODULES
        .contains(&module)
        .then(|| module_members(module).iter().any(|(name, _, _)| *name == member))
}

/// What a built-in module member is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MemberKind {
    Property,
    Function,
    Action,
}

/// Members of the built-in modules (language.md §6.10): what completion offers after `module:`
/// and, for the [`CHECKED_MODULES`], everything the runtime answers.
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
            (
                "hashFunctions",
                Function,
                "deprecated: the supported hash functions",
            ),
            ("base64encode", Function, "encodes a string as base64"),
            ("base64decode", Function, "decodes a base64 string"),
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

/// The parameters of a built-in module function or action, in the reference's order (named
/// arguments bind to these names; engine.md §7). `None` for properties and unknown members.
pub fn module_params(module: &str, member: &str) -> Option<&'static [&'static str]> {
    const HTTP: &[&str] = &[
        "url",
        "qs",
        "headers",
        "body",
        "auth",
        "json",
        "form",
        "parseJSON",
        "autoraise",
        "autosend",
        "dontFollowRedirect",
    ];
    let params: &[&str] = match (module, member) {
        ("ctx", "newPico") => &["rulesets"],
        ("ctx", "delPico" | "delChannel") => &["eci"],
        ("ctx", "newChannel" | "upsertChannel") => &["tags", "eventPolicy", "queryPolicy"],
        ("ctx", "putChannel") => &["eci", "tags", "eventPolicy", "queryPolicy"],
        ("ctx", "install") => &["url", "config"],
        ("ctx", "uninstall") => &["rid"],
        ("ctx", "flush") => &["url"],
        ("ctx", "event") => &["eci", "domain", "name", "attrs", "host"],
        ("ctx", "eventQuery") => &["eci", "domain", "name", "attrs", "rid", "queryName", "args"],
        ("ctx", "query") => &["eci", "rid", "name", "args"],
        ("ctx" | "schedule", "logs" | "list" | "clear") => &[],
        ("event", "attr") => &["name"],
        ("event", "send") => &["options", "host"],
        ("schedule", "get" | "remove") => &["id"],
        ("time", "now") => &["opts"],
        ("time", "new") => &["date"],
        ("time", "add") => &["date", "spec"],
        ("time", "strftime") => &["date", "fmt"],
        ("math", "abs" | "int") => &["n"],
        ("math", "ceiling" | "floor" | "round") => &["n", "precision"],
        ("math", "hash") => &["algorithm", "str", "encoding"],
        ("math", "hmac") => &["algorithm", "key", "message", "encoding"],
        ("math", "base64encode" | "base64decode") => &["str", "encoding"],
        ("math", "hashFunctions") | ("random", "uuid" | "word") => &[],
        ("random", "integer" | "number") => &["upper", "lower"],
        ("http", "get" | "head" | "post" | "put" | "patch" | "delete") => HTTP,
        _ => return None,
    };
    Some(params)
}

/// The built-in module names (`ent` is the persistent-variable domain, not a module).
pub const MODULES: &[&str] = &[
    "event", "ctx", "meta", "time", "math", "random", "schedule", "http", "stdlib",
];
