//! Every language-server feature on real files, end to end: the multi-ruleset example in
//! `tests/fixtures/lsp` (a ruleset using a module) and the system rulesets in
//! `runtime/system`. Each probe is a request at a place found by a needle in the file and
//! fragments its answer must contain. Run with `--nocapture` to see each request with its
//! answer.

mod support;

use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use support::lsp_client::{Client, show};

/// One request: `method` at the first `needle` (plus `skip` bytes), whose answer must contain
/// every fragment of `expect`.
struct Probe {
    method: &'static str,
    needle: &'static str,
    skip: usize,
    extra: Value,
    expect: &'static [&'static str],
}

fn probe(method: &'static str, needle: &'static str, skip: usize, expect: &'static [&'static str]) -> Probe {
    Probe {
        method,
        needle,
        skip,
        extra: Value::Null,
        expect,
    }
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lsp")
}

fn uri_of(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// The LSP position (line, UTF-16 column) of byte `offset` in `text`.
fn position(text: &str, offset: usize) -> Value {
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |idx| idx + 1);
    let character: usize = before[line_start..].chars().map(char::len_utf16).sum();
    json!({"line": line, "character": character})
}

/// The parameters of `probe`'s request in the document `uri` with `text`.
fn params(probe: &Probe, uri: &str, text: &str) -> Value {
    let document = json!({"uri": uri});
    let offset = text
        .find(probe.needle)
        .unwrap_or_else(|| panic!("`{}` occurs in {uri}", probe.needle))
        + probe.skip;
    let at = position(text, offset);
    let mut params = match probe.method {
        "textDocument/documentSymbol"
        | "textDocument/foldingRange"
        | "textDocument/semanticTokens/full"
        | "textDocument/formatting" => json!({"textDocument": document}),
        "workspace/symbol" => json!({}),
        "textDocument/selectionRange" => json!({"textDocument": document, "positions": [at]}),
        "textDocument/codeAction" => json!({
            "textDocument": document,
            "range": {"start": at, "end": at},
            "context": {"diagnostics": []},
        }),
        _ => json!({"textDocument": document, "position": at}),
    };
    if let (Value::Object(params), Value::Object(extra)) = (&mut params, &probe.extra) {
        params.extend(extra.clone());
    }
    params
}

/// Opens each listed file of `dir` (the workspace root), runs its probes and checks the answers.
fn tour(dir: &Path, files: &[(&str, Vec<Probe>)]) {
    let mut client = Client::start();
    let init = json!({"processId": null, "rootUri": uri_of(dir), "capabilities": {}});
    client.request("initialize", init);
    client.notify("initialized", json!({}));
    let mut failures = Vec::new();
    for (file, probes) in files {
        let path = dir.join(file);
        let text = std::fs::read_to_string(&path).expect("read the file");
        let uri = uri_of(&path);
        let open = json!({"textDocument": {"uri": uri, "languageId": "krl", "version": 1, "text": text}});
        client.notify("textDocument/didOpen", open);
        let published = client.diagnostics(1);
        show("didOpen", &json!({"uri": uri}), &published);
        for probe in probes {
            let params = params(probe, &uri, &text);
            let answer = client.request(probe.method, params.clone());
            show(
                &format!("{} at `{}`+{}", probe.method, probe.needle, probe.skip),
                &params,
                &answer,
            );
            let answer_text = answer.to_string();
            for fragment in probe.expect {
                if !answer_text.contains(fragment) {
                    failures.push(format!(
                        "{file}: {} at `{}`: no `{fragment}` in {answer_text}",
                        probe.method, probe.needle
                    ));
                }
            }
        }
    }
    client.request("shutdown", Value::Null);
    client.notify("exit", Value::Null);
    let _ = client.child.wait();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_feature_on_a_ruleset_using_a_module() {
    let mut rename = probe(
        "textDocument/rename",
        "celsius = units",
        0,
        &["temp_c", "example.thermostat.krl"],
    );
    rename.extra = json!({"newName": "temp_c"});
    let mut references = probe(
        "textDocument/references",
        "ent:readings :=",
        4,
        &["\"line\":8", "\"line\":23"],
    );
    references.extra = json!({"context": {"includeDeclaration": true}});
    let mut symbols = probe("workspace/symbol", "", 0, &["warn_when_hot"]);
    symbols.extra = json!({"query": "hot"});
    let mut formatting = probe("textDocument/formatting", "", 0, &["[]"]);
    formatting.extra = json!({"options": {"tabSize": 2, "insertSpaces": true}});
    let probes = [
        // Diagnostics are checked through the code action they offer (the deprecated form).
        probe(
            "textDocument/codeAction",
            "event:attr(",
            2,
            &["event:attrs{\\\"celsius\\\"}"],
        ),
        probe(
            "textDocument/hover",
            "to_celsius(raw",
            0,
            &["to_celsius = function(fahrenheit)", "Converts a Fahrenheit"],
        ),
        probe(
            "textDocument/hover",
            "limit - 1",
            0,
            &["limit = 10", "Parameter of function `history`"],
        ),
        probe(
            "textDocument/hover",
            "ent:readings :=",
            4,
            &["ent:readings", "Written at"],
        ),
        probe("textDocument/hover", "slice(", 0, &["slice"]),
        probe(
            "textDocument/definition",
            "to_celsius(raw",
            0,
            &["example.units.krl", "\"line\":7"],
        ),
        probe(
            "textDocument/definition",
            "units:describe",
            0,
            &["example.units.krl", "\"line\":0,\"character\":8"],
        ),
        probe(
            "textDocument/definition",
            "units:describe",
            6,
            &["example.units.krl", "\"line\":12"],
        ),
        references,
        rename,
        probe(
            "textDocument/completion",
            "units:describe",
            6,
            &["\"label\":\"to_celsius\"", "\"label\":\"describe\""],
        ),
        probe(
            "textDocument/completion",
            "raw.as",
            4,
            &["\"label\":\"as\"", "\"label\":\"klog\""],
        ),
        probe(
            "textDocument/completion",
            "ent:readings.defaultsTo([]).reverse().head",
            4,
            &["\"label\":\"readings\""],
        ),
        probe(
            "textDocument/signatureHelp",
            "units:describe(",
            15,
            &["describe(celsius, unit = \\\"°C\\\")"],
        ),
        probe("textDocument/signatureHelp", "defaultsTo(", 11, &["defaultsTo"]),
        probe(
            "textDocument/documentSymbol",
            "",
            0,
            &["record_reading", "warn_when_hot", "history", "celsius"],
        ),
        symbols,
        probe("textDocument/foldingRange", "", 0, &["startLine"]),
        probe("textDocument/semanticTokens/full", "", 0, &["\"data\":[0,"]),
        probe("textDocument/selectionRange", "raw.as", 0, &["parent"]),
        formatting,
        probe("krl/eventTargets", "raise thermostat event", 0, &["\"line\":29"]),
        probe("krl/eventSources", "thermostat recorded", 11, &["\"line\":24"]),
    ];
    let module = vec![
        probe(
            "textDocument/signatureHelp",
            "math:round(",
            11,
            &["math:round(number, precision = 0)"],
        ),
        probe(
            "textDocument/hover",
            "fahrenheit - 32",
            0,
            &["Parameter of function `to_celsius`"],
        ),
        probe("textDocument/documentSymbol", "", 0, &["to_celsius", "describe"]),
    ];
    tour(
        &fixtures(),
        &[
            ("example.thermostat.krl", probes.into()),
            ("example.units.krl", module),
        ],
    );
}

#[test]
fn every_feature_on_the_system_rulesets() {
    let system = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../runtime/system")
        .canonicalize()
        .expect("the system rulesets' folder");
    let mut rename = probe("textDocument/rename", "query_url = function", 0, &["make_url"]);
    rename.extra = json!({"newName": "make_url"});
    let mut references = probe(
        "textDocument/references",
        "owns_channel = function",
        0,
        &["\"line\""],
    );
    references.extra = json!({"context": {"includeDeclaration": true}});
    let mut symbols = probe("workspace/symbol", "", 0, &["establish_inbound", "create_child"]);
    symbols.extra = json!({"query": "e"});
    let mut formatting = probe("textDocument/formatting", "", 0, &["[]"]);
    formatting.extra = json!({"options": {"tabSize": 2, "insertSpaces": true}});
    let wrangler = vec![
        probe(
            "textDocument/hover",
            "query_result(response)",
            0,
            &["query_result = function(response)"],
        ),
        probe("textDocument/hover", "ctx:newPico", 4, &["creates a child pico"]),
        probe(
            "textDocument/definition",
            "query_result(response)",
            0,
            &["io.picolabs.wrangler.krl"],
        ),
        references,
        rename,
        probe(
            "textDocument/completion",
            "ctx:newPico",
            4,
            &["\"label\":\"newPico\"", "\"label\":\"channels\""],
        ),
        probe(
            "textDocument/signatureHelp",
            "ctx:newPico(",
            12,
            &["ctx:newPico(rulesets)"],
        ),
        probe(
            "textDocument/documentSymbol",
            "",
            0,
            &["create_child", "skyQuery"],
        ),
        probe("textDocument/foldingRange", "", 0, &["startLine"]),
        probe("textDocument/semanticTokens/full", "", 0, &["\"data\":["]),
        probe(
            "textDocument/selectionRange",
            "query_result(response)",
            0,
            &["parent"],
        ),
        formatting,
        probe(
            "krl/eventTargets",
            "raise wrangler event \"install_ruleset_request\"",
            0,
            &["io.picolabs.wrangler.krl"],
        ),
    ];
    let subscription = vec![
        probe(
            "textDocument/hover",
            "wrangler:channels(",
            9,
            &["Provided by module `io.picolabs.wrangler`"],
        ),
        probe(
            "textDocument/definition",
            "wrangler:channels(",
            9,
            &["io.picolabs.wrangler.krl"],
        ),
        probe(
            "textDocument/completion",
            "wrangler:channels(",
            9,
            &["\"label\":\"skyQuery\""],
        ),
        probe(
            "textDocument/signatureHelp",
            "wrangler:channels(",
            18,
            &["wrangler:channels(tags)"],
        ),
        probe(
            "textDocument/documentSymbol",
            "",
            0,
            &["established", "establish_outbound"],
        ),
        probe(
            "krl/eventSources",
            "select when wrangler inbound_pending_subscription_added",
            21,
            &["io.picolabs.subscription.krl"],
        ),
    ];
    let ui = vec![
        probe("textDocument/documentSymbol", "", 0, &["setup", "uiECI", "box"]),
        probe("textDocument/hover", "uiECI()", 0, &["uiECI = function()"]),
        probe(
            "textDocument/completion",
            "ctx:upsertChannel",
            4,
            &["\"label\":\"upsertChannel\""],
        ),
        // By now all three files are open: the search spans them.
        symbols,
    ];
    tour(
        &system,
        &[
            ("io.picolabs.wrangler.krl", wrangler),
            ("io.picolabs.subscription.krl", subscription),
            ("io.picolabs.pico-engine-ui.krl", ui),
        ],
    );
}
