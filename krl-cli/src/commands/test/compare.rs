//! Comparing expected and actual values (exactly or as a subset) and showing the difference
//! as a line diff of their pretty-printed JSON.
//!
//! Values are compared as JSON, the form KRL stores and answers them in. Numbers compare by
//! value, so `3` in a test file equals KRL's `3` whichever way each side spelled it.

use serde_json::Value as Json;
use similar::{ChangeTag, TextDiff};

use super::format::Match;

/// Whether `actual` satisfies `expected`.
pub fn matches(expected: &Json, actual: &Json, mode: Match) -> bool {
    match (expected, actual) {
        (Json::Number(a), Json::Number(b)) => a.as_f64() == b.as_f64(),
        (Json::Array(want), Json::Array(have)) => {
            want.len() == have.len() && want.iter().zip(have).all(|(w, h)| matches(w, h, mode))
        }
        (Json::Object(want), Json::Object(have)) => {
            (mode == Match::Subset || want.len() == have.len())
                && want
                    .iter()
                    .all(|(key, w)| have.get(key).is_some_and(|h| matches(w, h, mode)))
        }
        _ => expected == actual,
    }
}

/// For a subset comparison: `actual` cut down to the keys `expected` names, so the diff shows
/// only what the test asked about.
pub fn project(expected: &Json, actual: &Json) -> Json {
    match (expected, actual) {
        (Json::Object(want), Json::Object(have)) => Json::Object(
            have.iter()
                .filter(|(key, _)| want.contains_key(*key))
                .map(|(key, value)| (key.clone(), project(&want[key], value)))
                .collect(),
        ),
        (Json::Array(want), Json::Array(have)) => Json::Array(
            have.iter()
                .enumerate()
                .map(|(idx, value)| match want.get(idx) {
                    Some(w) => project(w, value),
                    None => value.clone(),
                })
                .collect(),
        ),
        _ => actual.clone(),
    }
}

/// For `directives_include`: each actual directive cut down to the keys that the expected
/// directive of the same name lists (only the name when the test names no such directive),
/// so the diff shows what the test asked about and not every option of every directive.
pub fn project_directives(expected: &[Json], actual: &[Json]) -> Json {
    let name = |directive: &Json| directive.get("name").cloned();
    Json::Array(
        actual
            .iter()
            .map(|have| {
                let named = expected.iter().find(|want| name(want) == name(have));
                match named {
                    Some(want) => project(want, have),
                    None => {
                        let only_name = serde_json::json!({ "name": name(have) });
                        project(&only_name, have)
                    }
                }
            })
            .collect(),
    )
}

/// Expected directives appear in `actual` in order, each matched as a subset; gaps allowed.
pub fn contains_in_order(expected: &[Json], actual: &[Json]) -> bool {
    let mut rest = actual.iter();
    expected
        .iter()
        .all(|want| rest.by_ref().any(|have| matches(want, have, Match::Subset)))
}

/// `actual` with its map keys in the order `expected` lists them (the rest after), so a
/// diff shows changed values rather than moved keys.
pub fn align(expected: &Json, actual: &Json) -> Json {
    match (expected, actual) {
        (Json::Object(want), Json::Object(have)) => {
            let mut out = serde_json::Map::new();
            for (key, w) in want {
                if let Some(h) = have.get(key) {
                    out.insert(key.clone(), align(w, h));
                }
            }
            for (key, h) in have {
                if !want.contains_key(key) {
                    out.insert(key.clone(), h.clone());
                }
            }
            Json::Object(out)
        }
        (Json::Array(want), Json::Array(have)) => Json::Array(
            have.iter()
                .enumerate()
                .map(|(idx, h)| want.get(idx).map_or_else(|| h.clone(), |w| align(w, h)))
                .collect(),
        ),
        _ => actual.clone(),
    }
}

/// JSON as the test file reader sees it: pretty, keys in their order.
pub fn pretty(value: &Json) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string())
}

/// `-expected` / `+actual` lines, every line indented by `indent`. Short values that fit on
/// one line each are shown as two lines instead of a diff.
pub fn diff(expected: &Json, actual: &Json, indent: &str, color: bool) -> String {
    let (red, green, reset) = if color {
        ("\x1b[31m", "\x1b[32m", "\x1b[0m")
    } else {
        ("", "", "")
    };
    let want = pretty(expected);
    let have = pretty(&align(expected, actual));
    let mut out = String::new();
    if !want.contains('\n') && !have.contains('\n') {
        out.push_str(&format!(
            "{indent}{red}- {want}{reset}\n{indent}{green}+ {have}{reset}\n"
        ));
        return out;
    }
    let diff = TextDiff::from_lines(&want, &have);
    for change in diff.iter_all_changes() {
        let line = change.value().trim_end_matches('\n');
        match change.tag() {
            ChangeTag::Delete => out.push_str(&format!("{indent}{red}- {line}{reset}\n")),
            ChangeTag::Insert => out.push_str(&format!("{indent}{green}+ {line}{reset}\n")),
            ChangeTag::Equal => out.push_str(&format!("{indent}  {line}\n")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_compare_by_value() {
        assert!(matches(&json!(3), &json!(3.0), Match::Exact));
        assert!(!matches(&json!(3), &json!("3"), Match::Exact));
    }

    #[test]
    fn subset_needs_only_the_listed_keys() {
        let actual = json!({"a": 1, "b": {"c": 2, "d": 3}});
        assert!(matches(&json!({"b": {"c": 2}}), &actual, Match::Subset));
        assert!(!matches(&json!({"b": {"c": 2}}), &actual, Match::Exact));
        assert!(!matches(&json!({"b": {"c": 4}}), &actual, Match::Subset));
        assert_eq!(project(&json!({"b": {"c": 9}}), &actual), json!({"b": {"c": 2}}));
    }

    #[test]
    fn included_directives_show_only_the_named_keys() {
        let expected = [json!({"name": "say", "options": {"text": "Hi"}})];
        let actual = [
            json!({"name": "log", "options": {"level": 1}}),
            json!({"name": "say", "options": {"text": "Hello", "lang": "en"}}),
        ];
        assert_eq!(
            project_directives(&expected, &actual),
            json!([{"name": "log"}, {"name": "say", "options": {"text": "Hello"}}])
        );
    }

    #[test]
    fn directives_in_order_with_gaps() {
        let actual = [json!({"name": "a"}), json!({"name": "b"}), json!({"name": "c"})];
        assert!(contains_in_order(
            &[json!({"name": "a"}), json!({"name": "c"})],
            &actual
        ));
        assert!(!contains_in_order(
            &[json!({"name": "c"}), json!({"name": "a"})],
            &actual
        ));
    }

    #[test]
    fn diff_ignores_key_order() {
        let out = diff(&json!({"b": 1, "a": 2}), &json!({"a": 2, "b": 3}), "", false);
        assert_eq!(out, "  {\n-   \"b\": 1,\n+   \"b\": 3,\n    \"a\": 2\n  }\n");
    }

    #[test]
    fn diff_marks_the_changed_lines() {
        let out = diff(&json!({"a": 1, "b": 2}), &json!({"a": 1, "b": 3}), "", false);
        assert!(out.contains("-   \"b\": 2"), "{out}");
        assert!(out.contains("+   \"b\": 3"), "{out}");
        assert!(out.contains("    \"a\": 1,"), "{out}");
    }
}
