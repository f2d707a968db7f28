//! `krl check --format sarif`: one SARIF 2.1.0 log with a run of the `krl` tool, for code
//! scanning services. Rules are the codes that occur, with their `krl explain` text.

use std::collections::BTreeMap;

use krl_diagnostics::{Diagnostic, Label, Severity, SourceDb, codes};
use serde_json::{Value, json};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

pub fn to_sarif(diagnostics: &[Diagnostic], db: &SourceDb) -> Value {
    let mut rules: BTreeMap<&str, Value> = BTreeMap::new();
    for diagnostic in diagnostics {
        let code = diagnostic.code;
        rules.entry(code.id).or_insert_with(|| {
            let explanation = codes::lookup(code.id).map_or("", |info| info.explanation);
            json!({
                "id": code.id,
                "name": code.name,
                "shortDescription": { "text": code.name },
                "fullDescription": { "text": explanation },
                "help": { "text": format!("run `krl explain {}`", code.id) },
            })
        });
    }
    let index: BTreeMap<&str, usize> = rules.keys().enumerate().map(|(idx, id)| (*id, idx)).collect();
    let results: Vec<Value> = diagnostics
        .iter()
        .map(|diagnostic| {
            let mut message = diagnostic.message.clone();
            if let Some(help) = &diagnostic.help {
                message.push_str("\nhelp: ");
                message.push_str(help);
            }
            let mut result = json!({
                "ruleId": diagnostic.code.id,
                "ruleIndex": index[diagnostic.code.id],
                "level": level(diagnostic.severity),
                "message": { "text": message },
                "locations": [location(&diagnostic.primary, db)],
            });
            if !diagnostic.related.is_empty() {
                result["relatedLocations"] = diagnostic
                    .related
                    .iter()
                    .enumerate()
                    .map(|(idx, label)| {
                        let mut related = location(label, db);
                        related["id"] = json!(idx);
                        related
                    })
                    .collect();
            }
            result
        })
        .collect();
    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "krl",
                    "version": env!("CARGO_PKG_VERSION"),
                    "informationUri": "https://example.invalid/krl",
                    "rules": rules.into_values().collect::<Vec<_>>(),
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    })
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Hint => "note",
    }
}

fn location(label: &Label, db: &SourceDb) -> Value {
    let file = db.get(label.at.file);
    let span = file.lines().clamp_span(label.at.span);
    let start = file.lines().human_line_col(span.start);
    let end = file.lines().human_line_col(span.end);
    let mut location = json!({
        "physicalLocation": {
            "artifactLocation": { "uri": file.name().replace('\\', "/") },
            "region": {
                "startLine": start.line,
                "startColumn": start.column,
                "endLine": end.line,
                "endColumn": end.column,
            }
        }
    });
    if let Some(text) = &label.text {
        location["message"] = json!({ "text": text });
    }
    location
}
