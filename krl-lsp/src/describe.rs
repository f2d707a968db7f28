//! Short texts about declarations, rules and `ent:` variables, shared by hover, completion and
//! signature help.

use krl_check::{DeclId, DeclKind, EntAccessKind, Shape};
use krl_diagnostics::Span;
use krl_syntax::ast::{Declaration, Expr, ExprKind, Params, Rule};
use krl_syntax::trivia::CommentKind;

use crate::analysis::Analysis;
use crate::syntax;

/// The source of a parameter list, e.g. `(name, greeting = "hi")`, on one line.
pub(crate) fn params_text(analysis: &Analysis, params: &Params) -> String {
    let items: Vec<String> = params
        .items
        .iter()
        .map(|param| one_line(analysis.slice(param.span)))
        .collect();
    format!("({})", items.join(", "))
}

/// Collapses whitespace runs so a snippet fits on one line.
pub(crate) fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn shorten(text: String, max: usize) -> String {
    if text.chars().count() <= max {
        return text;
    }
    let cut: String = text.chars().take(max).collect();
    format!("{cut}…")
}

/// `name = function(a, b)`, `name = defaction(x)` or `name = <value>`.
pub(crate) fn declaration_line(analysis: &Analysis, decl: &Declaration) -> String {
    format!("{} = {}", decl.name.name, value_summary(analysis, &decl.value))
}

pub(crate) fn value_summary(analysis: &Analysis, value: &Expr) -> String {
    match &value.kind {
        ExprKind::Function(function) => format!("function{}", params_text(analysis, &function.params)),
        ExprKind::Defaction(defaction) => format!("defaction{}", params_text(analysis, &defaction.params)),
        _ => shorten(one_line(analysis.slice(value.span)), 80),
    }
}

/// The code line describing a declared name: its declaration, or its kind and name.
pub(crate) fn decl_signature(analysis: &Analysis, id: DeclId) -> String {
    let decl = analysis.names().declaration(id);
    if let Some(node) = syntax::declaration_named(analysis.ruleset(), decl.span) {
        return declaration_line(analysis, node);
    }
    match (&decl.kind, &decl.shape) {
        (DeclKind::Stdlib, _) => {
            crate::builtin_docs::op_signature(&decl.name).unwrap_or_else(|| decl.name.clone())
        }
        (_, Shape::Function(sig) | Shape::Action(sig) | Shape::ActionFunction(sig)) => {
            format!("{}({})", decl.name, sig.params.join(", "))
        }
        _ => decl.name.clone(),
    }
}

/// The comments directly above `span` (no blank line between), without their markers.
pub(crate) fn doc_comment(analysis: &Analysis, span: Span) -> Option<String> {
    let line_start = analysis.lines.line_col(span.start).line;
    let mut expected = line_start;
    let mut parts = Vec::new();
    let comments = &analysis.parse.trivia.comments;
    let before = comments.partition_point(|comment| comment.span.end <= span.start);
    for comment in comments.get(..before).unwrap_or_default().iter().rev() {
        let end_line = analysis.lines.line_col(comment.span.end.saturating_sub(1)).line;
        if end_line + 1 != expected {
            break;
        }
        // Only whole-line comments document what follows.
        let comment_line = analysis.lines.line_col(comment.span.start);
        let line_text = analysis
            .lines
            .line_span(comment_line.line)
            .map(|line| analysis.slice(Span::new(line.start, comment.span.start)))
            .unwrap_or_default();
        if !line_text.trim().is_empty() {
            break;
        }
        let text = analysis.slice(comment.span);
        let text = match comment.kind {
            CommentKind::Line => text.trim_start_matches('/').trim().to_string(),
            CommentKind::Block => text
                .trim_start_matches("/*")
                .trim_end_matches("*/")
                .lines()
                .map(|line| line.trim().trim_start_matches('*').trim())
                .collect::<Vec<_>>()
                .join("\n")
                .trim()
                .to_string(),
        };
        parts.push(text);
        expected = comment_line.line;
    }
    if parts.is_empty() {
        return None;
    }
    parts.reverse();
    Some(parts.join("\n"))
}

/// Markdown for a declared name: code line, kind and doc comment.
pub(crate) fn decl_markdown(analysis: &Analysis, id: DeclId) -> String {
    let decl = analysis.names().declaration(id);
    if decl.kind == DeclKind::Stdlib
        && let Some(markdown) = crate::builtin_docs::op_markdown(&decl.name)
    {
        return markdown;
    }
    if decl.kind == DeclKind::Parameter
        && let Some(site) = syntax::parameter_named(analysis.ruleset(), decl.span)
    {
        return parameter_markdown(analysis, &site);
    }
    let mut out = format!(
        "```krl\n{}\n```\n{}",
        decl_signature(analysis, id),
        kind_text(decl.kind)
    );
    if let Some(doc) = doc_comment(analysis, decl.span) {
        out.push_str(&format!("\n\n{doc}"));
    }
    out
}

/// A parameter with its default and the function or defaction it belongs to.
fn parameter_markdown(analysis: &Analysis, site: &syntax::ParamSite) -> String {
    let what = if site.in_defaction {
        "defaction"
    } else {
        "function"
    };
    let owner = match site.owner {
        Some(decl) => format!("Parameter of {what} `{}`", decl.name.name),
        None => format!("Parameter of an anonymous {what}"),
    };
    let mut out = format!(
        "```krl\n{}\n```\n{owner}",
        one_line(analysis.slice(site.param.span))
    );
    if site.param.default.is_some() {
        out.push_str("\n\nThe default applies when the argument is missing or null.");
    }
    out
}

fn kind_text(kind: DeclKind) -> String {
    let text = kind.describe();
    let mut chars = text.chars();
    match chars.next() {
        Some(first) if first != '`' => format!("{}{}", first.to_uppercase(), chars.as_str()),
        _ => text.to_string(),
    }
}

/// Markdown for a rule: its header and the events it selects.
pub(crate) fn rule_markdown(analysis: &Analysis, rule: &Rule) -> String {
    let mut out = format!("```krl\nrule {}\n```", rule.name.name);
    if let Some(select) = &rule.select {
        out.push_str(&format!(
            "\n{}",
            shorten(one_line(analysis.slice(select.span)), 120)
        ));
    }
    if !rule.is_active() {
        out.push_str("\n\n(inactive)");
    }
    if let Some(doc) = doc_comment(analysis, rule.span) {
        out.push_str(&format!("\n\n{doc}"));
    }
    out
}

/// Markdown for `ent:name`: where it is written and how often it is read.
pub(crate) fn ent_markdown(analysis: &Analysis, name: &str) -> String {
    let mut out = format!("```krl\nent:{name}\n```\nPersistent entity variable");
    let accesses: Vec<_> = analysis.names().ent_accesses(name).collect();
    let reads = accesses.iter().filter(|a| a.kind == EntAccessKind::Read).count();
    let writes: Vec<_> = accesses
        .iter()
        .filter(|a| a.kind == EntAccessKind::Write)
        .collect();
    if writes.is_empty() {
        out.push_str("\n\nNever written in this ruleset (reads give null).");
    } else {
        out.push_str("\n\nWritten at:");
        for write in writes {
            let line = analysis.lines.line_col(write.span.start).line + 1;
            let place = syntax::rule_at(analysis.ruleset(), write.span.start)
                .map(|rule| format!(" in rule `{}`", rule.name.name))
                .unwrap_or_default();
            let statement = analysis
                .lines
                .line_span(line - 1)
                .map(|span| one_line(analysis.slice(span)))
                .unwrap_or_default();
            out.push_str(&format!("\n- line {line}{place}: `{}`", shorten(statement, 60)));
        }
    }
    out.push_str(&format!(
        "\n\nRead {reads} time{}.",
        if reads == 1 { "" } else { "s" }
    ));
    out
}
