//! The built-in modules reachable as `domain:name` (language.md §6.10, engine.md §7), with
//! the reference's parameter names: named arguments bind to them, so `math:abs(number = -1)`
//! works and `math:abs(n = -1)` does not.

use crate::{Builtin, Kind, Module, Param, d, p};

/// Every built-in module, in documentation order.
pub const MODULES: &[Module] = &[
    module("event", "the event being processed", false, EVENT),
    module(
        "ctx",
        "the current pico, its channels and rulesets, and other picos",
        false,
        CTX,
    ),
    module("meta", "the running ruleset, rule and transaction", false, META),
    module("time", "dates and times (UTC, ISO 8601)", true, TIME),
    module("math", "rounding, hashes, HMACs and base64", true, MATH),
    module("random", "random values", true, RANDOM),
    module("schedule", "the pico's scheduled events", true, SCHEDULE),
    module("http", "HTTP requests", true, HTTP),
    module(
        "dido",
        "DIDComm v2 between picos: peer DIDs and encrypted messages",
        true,
        DIDO,
    ),
];

const fn module(
    name: &'static str,
    summary: &'static str,
    closed: bool,
    members: &'static [Builtin],
) -> Module {
    Module {
        name,
        summary,
        closed,
        members,
    }
}

const fn member(
    name: &'static str,
    kind: Kind,
    params: &'static [Param],
    required: usize,
    summary: &'static str,
) -> Builtin {
    Builtin {
        name,
        kind,
        params,
        required,
        summary,
        example: None,
    }
}

const fn function(
    name: &'static str,
    params: &'static [Param],
    required: usize,
    summary: &'static str,
) -> Builtin {
    member(name, Kind::Function, params, required, summary)
}

const fn action(
    name: &'static str,
    params: &'static [Param],
    required: usize,
    summary: &'static str,
) -> Builtin {
    member(name, Kind::Action, params, required, summary)
}

const fn property(name: &'static str, summary: &'static str) -> Builtin {
    member(name, Kind::Property, &[], 0, summary)
}

const EVENT: &[Builtin] = &[
    property("attrs", "the attributes of the event being processed (a Map)"),
    property("domain", "the event's domain"),
    property("name", "the event's type"),
    property("eci", "the channel the event came in on"),
    property("eid", "the event id"),
    property("time", "when the event was received"),
    function(
        "attr",
        &[p("name")],
        1,
        "deprecated: `event:attr(name)`; write `event:attrs{name}`",
    ),
    action(
        "send",
        &[p("options"), p("host")],
        1,
        "sends an event to another pico (`options`: eci, domain, type, attrs)",
    ),
];

const CHANNEL: &[Param] = &[p("tags"), p("eventPolicy"), p("queryPolicy")];

const CTX: &[Builtin] = &[
    property("picoId", "the id of the current pico"),
    property("rid", "the id of the current ruleset"),
    property("rid_url", "where the current ruleset was installed from"),
    property("rid_config", "the configuration the ruleset was installed with"),
    property("rid_version", "the ruleset's version"),
    property("rid_name", "`meta name` of the ruleset"),
    property("rid_description", "`meta description` of the ruleset"),
    property("rid_author", "`meta author` of the ruleset"),
    property("parent", "the parent pico's eci"),
    property("children", "the child picos' ecis"),
    property("channels", "the pico's channels"),
    property("rulesets", "the rulesets installed in the pico"),
    action("newPico", &[p("rulesets")], 0, "creates a child pico"),
    action("delPico", &[p("eci")], 1, "deletes a child pico"),
    action("newChannel", CHANNEL, 0, "creates a channel"),
    action(
        "putChannel",
        &[p("eci"), p("tags"), p("eventPolicy"), p("queryPolicy")],
        1,
        "changes a channel",
    ),
    action("upsertChannel", CHANNEL, 0, "creates or changes a channel"),
    action("delChannel", &[p("eci")], 1, "deletes a channel"),
    action("install", &[p("url"), p("config")], 1, "installs a ruleset"),
    action("uninstall", &[p("rid")], 1, "uninstalls a ruleset"),
    action("flush", &[p("url")], 1, "reloads a ruleset from its url"),
    action(
        "event",
        &[p("eci"), p("domain"), p("name"), p("attrs"), p("host")],
        3,
        "sends an event to a pico",
    ),
    action(
        "eventQuery",
        &[
            p("eci"),
            p("domain"),
            p("name"),
            p("attrs"),
            p("rid"),
            p("queryName"),
            p("args"),
        ],
        3,
        "sends an event and then queries",
    ),
    function(
        "query",
        &[p("eci"), p("rid"), p("name"), p("args")],
        3,
        "queries a pico",
    ),
    function("logs", &[], 0, "the pico's logs"),
];

const META: &[Builtin] = &[
    property("eci", "the channel of the current event or query"),
    property("host", "the engine's base url"),
    property("inEvent", "true while handling an event"),
    property("inQuery", "true while answering a query"),
    property("picoId", "the current pico's id"),
    property("rid", "the current ruleset's id"),
    property("ruleName", "the name of the running rule"),
    property("rid_url", "where the ruleset was installed from"),
    property("rulesetURI", "where the ruleset was installed from"),
    property("txnId", "the transaction id"),
    property("rulesetConfig", "the ruleset's configuration"),
];

const TIME: &[Builtin] = &[
    function("now", &[p("opts")], 0, "the current time as an ISO 8601 string"),
    function("new", &[p("date")], 0, "parses a date into ISO 8601"),
    function("add", &[p("date"), p("spec")], 2, "adds a duration to a time"),
    function("strftime", &[p("date"), p("fmt")], 2, "formats a time"),
];

const NUMBER: &[Param] = &[p("number")];
const NUMBER_PRECISION: &[Param] = &[p("number"), d("precision", "0")];
/// Matches pico-engine: both parameters of `base64encode`/`base64decode` are declared as
/// `str`, so only the first can be passed by name.
const BASE64: &[Param] = &[p("str"), d("str", "\"utf8\"")];

const MATH: &[Builtin] = &[
    function("abs", NUMBER, 1, "absolute value"),
    function("ceiling", NUMBER_PRECISION, 1, "rounds up"),
    function("floor", NUMBER_PRECISION, 1, "rounds down"),
    function("int", NUMBER, 1, "integer part"),
    function("round", NUMBER_PRECISION, 1, "rounds to the nearest"),
    function(
        "hash",
        &[p("algorithm"), p("str"), d("encoding", "\"hex\"")],
        2,
        "hashes a string",
    ),
    function(
        "hmac",
        &[p("algorithm"), p("key"), p("message"), d("encoding", "\"hex\"")],
        3,
        "an HMAC of a string",
    ),
    function(
        "hashFunctions",
        &[],
        0,
        "deprecated: the supported hash functions",
    ),
    function("base64encode", BASE64, 1, "encodes a string as base64"),
    function("base64decode", BASE64, 1, "decodes a base64 string"),
    property("hashAlgorithms", "the supported hash algorithms"),
];

const UPPER_LOWER: &[Param] = &[p("upper"), p("lower")];

const RANDOM: &[Builtin] = &[
    function("uuid", &[], 0, "a random uuid"),
    function("word", &[], 0, "a random word"),
    function(
        "integer",
        UPPER_LOWER,
        0,
        "a random integer from `lower` (0) to `upper` (1 when both are missing, else 0)",
    ),
    function(
        "number",
        UPPER_LOWER,
        0,
        "a random number from `lower` (0) to `upper` (1 when both are missing, else 0)",
    ),
];

const SCHEDULE: &[Builtin] = &[
    function("list", &[], 0, "the scheduled events"),
    function("get", &[p("id")], 1, "one scheduled event"),
    action("remove", &[p("id")], 1, "removes a scheduled event"),
    action("clear", &[], 0, "removes every scheduled event"),
];

/// Matches pico-engine: the order is part of the API (positional arguments bind to it).
const HTTP_PARAMS: &[Param] = &[
    p("url"),
    p("qs"),
    p("headers"),
    p("body"),
    p("auth"),
    p("json"),
    p("form"),
    p("parseJSON"),
    p("autoraise"),
    p("autosend"),
    p("dontFollowRedirect"),
];

const HTTP: &[Builtin] = &[
    member(
        "get",
        Kind::ActionFunction,
        HTTP_PARAMS,
        1,
        "HTTP GET (an action or a function)",
    ),
    member(
        "head",
        Kind::ActionFunction,
        HTTP_PARAMS,
        1,
        "HTTP HEAD (an action or a function)",
    ),
    action("post", HTTP_PARAMS, 1, "HTTP POST"),
    action("put", HTTP_PARAMS, 1, "HTTP PUT"),
    action("patch", HTTP_PARAMS, 1, "HTTP PATCH"),
    action("delete", HTTP_PARAMS, 1, "HTTP DELETE"),
];

/// Matches pico-engine 1.3's `dido` module (the members provided so far; docs/compat.md).
const DIDO: &[Builtin] = &[
    function(
        "generateDID",
        &[p("isInvite")],
        0,
        "a new `did:peer:2` DID with its own keys and channel; answers its DID document",
    ),
    function(
        "storeDidDoc",
        &[p("input")],
        1,
        "stores a DID document (or the document of a peer DID given as text) and answers it",
    ),
    function(
        "pack",
        &[p("message"), p("_from"), p("to")],
        3,
        "a DIDComm message encrypted from `_from`'s DID to `to`'s (null on failure)",
    ),
    function(
        "unpack",
        &[p("message")],
        1,
        "`[message, metadata]` of a packed message for one of the pico's DIDs (null on failure)",
    ),
    function(
        "deleteDID",
        &[p("did")],
        1,
        "forgets a DID's document and deletes its private keys (`false` when there are no documents)",
    ),
    function(
        "updateDID",
        &[p("did"), p("newDoc")],
        2,
        "replaces a DID's document (`false` when there are no documents)",
    ),
    function(
        "rotateDID",
        &[p("old_did")],
        1,
        "a new DID to replace `old_did` (DID map updated, rotation pending); answers its document",
    ),
    function(
        "rotateInviteDID",
        &[p("my_did"), p("their_did")],
        2,
        "on an invitation's channel: stores and maps `their_did`, then rotates `my_did`",
    ),
    function(
        "clearPendingRotations",
        &[],
        0,
        "forgets every pending DID rotation",
    ),
    function(
        "mapDid",
        &[p("their_did"), p("my_did")],
        2,
        "records which of the pico's DIDs talks to `their_did` (`ent:didMap`)",
    ),
    function("clearDidMap", &[], 0, "empties the DID map"),
    function(
        "clearDidDocs",
        &[],
        0,
        "forgets every DID document and deletes the private keys of those DIDs",
    ),
    function(
        "addLabelsToChannel",
        &[p("eci"), p("labels")],
        2,
        "adds tags (one or an array) to a channel of the pico",
    ),
    function(
        "addRoute",
        &[p("type"), p("domain"), p("rule")],
        3,
        "incoming messages of DIDComm `type` raise the event `domain:rule`; answers true",
    ),
    function(
        "route",
        &[p("message")],
        1,
        "unpacks a packed message and raises its route's event with `{message, metadata}`",
    ),
    function(
        "generateMessage",
        &[p("messageOptions")],
        1,
        "a new plaintext DIDComm message (`type`, `body`, `from`, `to`, `thid`, ...)",
    ),
    function(
        "send",
        &[p("did"), p("message")],
        2,
        "packs the message to `did` and posts it to its service endpoint (answer: `dido:dido_send_response`)",
    ),
    function(
        "sendQuery",
        &[p("did"), p("message")],
        2,
        "packs and posts the message to `did`; answers the first directive's options",
    ),
    function(
        "prepareQuery",
        &[p("did"), p("query")],
        2,
        "`io.picolabs.did-o`'s `sendQuery(did, query)` (wrangler's `picoQuery` of a `did:`)",
    ),
    function(
        "createInviteUrl",
        &[p("base64")],
        1,
        "the out-of-band invitation URL `<host>/invite?_oob=<base64>`",
    ),
];
