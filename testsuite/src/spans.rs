//! Span invariants that every parse must satisfy, whatever the input (STYLE.md §5):
//!
//! - every span in the tree lies within the source and on character boundaries;
//! - every node's span lies inside its parent's span (a node is a JSON object with a
//!   `span` field in the serde form of the AST; bare spans such as `n_span` count as
//!   children too);
//! - tokens are sorted, do not overlap, lie on character boundaries and spell what their
//!   kind says (an identifier token's text is the identifier, `{` is `{`, ...);
//! - comments are sorted and overlap no token;
//! - diagnostics point into the source and come in source order;
//! - a tree with an `Error` node comes with at least one error diagnostic.
//!
//! The walk goes over `serde_json::to_value(&ast)` rather than the typed tree so that new
//! node types are checked without changes here.

use krl_diagnostics::{FileId, Span};
use krl_syntax::Parse;
use krl_syntax::lexer::lex;
use krl_syntax::token::{Tok, Token};
use serde_json::Value;

/// Parses `src` and returns every broken invariant, described for a person.
pub fn check_source(src: &str) -> Vec<String> {
    let parse = krl_syntax::parse_ruleset(FileId(0), src);
    check_parse(src, &parse)
}

/// Checks a parse of `src` (and the lexer's tokens for `src`).
pub fn check_parse(src: &str, parse: &Parse) -> Vec<String> {
    let mut problems = Vec::new();
    let tree = serde_json::to_value(&parse.ruleset).expect("the AST serializes");
    let root = span_of(&tree).unwrap_or(Span::new(0, src.len() as u32));
    check_in_source(src, root, "ruleset", &mut problems);
    let mut has_error_node = false;
    walk(src, &tree, root, "ruleset", &mut has_error_node, &mut problems);
    let tokens = lex(FileId(0), src).tokens;
    check_tokens(src, &tokens, &mut problems);
    check_comments(src, &tokens, parse, &mut problems);
    check_diagnostics(src, parse, &mut problems);
    if has_error_node && !parse.has_errors() {
        problems.push("the tree has an `Error` node but there is no error diagnostic".into());
    }
    problems
}

fn span_of(value: &Value) -> Option<Span> {
    let object = value.as_object()?;
    let span = object.get("span")?;
    as_span(span)
}

/// A JSON object with exactly the fields `start` and `end`.
fn as_span(value: &Value) -> Option<Span> {
    let object = value.as_object()?;
    if object.len() != 2 {
        return None;
    }
    let start = object.get("start")?.as_u64()?;
    let end = object.get("end")?.as_u64()?;
    Some(Span {
        start: start as u32,
        end: end as u32,
    })
}

fn check_in_source(src: &str, span: Span, path: &str, problems: &mut Vec<String>) {
    let (start, end) = (span.start as usize, span.end as usize);
    if start > end {
        problems.push(format!("{path}: span {start}..{end} is backwards"));
    } else if end > src.len() {
        problems.push(format!(
            "{path}: span {start}..{end} ends past the source ({} bytes)",
            src.len()
        ));
    } else if !src.is_char_boundary(start) || !src.is_char_boundary(end) {
        problems.push(format!("{path}: span {start}..{end} splits a character"));
    }
}

fn walk(
    src: &str,
    value: &Value,
    parent: Span,
    path: &str,
    has_error: &mut bool,
    problems: &mut Vec<String>,
) {
    match value {
        Value::Object(object) => {
            // Recovery placeholders are `{"type": "Error"}`, with at most a span; the `error`
            // statement is also tagged "Error" but has fields.
            if object.get("type").and_then(Value::as_str) == Some("Error")
                && object.keys().all(|key| key == "type" || key == "span")
            {
                *has_error = true;
            }
            for (key, child) in object {
                let child_path = format!("{path}.{key}");
                if key == "span" {
                    continue;
                }
                let child_span = span_of(child).or_else(|| as_span(child));
                let next_parent = match child_span {
                    Some(span) => {
                        check_in_source(src, span, &child_path, problems);
                        if !parent.contains(span) {
                            problems.push(format!(
                                "{child_path}: span {}..{} is not inside its parent's {}..{}",
                                span.start, span.end, parent.start, parent.end
                            ));
                        }
                        span
                    }
                    None => parent,
                };
                if as_span(child).is_none() {
                    walk(src, child, next_parent, &child_path, has_error, problems);
                }
            }
        }
        Value::Array(items) => {
            for (idx, item) in items.iter().enumerate() {
                let child_path = format!("{path}[{idx}]");
                match span_of(item).or_else(|| as_span(item)) {
                    Some(span) => {
                        check_in_source(src, span, &child_path, problems);
                        if !parent.contains(span) {
                            problems.push(format!(
                                "{child_path}: span {}..{} is not inside its parent's {}..{}",
                                span.start, span.end, parent.start, parent.end
                            ));
                        }
                        if as_span(item).is_none() {
                            walk(src, item, span, &child_path, has_error, problems);
                        }
                    }
                    None => walk(src, item, parent, &child_path, has_error, problems),
                }
            }
        }
        _ => {}
    }
}

/// The text a token of this kind must have, when it is fixed or carried by the token.
fn expected_text<'a>(tok: &Tok<'a>) -> Option<&'a str> {
    match *tok {
        Tok::Ident(text)
        | Tok::BindName(text)
        | Tok::AttrName(text)
        | Tok::Number(text)
        | Tok::Str(text)
        | Tok::Regex(text)
        | Tok::ChevronText(text) => Some(text),
        Tok::Kw(kw) => Some(kw.as_str()),
        Tok::ChevronOpen => Some("<<"),
        Tok::BeestingOpen => Some("#{"),
        Tok::BeestingClose => Some("}"),
        Tok::ChevronClose => Some(">>"),
        Tok::Start(_) | Tok::Invalid => None,
        other => other.punct_text(),
    }
}

fn check_tokens(src: &str, tokens: &[Token<'_>], problems: &mut Vec<String>) {
    let mut previous_end = 0u32;
    for (idx, token) in tokens.iter().enumerate() {
        let path = format!("token {idx} ({:?})", token.tok);
        check_in_source(src, token.span, &path, problems);
        if token.span.start < previous_end {
            problems.push(format!(
                "{path}: starts at {} before the previous token ends at {previous_end}",
                token.span.start
            ));
        }
        if token.span.is_empty() {
            problems.push(format!("{path}: is empty"));
        }
        previous_end = previous_end.max(token.span.end);
        if let Some(text) = expected_text(&token.tok) {
            let actual = src.get(token.span.range());
            if actual != Some(text) {
                problems.push(format!("{path}: spans {actual:?}, expected {text:?}"));
            }
        }
    }
}

fn check_comments(src: &str, tokens: &[Token<'_>], parse: &Parse, problems: &mut Vec<String>) {
    let mut previous_end = 0u32;
    for (idx, comment) in parse.trivia.comments.iter().enumerate() {
        let path = format!("comment {idx}");
        check_in_source(src, comment.span, &path, problems);
        if comment.span.start < previous_end {
            problems.push(format!("{path}: starts before the previous comment ends"));
        }
        previous_end = comment.span.end;
        let text = comment.span.text(src);
        if !(text.starts_with("//") || text.starts_with("/*")) {
            problems.push(format!("{path}: spans {text:?}, which is not a comment"));
        }
        let first = tokens.partition_point(|t| t.span.end <= comment.span.start);
        if let Some(token) = tokens.get(first).filter(|t| t.span.start < comment.span.end) {
            problems.push(format!(
                "{path}: {}..{} overlaps token {:?} at {}..{}",
                comment.span.start, comment.span.end, token.tok, token.span.start, token.span.end
            ));
        }
    }
}

fn check_diagnostics(src: &str, parse: &Parse, problems: &mut Vec<String>) {
    let mut previous = 0u32;
    for (idx, diagnostic) in parse.diagnostics.iter().enumerate() {
        let span = diagnostic.primary.at.span;
        check_in_source(
            src,
            span,
            &format!("diagnostic {idx} ({})", diagnostic.code.id),
            problems,
        );
        if span.start < previous {
            problems.push(format!(
                "diagnostic {idx} ({}): not in source order",
                diagnostic.code.id
            ));
        }
        previous = span.start;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clean_ruleset_has_no_problems() {
        let src = "ruleset a.b {\n  // hi\n  rule r { select when a b send_directive(\"x\", {\"k\": [1, 2]}) }\n}\n";
        assert_eq!(check_source(src), Vec::<String>::new());
    }

    #[test]
    fn children_outside_parents_are_reported() {
        let tree = serde_json::json!({
            "span": {"start": 0, "end": 4},
            "kind": {"type": "X", "inner": {"span": {"start": 2, "end": 6}}},
        });
        let mut problems = Vec::new();
        let mut has_error = false;
        walk(
            "abcdefgh",
            &tree,
            Span::new(0, 4),
            "root",
            &mut has_error,
            &mut problems,
        );
        assert_eq!(
            problems,
            ["root.kind.inner: span 2..6 is not inside its parent's 0..4"]
        );
    }
}
