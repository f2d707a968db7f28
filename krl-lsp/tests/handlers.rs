//! Handler functions called directly on fixtures; answers are drawn under the source and
//! snapshot-tested.

// Tests index fixtures they just built; a panic there is the test failing.
#![allow(clippy::indexing_slicing)]

mod common;

use common::*;
use krl_lsp::handlers::*;
use krl_lsp::workspace::Workspace;
use tower_lsp::lsp_types::{
    CompletionResponse, DocumentSymbol, GotoDefinitionResponse, HoverContents, Location, Position,
};

fn hover_text(analysis: &krl_lsp::Analysis, pos: Position, workspace: &Workspace) -> String {
    match hover::hover_in(analysis, workspace, pos) {
        Some(answer) => {
            let HoverContents::Markup(markup) = answer.contents else {
                return "non-markup hover".into();
            };
            let range = answer.range.map(|r| (r, "hover range".to_string()));
            let line = range.as_ref().map_or(0, |(r, _)| r.start.line) as usize;
            let src_line = analysis.text.lines().nth(line).unwrap_or_default().to_string();
            let drawn = common::draw(
                &format!("{src_line}\n"),
                &range
                    .into_iter()
                    .map(|(mut r, l)| {
                        r.start.line = 0;
                        r.end.line = 0;
                        (r, l)
                    })
                    .collect::<Vec<_>>(),
            );
            format!("{drawn}---\n{}", markup.value)
        }
        None => "no hover".into(),
    }
}

fn workspace() -> (Workspace, std::sync::Arc<krl_lsp::Analysis>) {
    let lib = plain("io.example.lib.krl", LIB);
    (Workspace::of(std::slice::from_ref(&lib)), lib)
}

#[test]
fn diagnostics_cover_parse_check_and_lints() {
    let src = "ruleset t {\n  global {\n    a = 1\n    a = 2\n    b = nme + 1\n    c = event:attr(\"x\")\n  }\n  rule r { select when x y\n    noop( }\n}\n";
    let analysis = plain("t.krl", src);
    let diagnostics = diagnostics::diagnostics(&analysis);
    let drawn: Vec<_> = diagnostics
        .iter()
        .map(|d| {
            let related: Vec<String> = d
                .related_information
                .iter()
                .flatten()
                .map(|r| {
                    format!(
                        " [related {}:{} {}]",
                        r.location.range.start.line, r.location.range.start.character, r.message
                    )
                })
                .collect();
            let code = match &d.code {
                Some(tower_lsp::lsp_types::NumberOrString::String(code)) => code.clone(),
                _ => String::new(),
            };
            (
                d.range,
                format!("{code} {}{}", d.message.replace('\n', " | "), related.join("")),
            )
        })
        .collect();
    insta::assert_snapshot!(draw(src, &drawn));
}

#[test]
fn hover_on_function_declaration_shows_signature_and_doc_comment() {
    let (analysis, pos) = counter_at("count_of(who)", 0, 2);
    insta::assert_snapshot!(hover_text(&analysis, pos, &Workspace::default()));
}

#[test]
fn hover_on_stdlib_method_shows_docs() {
    let (analysis, pos) = counter_at("defaultsTo", 0, 3);
    insta::assert_snapshot!(hover_text(&analysis, pos, &Workspace::default()));
}

#[test]
fn hover_on_ent_variable_lists_writes() {
    let (analysis, pos) = counter_at("ent:counts{name}", 0, 6);
    insta::assert_snapshot!(hover_text(&analysis, pos, &Workspace::default()));
}

#[test]
fn hover_on_event_member_and_module_function() {
    let (analysis, pos) = counter_at("event:attr(", 0, 7);
    let event = hover_text(&analysis, pos, &Workspace::default());
    let (analysis, pos) = counter_at("lib:greet", 0, 5);
    let (ws, _) = workspace();
    let module = hover_text(&analysis, pos, &ws);
    insta::assert_snapshot!(format!("{event}\n=====\n{module}"));
}

#[test]
fn hover_on_parameter_and_rule() {
    let (analysis, pos) = counter_at("by = 1", 0, 0);
    let param = hover_text(&analysis, pos, &Workspace::default());
    // A use of `count_of`'s parameter inside its body.
    let (analysis, pos) = counter_at("name}", 0, 0);
    let param_use = hover_text(&analysis, pos, &Workspace::default());
    let (analysis, pos) = counter_at("rule seen", 0, 6);
    let rule = hover_text(&analysis, pos, &Workspace::default());
    insta::assert_snapshot!(format!("{param}\n=====\n{param_use}\n=====\n{rule}"));
}

fn locations(response: Option<GotoDefinitionResponse>) -> Vec<Location> {
    match response {
        Some(GotoDefinitionResponse::Array(locations)) => locations,
        Some(GotoDefinitionResponse::Scalar(location)) => vec![location],
        Some(GotoDefinitionResponse::Link(_)) | None => Vec::new(),
    }
}

#[test]
fn definition_of_names_params_ent_and_modules() {
    let (ws, _) = workspace();
    let mut out = String::new();
    for (needle, nth, skip) in [
        ("count_of(who)", 0, 1),
        ("name}.defaultsTo", 0, 1),
        ("who)", 0, 0),
        ("ent:counts{name}", 0, 5),
        ("lib:greet", 0, 5),
        ("lib:greet", 0, 1),
        ("raise visitor", 0, 2),
    ] {
        let (analysis, pos) = counter_at(needle, nth, skip);
        let found = locations(definition::definition(&analysis, &ws, pos));
        out.push_str(&format!("== definition at `{needle}` +{skip}\n"));
        let here: Vec<_> = found
            .iter()
            .filter(|l| l.uri == analysis.uri)
            .map(|l| l.range.start)
            .collect();
        let elsewhere: Vec<_> = found
            .iter()
            .filter(|l| l.uri != analysis.uri)
            .map(|l| {
                format!(
                    "{}@{}:{}",
                    l.uri.path(),
                    l.range.start.line,
                    l.range.start.character
                )
            })
            .collect();
        for start in here {
            let line = analysis.text.lines().nth(start.line as usize).unwrap_or_default();
            out.push_str(&format!(
                "{}: {}\n{}^\n",
                start.line,
                line,
                " ".repeat(start.character as usize + format!("{}: ", start.line).len())
            ));
        }
        for other in elsewhere {
            out.push_str(&format!("elsewhere: {other}\n"));
        }
    }
    insta::assert_snapshot!(out);
}

#[test]
fn references_of_declaration_and_ent_variable() {
    let (analysis, pos) = counter_at("count_of = ", 0, 0);
    let decl = references::references(&analysis, pos, true);
    let (analysis2, pos2) = counter_at("ent:counts{who}", 0, 4);
    let ent = references::references(&analysis2, pos2, true);
    insta::assert_snapshot!(format!(
        "{}=====\n{}",
        draw_locations(&analysis, &decl),
        draw_locations(&analysis2, &ent)
    ));
}

#[test]
fn rename_edits_every_use_and_refuses_bad_names() {
    let (analysis, pos) = counter_at("who)\n      label", 0, 0);
    let mut out = String::new();
    match rename::rename(&analysis, pos, "visitor_name") {
        Ok(edit) => {
            let edits = edit.changes.into_iter().flatten().flat_map(|(_, edits)| edits);
            let ranges: Vec<_> = edits.map(|e| (e.range, e.new_text)).collect();
            out.push_str(&draw(&analysis.text, &ranges));
        }
        Err(err) => out.push_str(&format!("refused: {err}\n")),
    }
    for bad in ["9lives", "function", "like", "n", "greeting", "count_of"] {
        let answer = rename::rename(&analysis, pos, bad).map(|_| "accepted".to_string());
        out.push_str(&format!(
            "{bad}: {}\n",
            answer.unwrap_or_else(|err| format!("refused: {err}"))
        ));
    }
    // Renaming a global to a name a rule's `pre` declares would capture the rule's use.
    let (analysis, pos) = counter_at("greeting = ", 0, 0);
    let answer = rename::rename(&analysis, pos, "n").map(|_| "accepted".to_string());
    out.push_str(&format!(
        "greeting -> n: {}\n",
        answer.unwrap_or_else(|err| format!("refused: {err}"))
    ));
    let (analysis, pos) = counter_at("ent:counts{who}", 0, 5);
    let answer = rename::rename(&analysis, pos, "tally").map(|edit| {
        let n = edit
            .changes
            .into_iter()
            .flatten()
            .map(|(_, edits)| edits.len())
            .sum::<usize>();
        format!("accepted with {n} edits")
    });
    out.push_str(&format!(
        "ent:counts -> tally: {}\n",
        answer.unwrap_or_else(|err| format!("refused: {err}"))
    ));
    insta::assert_snapshot!(out);
}

fn labels(response: Option<CompletionResponse>) -> String {
    match response {
        Some(CompletionResponse::Array(items)) => items
            .iter()
            .map(|i| i.label.as_str())
            .collect::<Vec<_>>()
            .join(" "),
        Some(CompletionResponse::List(list)) => list
            .items
            .iter()
            .map(|i| i.label.as_str())
            .collect::<Vec<_>>()
            .join(" "),
        None => "(none)".into(),
    }
}

#[test]
fn completion_in_context() {
    let (ws, _) = workspace();
    let cases = [
        ("after a dot", "ruleset t { global { x = [1].$0 } }"),
        (
            "after ent:",
            "ruleset t { global { x = ent:$0 } rule r { select when a b fired { ent:total := 1; ent:seen := 2 } } }",
        ),
        (
            "after event:",
            "ruleset t { rule r { select when a b pre { x = event:$0 } } }",
        ),
        (
            "after ctx: with a prefix",
            "ruleset t { rule r { select when a b pre { x = ctx:ri$0 } } }",
        ),
        ("after time:", "ruleset t { global { x = time:$0 } }"),
        (
            "event domain",
            "ruleset t { rule a { select when echo hello } rule b { select when wrangler ruleset_added } rule c { select when $0 } }",
        ),
        (
            "event type",
            "ruleset t { rule a { select when echo hello } rule a2 { select when echo goodbye } rule c { select when echo $0 } }",
        ),
        ("meta key", "ruleset t {\n  meta {\n    $0\n  }\n}"),
        (
            "after shares",
            "ruleset t {\n  meta {\n    shares $0\n  }\n  global { f = function() { 1 } }\n}",
        ),
        (
            "declarations in scope",
            "ruleset t { global { g = 1 f = function(p) { q = 2\n $0 } } }",
        ),
        (
            "declarations while typing",
            "ruleset t { global { g = 1 f = function(p) { q = 2\n  q + $0\n } } }",
        ),
        (
            "rule body",
            "ruleset t { global { act = defaction() { noop() } }\n rule r {\n    $0\n } }",
        ),
        (
            "postlude",
            "ruleset t { rule r { select when a b\n fired {\n    $0\n } } }",
        ),
        ("ruleset body", "ruleset t {\n  $0\n}"),
        ("in a comment", "ruleset t { // ent:$0\n}"),
        ("in a string", "ruleset t { global { x = \"a.$0\" } }"),
        (
            "action after select",
            "ruleset t { rule r { select when a b\n    send_directive($0) } }",
        ),
    ];
    let mut out = String::new();
    for (what, src) in cases {
        let (analysis, pos) = fixture("t.krl", src);
        let mut answer = labels(completion::completion(&analysis, &ws, pos));
        if answer.len() > 300 {
            answer = format!("{}…", answer.chars().take(300).collect::<String>());
        }
        out.push_str(&format!("{what}: {answer}\n"));
    }
    insta::assert_snapshot!(out);
}

#[test]
fn signature_help_for_functions_defactions_and_stdlib() {
    let cases = [
        "ruleset t { global { f = function(a, b = 2) { a + b } x = f(1, $0) } }",
        "ruleset t { global { x = \"abc\".substr($0 } }",
        "ruleset t { global { x = range(1, $0) } }",
        "ruleset t { global { act = defaction(name, level) { noop() } } rule r { select when a b act(\"x\", $0) } }",
        "ruleset t { global { x = [1, 2].map(function(v) { v.sprintf($0) }) } }",
        "ruleset t { global { x = (1 + $0) } }",
    ];
    let mut out = String::new();
    for src in cases {
        let (analysis, pos) = fixture("t.krl", src);
        let answer = match signature_help::signature_help(&analysis, pos) {
            Some(help) => help
                .signatures
                .iter()
                .map(|sig| format!("{} [active {}]", sig.label, sig.active_parameter.unwrap_or(99)))
                .collect::<Vec<_>>()
                .join("; "),
            None => "(none)".into(),
        };
        out.push_str(&format!("{src}\n  => {answer}\n"));
    }
    insta::assert_snapshot!(out);
}

fn outline(symbols: &[DocumentSymbol], depth: usize, out: &mut String) {
    for symbol in symbols {
        out.push_str(&format!(
            "{}{:?} {} ({}:{}-{}:{}){}\n",
            "  ".repeat(depth),
            symbol.kind,
            symbol.name,
            symbol.range.start.line,
            symbol.range.start.character,
            symbol.range.end.line,
            symbol.range.end.character,
            symbol
                .detail
                .as_ref()
                .map(|d| format!(" — {d}"))
                .unwrap_or_default()
        ));
        outline(symbol.children.as_deref().unwrap_or_default(), depth + 1, out);
    }
}

#[test]
fn document_symbols_are_a_hierarchy() {
    let analysis = plain("io.example.counter.krl", COUNTER);
    let mut out = String::new();
    outline(&document_symbol::document_symbols(&analysis), 0, &mut out);
    insta::assert_snapshot!(out);
}

#[test]
fn workspace_symbols_search_every_file() {
    let (ws, _) = workspace();
    let counter = plain("io.example.counter.krl", COUNTER);
    let ws = Workspace::of(&[counter, ws.files[0].clone()]);
    let found = workspace_symbol::workspace_symbols(&ws, "e");
    let lines: Vec<_> = found
        .iter()
        .map(|s| {
            format!(
                "{:?} {} in {} ({})",
                s.kind,
                s.name,
                s.container_name.clone().unwrap_or_default(),
                s.location.uri.path()
            )
        })
        .collect();
    insta::assert_snapshot!(lines.join("\n"));
}

#[test]
fn folding_ranges_follow_brackets_and_comments() {
    let src = "// one\n// two\nruleset t {\n  global {\n    x = <<\n      text\n    >>\n  }\n  /* block\n     comment */\n  rule r { select when a b }\n}\n";
    let analysis = plain("t.krl", src);
    let ranges: Vec<_> = folding_range::folding_ranges(&analysis)
        .iter()
        .map(|r| format!("{}..{} {:?}", r.start_line, r.end_line, r.kind))
        .collect();
    insta::assert_snapshot!(ranges.join("\n"));
}

#[test]
fn semantic_tokens_classify_names() {
    let src = "ruleset t {\n  global {\n    f = function(p) { p.length() + ent:n }\n  }\n  rule r { select when echo hello  send_directive(f(\"x\")) }\n}\n";
    let analysis = plain("t.krl", src);
    let types = semantic_tokens::TYPES;
    let classified: Vec<_> = semantic_tokens::classify(&analysis)
        .iter()
        .map(|(span, kind, modifiers)| {
            let range = analysis.range(*span);
            let name = types.get(*kind as usize).map_or("?", |t| t.as_str());
            (
                range,
                format!(
                    "{name}{}",
                    if *modifiers != 0 {
                        format!("+{modifiers}")
                    } else {
                        String::new()
                    }
                ),
            )
        })
        .collect();
    // Encoded form must decode back to the same number of tokens (no multi-line tokens here).
    let encoded = semantic_tokens::semantic_tokens(&analysis);
    assert_eq!(encoded.data.len(), classified.len());
    insta::assert_snapshot!(draw(src, &classified));
}

#[test]
fn selection_range_grows_outwards() {
    let (analysis, pos) = fixture(
        "t.krl",
        "ruleset t {\n  global {\n    x = [1, 2 + f$0oo(3)]\n  }\n}\n",
    );
    let mut range = Some(selection_range::selection_range(&analysis, pos));
    let mut out = Vec::new();
    while let Some(current) = range {
        let span = analysis.span(current.range);
        out.push(analysis.slice(span).replace('\n', "⏎"));
        range = current.parent.map(|parent| *parent);
    }
    insta::assert_snapshot!(out.join("\n"));
}

#[test]
fn code_actions_share_remove_and_replace() {
    let analysis = plain("io.example.counter.krl", COUNTER);
    let mut out = String::new();
    for (needle, len) in [
        ("greeting = ", 3),
        ("unused_thing", 3),
        ("label = ", 3),
        ("event:attr(", 3),
    ] {
        let offset = COUNTER.find(needle).expect("needle in COUNTER") as u32;
        let range = analysis.range(krl_diagnostics::Span::new(offset, offset + len));
        out.push_str(&format!("== at `{needle}`\n"));
        for action in code_action::code_actions(&analysis, range, &[]) {
            let tower_lsp::lsp_types::CodeActionOrCommand::CodeAction(action) = action else {
                continue;
            };
            out.push_str(&format!("{}\n", action.title));
            for edit in action
                .edit
                .and_then(|e| e.changes)
                .into_iter()
                .flatten()
                .flat_map(|(_, edits)| edits)
            {
                out.push_str(&format!(
                    "  {}:{}-{}:{} => {:?}\n",
                    edit.range.start.line,
                    edit.range.start.character,
                    edit.range.end.line,
                    edit.range.end.character,
                    edit.new_text
                ));
            }
        }
    }
    // Without any `shares`, the action creates one.
    let src = "ruleset t {\n  meta {\n    name \"t\"\n  }\n  global {\n    f = function() { 1 }\n  }\n}\n";
    let analysis = plain("t.krl", src);
    let offset = src.find("f =").expect("f") as u32;
    for action in code_action::code_actions(
        &analysis,
        analysis.range(krl_diagnostics::Span::new(offset, offset)),
        &[],
    ) {
        let tower_lsp::lsp_types::CodeActionOrCommand::CodeAction(action) = action else {
            continue;
        };
        for edit in action
            .edit
            .and_then(|e| e.changes)
            .into_iter()
            .flatten()
            .flat_map(|(_, edits)| edits)
        {
            out.push_str(&format!("{} => {:?}\n", action.title, edit.new_text));
        }
    }
    insta::assert_snapshot!(out);
}

#[test]
fn event_navigation_both_ways() {
    let (ws, _) = workspace();
    let other = plain(
        "other.krl",
        "ruleset other {\n  rule listen { select when visitor counted or visitor arrived }\n  rule send { select when x y\n    event:send({\"eci\": \"e\", \"domain\": \"visitor\", \"type\": \"arrived\"})\n  }\n}\n",
    );
    let ws = Workspace::of(&[other.clone(), ws.files[0].clone()]);
    let (analysis, pos) = counter_at("raise visitor", 0, 3);
    let targets = event_targets::event_targets(&analysis, &ws, pos);
    let (analysis2, pos2) = counter_at("visitor arrived", 0, 0);
    let sources = event_sources::event_sources(&analysis2, &ws, pos2);
    insta::assert_snapshot!(format!(
        "targets of the raise:\n{}\nsources of `visitor arrived`:\n{}",
        draw_locations(&analysis, &targets),
        draw_locations(&analysis2, &sources)
    ));
}

#[test]
fn formatting_uses_the_formatter() {
    let analysis = plain(
        "t.krl",
        "ruleset a.b { rule r { select when x y  send_directive(\"hi\") } }",
    );
    let edits = formatting::formatting(&analysis).expect("formats a file without errors");
    insta::assert_snapshot!(edits.first().map(|e| e.new_text.clone()).unwrap_or_default());
    let broken = plain("t.krl", "ruleset a.b { rule r { select when } ");
    assert!(formatting::formatting(&broken).is_none());
}

#[test]
fn completion_falls_back_to_the_last_good_scopes_while_typing() {
    let good = plain(
        "t.krl",
        "ruleset t { global { g = 1 f = function(p) { q = 2\n  q\n } } }",
    );
    let (typing, pos) = fixture(
        "t.krl",
        "ruleset t { global { g = 1 f = function(p) { q = 2\n  q + $0\n } } }",
    );
    let answer = labels(completion::completion_with_fallback(
        &typing,
        Some(&good),
        &Workspace::default(),
        pos,
    ));
    let mut first: Vec<_> = answer.split(' ').take(4).collect();
    first.sort();
    assert_eq!(first, ["f", "g", "p", "q"], "{answer}");
}
