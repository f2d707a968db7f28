//! The 1,500-line ruleset that the language server's latency is measured on, here and in
//! krl-cli's end-to-end test (`krl-cli/tests/lsp.rs`), so both figures are for one file.

/// About 1,500 lines: globals and many rules that use them.
pub fn large_ruleset() -> String {
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
