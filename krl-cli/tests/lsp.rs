//! End-to-end test of `krl lsp`: starts the binary as a child process and speaks JSON-RPC over
//! its stdin/stdout, as an editor does. Prints every request with its answer (run with
//! `--nocapture` to see them) and the latencies measured on a 1,500-line file.

#[path = "../../krl-lsp/benches/support/large_ruleset.rs"]
mod large_ruleset;
mod support;

use std::time::{Duration, Instant};

use large_ruleset::large_ruleset;
use serde_json::{Value, json};
use support::lsp_client::{Client, show};

const URI: &str = "file:///tmp/krl-lsp-e2e/hello.krl";

const HELLO: &str = r#"ruleset hello.world {
  meta {
    shares greet
  }
  global {
    greet = function(name) { "Hello, " + name }
  }
  rule say_hello {
    select when echo hello name re#(.*)# setting(who)
    send_directive("say", {"something": greet(who)})
    fired {
      ent:count := ent:count.defaultsTo(0) + 1
    }
  }
}
"#;

fn at(line: u32, character: u32) -> Value {
    json!({"textDocument": {"uri": URI}, "position": {"line": line, "character": character}})
}

#[test]
fn speaks_lsp_over_stdio() {
    let mut client = Client::start();
    let init = json!({"processId": null, "rootUri": null, "capabilities": {}});
    let result = client.request("initialize", init.clone());
    show(
        "initialize",
        &init,
        &json!({"serverInfo": result["serverInfo"], "hoverProvider": result["capabilities"]["hoverProvider"]}),
    );
    assert_eq!(result.pointer("/capabilities/textDocumentSync"), Some(&json!(1)));
    client.notify("initialized", json!({}));

    let open = json!({"textDocument": {"uri": URI, "languageId": "krl", "version": 1, "text": HELLO}});
    client.notify("textDocument/didOpen", open);
    let published = client.diagnostics(1);
    show("didOpen (version 1)", &json!({"uri": URI}), &published);
    let messages: Vec<_> = published["diagnostics"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|d| d["message"].clone())
        .collect();
    assert!(
        messages
            .iter()
            .all(|m| !m.as_str().unwrap_or_default().contains("error")),
        "{messages:?}"
    );

    // A typo: an unknown name, reported with its version.
    let broken = HELLO.replace("greet(who)", "gret(who)");
    let change = json!({"textDocument": {"uri": URI, "version": 2}, "contentChanges": [{"text": broken}]});
    client.notify("textDocument/didChange", change);
    let published = client.diagnostics(2);
    show(
        "didChange (version 2: `gret(who)`)",
        &json!({"uri": URI}),
        &published,
    );
    let text = published.to_string();
    assert!(
        text.contains("unknown name `gret`") && text.contains("\"version\":2"),
        "{text}"
    );

    // Back to the good text for navigation.
    let change = json!({"textDocument": {"uri": URI, "version": 3}, "contentChanges": [{"text": HELLO}]});
    client.notify("textDocument/didChange", change);
    client.diagnostics(3);

    let hover = client.request("textDocument/hover", at(9, 42));
    show("hover on `greet(who)`", &at(9, 42), &hover);
    assert!(hover.to_string().contains("greet = function(name)"), "{hover}");

    let hover = client.request("textDocument/hover", at(11, 29));
    show("hover on `defaultsTo`", &at(11, 29), &hover);
    assert!(
        hover.to_string().contains("defaultsTo(val, defaultVal, message)"),
        "{hover}"
    );

    let definition = client.request("textDocument/definition", at(9, 48));
    show("definition of `who`", &at(9, 48), &definition);
    assert_eq!(
        definition.pointer("/0/range/start"),
        Some(&json!({"line": 8, "character": 49}))
    );

    // Typing `ent:` on a new line of the postlude.
    let typing = HELLO.replace("+ 1\n", "+ 1\n      x = ent:\n");
    let change = json!({"textDocument": {"uri": URI, "version": 4}, "contentChanges": [{"text": typing}]});
    client.notify("textDocument/didChange", change);
    client.diagnostics(4);
    let completion = client.request("textDocument/completion", at(12, 14));
    show("completion after `ent:`", &at(12, 14), &completion);
    assert!(
        completion.to_string().contains("\"label\":\"count\""),
        "{completion}"
    );

    // The outline survives a syntax error.
    let symbols = client.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": URI}}),
    );
    show(
        "documentSymbol while the text has an error",
        &json!({"uri": URI}),
        &symbols,
    );
    assert!(symbols.to_string().contains("say_hello"), "{symbols}");

    // Stale versions are dropped: version 3 after 4 changes nothing.
    let change = json!({"textDocument": {"uri": URI, "version": 3}, "contentChanges": [{"text": "garbage"}]});
    client.notify("textDocument/didChange", change);
    let symbols = client.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": URI}}),
    );
    assert!(symbols.to_string().contains("say_hello"), "{symbols}");

    let shutdown = client.request("shutdown", Value::Null);
    show("shutdown", &Value::Null, &shutdown);
    client.notify("exit", Value::Null);
    let status = client.child.wait().expect("the server exits");
    assert!(status.success(), "{status}");
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples.get(samples.len() / 2).copied().unwrap_or_default()
}

#[test]
fn latency_on_a_large_file() {
    let src = large_ruleset();
    let n_lines = src.lines().count();
    assert!(n_lines >= 1_500, "{n_lines} lines");
    let mut client = Client::start();
    client.request(
        "initialize",
        json!({"processId": null, "rootUri": null, "capabilities": {}}),
    );
    client.notify("initialized", json!({}));
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": URI, "languageId": "krl", "version": 1, "text": src}}),
    );
    client.diagnostics(1);

    let mut diagnostics = Vec::new();
    for version in 2..12 {
        let text = src.replace("value7 = 7 * 2", &format!("value7 = 7 * {version}"));
        let started = Instant::now();
        client.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": URI, "version": version}, "contentChanges": [{"text": text}]}),
        );
        client.diagnostics(version);
        diagnostics.push(started.elapsed());
    }
    // Line 1000 or so: inside a rule's `pre`.
    let line = src
        .lines()
        .position(|l| l.contains("d = double50(t)"))
        .expect("a pre line") as u32;
    let mut completion = Vec::new();
    let mut hover = Vec::new();
    for _ in 0..10 {
        let started = Instant::now();
        client.request("textDocument/completion", at(line, 10));
        completion.push(started.elapsed());
        let started = Instant::now();
        let answer = client.request("textDocument/hover", at(line, 12));
        hover.push(started.elapsed());
        assert!(answer.to_string().contains("double50 = function(x)"), "{answer}");
    }
    println!(
        "{n_lines} lines: diagnostics after an edit {:?} (median of 10), completion {:?}, hover {:?}",
        median(diagnostics),
        median(completion),
        median(hover)
    );
    client.request("shutdown", Value::Null);
    client.notify("exit", Value::Null);
    let _ = client.child.wait();
}

/// Waits at most `limit` for the server to end; `None` if it is still running (then killed).
fn wait_at_most(child: &mut std::process::Child, limit: Duration) -> Option<std::process::ExitStatus> {
    let started = Instant::now();
    while started.elapsed() < limit {
        if let Some(status) = child.try_wait().expect("poll the server") {
            return Some(status);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
    None
}

/// Opens the 1,500-line file and sends twenty edits without waiting for their diagnostics,
/// so that analyses are queued and one is running when the next messages arrive.
fn busy_client() -> Client {
    let src = large_ruleset();
    let mut client = Client::start();
    client.request(
        "initialize",
        json!({"processId": null, "rootUri": null, "capabilities": {}}),
    );
    client.notify("initialized", json!({}));
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": URI, "languageId": "krl", "version": 1, "text": src}}),
    );
    for version in 2..22 {
        let text = src.replace("value7 = 7 * 2", &format!("value7 = 7 * {version}"));
        client.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": URI, "version": version}, "contentChanges": [{"text": text}]}),
        );
    }
    client
}

const PROMPTLY: Duration = Duration::from_secs(2);

#[test]
fn exits_promptly_after_shutdown_and_exit_while_edits_are_still_queued() {
    let mut client = busy_client();
    client.send(&json!({"jsonrpc": "2.0", "id": 100, "method": "shutdown"}));
    client.notify("exit", Value::Null);
    let (mut child, _stdin) = client.stop_reading();
    let status = wait_at_most(&mut child, PROMPTLY).expect("`krl lsp` ends after `exit`");
    assert_eq!(status.code(), Some(0));
}

#[test]
fn exits_promptly_when_exit_follows_the_answer_to_shutdown() {
    let mut client = busy_client();
    client.request("shutdown", Value::Null);
    client.notify("exit", Value::Null);
    let (mut child, _stdin) = client.stop_reading();
    let status = wait_at_most(&mut child, PROMPTLY).expect("`krl lsp` ends after `exit`");
    assert_eq!(status.code(), Some(0));
}

#[test]
fn exit_without_shutdown_ends_with_status_1() {
    let mut client = busy_client();
    client.notify("exit", Value::Null);
    let (mut child, _stdin) = client.stop_reading();
    let status = wait_at_most(&mut child, PROMPTLY).expect("`krl lsp` ends after `exit`");
    assert_eq!(
        status.code(),
        Some(1),
        "the protocol asks for 1 when `shutdown` did not come first"
    );
}
