//! Hover, completion and signature-help text for the builtins, all from the one builtin table
//! (`krl_builtins`): stdlib operators and built-in module members. Also the keys of a `meta`
//! block, which are syntax rather than builtins.

use krl_builtins::{Builtin, Kind};

/// The signature line of a stdlib operator called by name, e.g. `join(val, str = ",")`.
pub(crate) fn op_signature(name: &str) -> Option<String> {
    krl_builtins::named_operator(name).map(|op| op.signature(""))
}

/// The one-line summary of a stdlib operator.
pub(crate) fn op_summary(name: &str) -> Option<String> {
    krl_builtins::named_operator(name).map(|op| op.summary.to_string())
}

/// Markdown for hovering over or completing a stdlib operator.
pub(crate) fn op_markdown(name: &str) -> Option<String> {
    let op = krl_builtins::named_operator(name)?;
    let kind = match op.kind {
        Kind::Action => "standard library action",
        Kind::ActionFunction => "standard library action and function",
        Kind::Function | Kind::Property => "standard library operator",
    };
    let mut out = format!("```krl\n{}\n```\n{kind}\n\n{}", op.signature(""), op.summary);
    if let Some((call, result)) = op.example {
        out.push_str(&format!("\n\nExample: `{call}` → `{result}`"));
    }
    Some(out)
}

/// Markdown for hovering over or completing `module:member`.
pub(crate) fn member_markdown(module: &str, member: &Builtin) -> String {
    let kind = match member.kind {
        Kind::Function => "function",
        Kind::Action => "action",
        Kind::ActionFunction => "action or function",
        Kind::Property => "property",
    };
    format!(
        "```krl\n{}\n```\nBuilt-in `{module}` module {kind}\n\n{}",
        member.signature(&format!("{module}:")),
        member.summary
    )
}

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
    fn operators_and_members_have_docs() {
        let markdown = op_markdown("length").expect("length is documented");
        assert!(
            markdown.contains("length(val)") && markdown.contains("Example:"),
            "{markdown}"
        );
        assert!(
            op_markdown("+").is_none(),
            "infix operators are not called by name"
        );
        let abs = krl_builtins::member("math", "abs").expect("math:abs exists");
        assert!(member_markdown("math", abs).contains("math:abs(number)"));
    }
}
