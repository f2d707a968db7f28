//! Keeps `docs/stdlib.md` and the operator registry in step: every table row names one
//! registered operator, and every registered operator has a row.

use std::collections::BTreeSet;

use krl_runtime::stdlib::{all, lookup};

/// Operator names from the first cell of each table row (`| \`name\` | ...`).
fn documented_names(markdown: &str) -> Vec<String> {
    markdown
        .lines()
        .filter_map(|line| line.strip_prefix("| `"))
        .filter_map(|rest| rest.split_once("` |").map(|(name, _)| name.to_owned()))
        .collect()
}

#[test]
fn docs_list_exactly_the_registry() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/stdlib.md");
    let markdown = std::fs::read_to_string(path).expect("docs/stdlib.md exists");
    let documented = documented_names(&markdown);

    let mut seen = BTreeSet::new();
    for name in &documented {
        assert!(
            seen.insert(name.clone()),
            "`{name}` is listed twice in docs/stdlib.md"
        );
        assert!(
            lookup(name).is_some(),
            "docs/stdlib.md lists `{name}`, which is not an operator"
        );
    }
    let missing: Vec<&str> = all()
        .map(|op| op.name)
        .filter(|name| !seen.contains(*name))
        .collect();
    assert!(
        missing.is_empty(),
        "operators missing from docs/stdlib.md: {missing:?}"
    );
    assert!(documented.len() > 80, "parsed only {} rows", documented.len());
}

#[test]
fn every_row_has_an_example_with_a_result() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/stdlib.md");
    let markdown = std::fs::read_to_string(path).expect("docs/stdlib.md exists");
    for line in markdown.lines().filter(|l| l.starts_with("| `")) {
        assert!(line.contains(" → "), "row without an `example → result`: {line}");
    }
}
