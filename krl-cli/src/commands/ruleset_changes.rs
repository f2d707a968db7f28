//! What changed between two versions of a ruleset's source, in the terms `krl run --watch`
//! reports a reload in: rules added, removed or changed, and the `meta` and `global` blocks.
//!
//! Parts are compared by their source text, so a change of layout or comments inside a rule
//! counts as a change of that rule; a change outside every part (a comment between rules)
//! is reported as such.

use krl_diagnostics::{FileId, Span};
use krl_syntax::parse_ruleset;

/// The parts of a ruleset, each with its source text.
struct Parts<'src> {
    meta: Option<&'src str>,
    global: Option<&'src str>,
    rules: Vec<(String, &'src str)>,
}

fn parts(src: &str) -> Parts<'_> {
    let parse = parse_ruleset(FileId(0), src);
    let text = |span: Span| src.get(span.range()).unwrap_or_default();
    let ruleset = &parse.ruleset;
    Parts {
        meta: ruleset.meta.as_ref().map(|meta| text(meta.span)),
        global: ruleset.global.as_ref().map(|global| text(global.span)),
        rules: ruleset
            .rules()
            .map(|rule| (rule.name.name.to_string(), text(rule.span)))
            .collect(),
    }
}

/// One line saying what changed from `old` to `new`, e.g. ``rule `greet` changed, rule
/// `bye` added, global changed``.
pub fn describe(old: &str, new: &str) -> String {
    if old == new {
        return "the text did not change".to_string();
    }
    let (before, after) = (parts(old), parts(new));
    let mut changes = Vec::new();
    for (block, was, is) in [
        ("meta", before.meta, after.meta),
        ("global", before.global, after.global),
    ] {
        match (was, is) {
            (None, Some(_)) => changes.push(format!("{block} added")),
            (Some(_), None) => changes.push(format!("{block} removed")),
            (Some(was), Some(is)) if was != is => changes.push(format!("{block} changed")),
            _ => {}
        }
    }
    let find = |rules: &[(String, &str)], name: &str| -> Option<String> {
        rules
            .iter()
            .find(|(rule, _)| rule == name)
            .map(|(_, text)| text.to_string())
    };
    for (name, text) in &after.rules {
        match find(&before.rules, name) {
            None => changes.push(format!("rule `{name}` added")),
            Some(was) if was != *text => changes.push(format!("rule `{name}` changed")),
            Some(_) => {}
        }
    }
    for (name, _) in &before.rules {
        if find(&after.rules, name).is_none() {
            changes.push(format!("rule `{name}` removed"));
        }
    }
    let before_order: Vec<&str> = before.rules.iter().map(|(name, _)| name.as_str()).collect();
    let after_order: Vec<&str> = after.rules.iter().map(|(name, _)| name.as_str()).collect();
    if changes.is_empty() && before_order != after_order {
        // Rules run in source order, so a move matters.
        changes.push("rules reordered".to_string());
    }
    if changes.is_empty() {
        return "no rule, meta or global changed (comments or layout between them only)".to_string();
    }
    changes.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const OLD: &str = "ruleset a {\n  global { x = 1 }\n  rule one { select when a one }\n  rule two { select when a two }\n}\n";

    #[test]
    fn names_added_removed_and_changed_rules() {
        let new = "ruleset a {\n  global { x = 1 }\n  rule one { select when a uno }\n  rule three { select when a three }\n}\n";
        assert_eq!(
            describe(OLD, new),
            "rule `one` changed, rule `three` added, rule `two` removed"
        );
    }

    #[test]
    fn names_blocks_and_moves() {
        let new = "ruleset a {\n  meta { name \"a\" }\n  global { x = 2 }\n  rule one { select when a one }\n  rule two { select when a two }\n}\n";
        assert_eq!(describe(OLD, new), "meta added, global changed");
        let moved = "ruleset a {\n  global { x = 1 }\n  rule two { select when a two }\n  rule one { select when a one }\n}\n";
        assert_eq!(describe(OLD, moved), "rules reordered");
    }

    #[test]
    fn comments_between_parts_are_said_to_be_only_that() {
        let new = OLD.replace("  rule two", "  // the second\n  rule two");
        assert_eq!(
            describe(OLD, &new),
            "no rule, meta or global changed (comments or layout between them only)"
        );
    }
}
