//! Documentation for hover and completion: stdlib operators from `docs/stdlib.md` (one table
//! row per operator), built-in module members (language.md §6.10; the table is krl-check's,
//! which checks `module:member` against it) and meta keys.

use std::collections::HashMap;
use std::sync::OnceLock;

use krl_check::stdlib_names::{self, OpKind};

const STDLIB_MD: &str = include_str!("../../docs/stdlib.md");

/// One operator's row of `docs/stdlib.md`: the prose. Its name and parameters come from
/// `krl_check::stdlib_names`.
#[derive(Clone, Debug)]
pub(crate) struct OpDoc {
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
            let (Some(name), Some(_params), Some(summary)) = (cells.next(), cells.next(), cells.next())
            else {
                continue;
            };
            let name = name.trim_end_matches('`').to_string();
            let doc = OpDoc {
                summary: summary.trim().to_string(),
                example: cells.next().unwrap_or_default().trim().to_string(),
            };
            out.insert(name, doc);
        }
        out
    })
}

pub(crate) fn op_doc(name: &str) -> Option<&'static OpDoc> {
    table().get(name)
}

/// The signature line of a stdlib operator, e.g. `length(val)`.
pub(crate) fn op_signature(name: &str) -> Option<String> {
    let op = stdlib_names::lookup(name)?;
    Some(format!("{}({})", op.name, op.params.join(", ")))
}

/// Markdown for hovering over or completing a stdlib operator.
pub(crate) fn op_markdown(name: &str) -> Option<String> {
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

pub(crate) use krl_check::builtin_modules::{MODULES, MemberKind, module_members, module_params};

/// Keys allowed in a `meta` block, with a short description.
pub(crate) const META_KEYS: &[(&str, &str)] = &[
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
