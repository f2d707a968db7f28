//! Latency of the language server's work on a 1,500-line ruleset: analysing a new version
//! (parse, check, diagnostics), completion and hover. Speed targets are checked here, not in
//! timed tests: an edit must be answered with diagnostics within 50 ms.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use krl_lsp::Analysis;
use krl_lsp::handlers::{completion, diagnostics, hover};
use krl_lsp::workspace::Workspace;
use tower_lsp::lsp_types::{Position, Url};

/// About 1,500 lines: globals and many rules that use them.
fn large_ruleset() -> String {
    let mut src = String::from("ruleset large.example {\n  meta {\n    shares total\n  }\n  global {\n");
    for idx in 0..100 {
        src.push_str(&format!(
            "    value{idx} = {idx} * 2\n    double{idx} = function(x) {{ x * value{idx} }}\n"
        ));
    }
    src.push_str("    total = function() { ent:count.defaultsTo(0) }\n  }\n");
    for idx in 0..105 {
        src.push_str(&format!(
            "  rule rule{idx} {{\n    select when sensor reading{idx} temp re#(\\d+)# setting(temp)\n    pre {{\n      t = temp.as(\"Number\")\n      d = double{}(t)\n    }}\n    if d > 10 then\n      send_directive(\"hot\", {{\"value\": d}})\n    fired {{\n      ent:count := ent:count.defaultsTo(0) + 1;\n      raise sensor event \"reading{}\" attributes {{\"temp\": t}}\n    }}\n  }}\n",
            idx % 100,
            idx + 1
        ));
    }
    src.push_str("}\n");
    src
}

fn bench(c: &mut Criterion) {
    let src = large_ruleset();
    let uri = Url::parse("file:///bench/large.krl").expect("a valid url");
    let line = src
        .lines()
        .position(|l| l.contains("d = double50(t)"))
        .unwrap_or(0) as u32;
    c.bench_function("analyse and diagnose 1,500 lines", |b| {
        b.iter(|| {
            let analysis = Analysis::new(uri.clone(), 1, src.as_str());
            black_box(diagnostics::diagnostics(&analysis))
        })
    });
    let analysis = Analysis::new(uri.clone(), 1, src.as_str());
    let workspace = Workspace::default();
    c.bench_function("completion in a rule of 1,500 lines", |b| {
        b.iter(|| {
            black_box(completion::completion(
                &analysis,
                &workspace,
                Position::new(line, 10),
            ))
        })
    });
    c.bench_function("hover in a rule of 1,500 lines", |b| {
        b.iter(|| black_box(hover::hover(&analysis, Position::new(line, 12))))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
