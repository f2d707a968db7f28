//! `textDocument/completion`, by context: stdlib operators after `.`, members after `ctx:`,
//! `event:`, `time:` (and the other built-in modules), `ent:` names, event domains and types
//! already used in the workspace after `select when`, meta keys inside `meta`, keywords of the
//! enclosing block, and the declarations in scope. The context comes from the tokens before
//! the cursor, so it works while the text around the cursor does not parse.

use std::collections::BTreeSet;

use krl_builtins::{Builtin, Kind};
use krl_check::{DeclKind, Shape};
use krl_diagnostics::Span;
use krl_syntax::token::Kw;
use tower_lsp::lsp_types::{
    CompletionItem, CompletionItemKind, CompletionResponse, Documentation, MarkupContent, MarkupKind,
    Position,
};

use crate::analysis::{Analysis, LexToken, TokKind};
use crate::builtin_docs;
use crate::describe;
use crate::events;
use crate::handlers::rename::{chain, scope_at};
use crate::target::alias_rid;
use crate::workspace::Workspace;

/// Where the cursor is, as far as completion cares.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Context {
    /// After `.`: a method.
    Method,
    /// After `domain:`.
    Member(String),
    /// An event domain after `select when` or an event operator.
    EventDomain,
    /// An event type after `select when domain`.
    EventType(String),
    /// After a complete base event in `select when`.
    AfterEvent,
    /// At the start of a line inside `meta { }`.
    MetaKey,
    /// At the start of a rule's section or statement.
    RuleBody,
    Postlude,
    RulesetBody,
    /// Anywhere an expression can go.
    Expression,
    /// In a comment or string: nothing to offer.
    None,
}

pub fn completion(analysis: &Analysis, workspace: &Workspace, pos: Position) -> Option<CompletionResponse> {
    completion_with_fallback(analysis, None, workspace, pos)
}

/// Completion that also offers the names in scope in `last_good` (the last version without
/// syntax errors) when the text being typed does not parse: the text before the cursor is
/// usually the same in both versions, so its scopes still apply.
pub fn completion_with_fallback(
    analysis: &Analysis,
    last_good: Option<&Analysis>,
    workspace: &Workspace,
    pos: Position,
) -> Option<CompletionResponse> {
    let offset = analysis.offset(pos);
    let in_scope = || in_scope_items(analysis, last_good, offset);
    let context = context_at(analysis, offset);
    let items = match &context {
        Context::None => return None,
        Context::Method => method_items(in_scope()),
        Context::Member(domain) => member_items(analysis, workspace, domain),
        Context::EventDomain => event_domain_items(analysis, workspace),
        Context::EventType(domain) => event_type_items(analysis, workspace, domain),
        Context::AfterEvent => keywords(&[
            "or", "and", "before", "then", "after", "where", "setting", "within",
        ]),
        Context::MetaKey => builtin_docs::META_KEYS
            .iter()
            .map(|(key, doc)| item(key, CompletionItemKind::KEYWORD, None, Some(doc.to_string())))
            .collect(),
        Context::RulesetBody => keywords(&["meta", "global", "rule"]),
        Context::RuleBody => {
            let mut items = keywords(&[
                "select when",
                "select where",
                "foreach",
                "pre",
                "if",
                "every",
                "sample",
                "choose",
                "fired",
                "notfired",
                "always",
            ]);
            items.extend(action_items(in_scope()));
            items
        }
        Context::Postlude => {
            let mut items = keywords(&[
                "raise", "schedule", "clear", "log", "error", "last", "if", "on final", "else", "finally",
            ]);
            items.push(item(
                "ent",
                CompletionItemKind::MODULE,
                Some("persistent variables".into()),
                None,
            ));
            items.extend(in_scope());
            items
        }
        Context::Expression => expression_items(in_scope()),
    };
    Some(CompletionResponse::Array(items))
}

/// The names in scope at `offset`; while the text does not parse, also those of `last_good`
/// at the same offset and the globals, each label once.
fn in_scope_items(analysis: &Analysis, last_good: Option<&Analysis>, offset: u32) -> Vec<CompletionItem> {
    let mut items = scope_items(analysis, offset);
    if analysis.has_syntax_errors()
        && let Some(good) = last_good
    {
        items.extend(scope_items(good, offset.min(good.lines.len())));
    }
    if analysis.has_syntax_errors() {
        items.extend(global_items(analysis));
    }
    let mut seen = BTreeSet::new();
    items.retain(|item| seen.insert(item.label.clone()));
    items
}

/// The event domains the workspace's rulesets raise or select.
fn event_domain_items(analysis: &Analysis, workspace: &Workspace) -> Vec<CompletionItem> {
    let pairs = event_pairs(analysis, workspace);
    let domains: BTreeSet<_> = pairs.iter().map(|(domain, _)| domain.clone()).collect();
    domains
        .into_iter()
        .map(|domain| {
            item(
                &domain,
                CompletionItemKind::MODULE,
                Some("event domain".into()),
                None,
            )
        })
        .collect()
}

/// The event types of `domain` the workspace's rulesets raise or select.
fn event_type_items(analysis: &Analysis, workspace: &Workspace, domain: &str) -> Vec<CompletionItem> {
    event_pairs(analysis, workspace)
        .into_iter()
        .filter(|(d, _)| d == domain)
        .map(|(_, event_type)| {
            item(
                &event_type,
                CompletionItemKind::EVENT,
                Some(format!("{domain} {event_type}")),
                None,
            )
        })
        .collect()
}

/// Where an expression can go: the names in scope, the stdlib, the modules and the
/// expression keywords.
fn expression_items(in_scope: Vec<CompletionItem>) -> Vec<CompletionItem> {
    let mut items = in_scope;
    items.extend(stdlib_items(false));
    items.extend(
        ["ent"]
            .into_iter()
            .chain(krl_builtins::module_names())
            .map(|module| item(module, CompletionItemKind::MODULE, Some("module".into()), None)),
    );
    items.extend(keywords(&[
        "function",
        "defaction",
        "null",
        "true",
        "false",
        "not",
        "like",
        "cmp",
    ]));
    items
}

fn item(
    label: &str,
    kind: CompletionItemKind,
    detail: Option<String>,
    doc: Option<String>,
) -> CompletionItem {
    CompletionItem {
        label: label.to_string(),
        kind: Some(kind),
        detail,
        documentation: doc.map(|value| {
            Documentation::MarkupContent(MarkupContent {
                kind: MarkupKind::Markdown,
                value,
            })
        }),
        ..CompletionItem::default()
    }
}

fn keywords(words: &[&str]) -> Vec<CompletionItem> {
    words
        .iter()
        .map(|word| item(word, CompletionItemKind::KEYWORD, None, None))
        .collect()
}

/// Works out the context from the tokens before the word being typed.
pub fn context_at(analysis: &Analysis, offset: u32) -> Context {
    let in_comment = analysis
        .parse
        .trivia
        .comments
        .iter()
        .any(|comment| comment.span.start < offset && offset <= comment.span.end);
    let in_literal = analysis.tokens.iter().any(|tok| {
        matches!(tok.kind, TokKind::Str | TokKind::ChevronText | TokKind::Regex)
            && tok.span.start < offset
            && offset < tok.span.end
    });
    if in_comment || in_literal {
        return Context::None;
    }
    let start = match analysis.word_at(offset) {
        Some((_, word)) if word.span.start < offset => word.span.start,
        _ => offset,
    };
    let before: Vec<&LexToken> = analysis.tokens_before(start).take(64).collect();
    let word = |tok: &LexToken| analysis.slice(tok.span).to_string();
    match before.as_slice() {
        [dot, ..] if dot.is_punct(".") => return Context::Method,
        [colon, domain, ..] if colon.is_punct(":") && domain.is_word() => {
            return Context::Member(word(domain));
        }
        _ => {}
    }
    if let Some(context) = select_context(analysis, &before) {
        return context;
    }
    // The block we are in, from the nearest unmatched `{`.
    let mut depth = 0usize;
    let mut open = None;
    for (idx, tok) in before.iter().enumerate() {
        match tok.kind {
            TokKind::Punct("}") | TokKind::BeestingClose => depth += 1,
            TokKind::Punct("{") | TokKind::BeestingOpen => {
                if depth == 0 {
                    open = Some(idx);
                    break;
                }
                depth -= 1;
            }
            _ => {}
        }
    }
    let at_line_start = before
        .first()
        .is_none_or(|prev| analysis.lines.line_col(prev.span.end).line < analysis.lines.line_col(start).line);
    let at_statement_start = at_line_start
        || before
            .first()
            .is_some_and(|prev| prev.is_punct("{") || prev.is_punct(";"));
    let Some(open) = open else {
        return Context::Expression;
    };
    let opener = before.get(open + 1);
    let opener_kw = opener.and_then(|tok| match tok.kind {
        TokKind::Keyword(kw) => Some(kw),
        _ => None,
    });
    let is_rule = opener.is_some_and(|tok| tok.is_word())
        && (before.get(open + 2).is_some_and(|tok| tok.is_keyword(Kw::Rule))
            || before
                .get(open + 2)
                .is_some_and(|tok| tok.is_keyword(Kw::Active) || tok.is_keyword(Kw::Inactive)));
    match opener_kw {
        Some(Kw::Meta) if at_statement_start => return Context::MetaKey,
        Some(Kw::Fired | Kw::Notfired | Kw::Always | Kw::Else | Kw::Finally) if at_statement_start => {
            return Context::Postlude;
        }
        _ => {}
    }
    if is_rule && at_statement_start {
        return Context::RuleBody;
    }
    // `ruleset rid {`: the rid is words and dots after `ruleset`.
    let ruleset_body = before
        .iter()
        .skip(open + 1)
        .take_while(|tok| tok.is_word() || tok.is_punct(".") || tok.is_punct("-"))
        .last()
        .is_some_and(|tok| tok.is_keyword(Kw::Ruleset));
    if ruleset_body && at_statement_start {
        return Context::RulesetBody;
    }
    Context::Expression
}

/// The context inside `select when ...`, if the cursor is there.
fn select_context(analysis: &Analysis, before: &[&LexToken]) -> Option<Context> {
    let when = before.iter().position(|tok| {
        tok.is_keyword(Kw::When) || tok.is_punct("{") || tok.is_punct("}") || tok.is_keyword(Kw::Where)
    })?;
    let when_tok = before.get(when)?;
    if !when_tok.is_keyword(Kw::When) || !before.get(when + 1).is_some_and(|tok| tok.is_keyword(Kw::Select)) {
        return None;
    }
    let is_boundary = |tok: &LexToken| {
        matches!(
            tok.kind,
            TokKind::Keyword(Kw::When | Kw::Or | Kw::And | Kw::Before | Kw::Then | Kw::After | Kw::Between)
        ) || tok.is_punct("(")
            || tok.is_punct(",")
    };
    let first = before.first()?;
    // Past a select that parsed, the rule's body has begun; only an operator word continues
    // the event expression (`select when a b or` + cursor).
    let operator_word = matches!(
        first.kind,
        TokKind::Keyword(Kw::Or | Kw::And | Kw::Before | Kw::Then | Kw::After)
    );
    if !operator_word
        && let Some(rule) = crate::syntax::rule_at(analysis.ruleset(), first.span.start)
        && let Some(select) = &rule.select
        && select.span.end <= first.span.start
    {
        return None;
    }
    if is_boundary(first) {
        return Some(Context::EventDomain);
    }
    let second = before.get(1)?;
    if first.is_word() && is_boundary(second) {
        return Some(Context::EventType(analysis.slice(first.span).to_string()));
    }
    Some(Context::AfterEvent)
}

/// Every (domain, type) selected or emitted anywhere in the workspace, sorted.
fn event_pairs(analysis: &Analysis, workspace: &Workspace) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for document in events::documents(analysis, workspace) {
        for (domain, event_type, _) in events::selected(document) {
            out.insert((domain, event_type));
        }
        for emitted in events::emitters(document) {
            out.insert((emitted.domain, emitted.event_type));
        }
    }
    out
}

fn stdlib_items(methods_only: bool) -> Vec<CompletionItem> {
    krl_builtins::named_operators()
        .filter(|op| !methods_only || op.kind.is_function())
        .map(operator_item)
        .collect()
}

fn operator_item(op: &Builtin) -> CompletionItem {
    item(
        op.name,
        CompletionItemKind::FUNCTION,
        builtin_docs::op_signature(op.name),
        builtin_docs::op_markdown(op.name),
    )
}

fn method_items(in_scope: Vec<CompletionItem>) -> Vec<CompletionItem> {
    let mut items = stdlib_items(true);
    items.extend(
        in_scope
            .into_iter()
            .filter(|item| item.kind == Some(CompletionItemKind::FUNCTION)),
    );
    items
}

fn action_items(in_scope: Vec<CompletionItem>) -> Vec<CompletionItem> {
    let mut items: Vec<_> = krl_builtins::named_operators()
        .filter(|op| op.kind.is_action())
        .map(operator_item)
        .collect();
    items.extend(
        in_scope
            .into_iter()
            .filter(|item| item.kind == Some(CompletionItemKind::METHOD)),
    );
    items
}

fn member_items(analysis: &Analysis, workspace: &Workspace, domain: &str) -> Vec<CompletionItem> {
    if domain == "ent" {
        let names: BTreeSet<_> = analysis
            .names()
            .ent
            .iter()
            .map(|access| access.name.clone())
            .collect();
        return names
            .into_iter()
            .map(|name| {
                let doc = describe::ent_markdown(analysis, &name);
                item(
                    &name,
                    CompletionItemKind::FIELD,
                    Some(format!("ent:{name}")),
                    Some(doc),
                )
            })
            .collect();
    }
    if let Some((rid, _)) = alias_rid(analysis, domain) {
        let Some(module) = workspace.module(analysis, &rid) else {
            return Vec::new();
        };
        let provided: Vec<String> = module
            .ruleset()
            .meta
            .iter()
            .flat_map(|meta| meta.props())
            .filter_map(|prop| match &prop.kind {
                krl_syntax::ast::MetaPropKind::Provides { names } => {
                    Some(names.iter().map(|name| name.name.to_string()).collect::<Vec<_>>())
                }
                _ => None,
            })
            .flatten()
            .collect();
        return provided
            .iter()
            .map(|name| {
                item(
                    name,
                    CompletionItemKind::FUNCTION,
                    Some(format!("from `{rid}`")),
                    None,
                )
            })
            .collect();
    }
    let Some(module) = krl_builtins::module(domain) else {
        return Vec::new();
    };
    module
        .members
        .iter()
        .map(|member| {
            let kind = match member.kind {
                Kind::Property => CompletionItemKind::PROPERTY,
                Kind::Function | Kind::ActionFunction => CompletionItemKind::FUNCTION,
                Kind::Action => CompletionItemKind::METHOD,
            };
            item(
                member.name,
                kind,
                Some(member.signature(&format!("{domain}:"))),
                Some(builtin_docs::member_markdown(domain, member)),
            )
        })
        .collect()
}

/// The global and configuration declarations, visible everywhere.
fn global_items(analysis: &Analysis) -> Vec<CompletionItem> {
    let names = analysis.names();
    let nodes = crate::syntax::declarations_by_name(analysis.ruleset());
    names
        .declaration_ids()
        .filter(|&id| matches!(names.declaration(id).kind, DeclKind::Global | DeclKind::Configure))
        .map(|id| decl_item(analysis, &nodes, id))
        .collect()
}

/// An item for a declared name. `nodes` comes from one walk of the tree, so building many
/// items stays linear on large files.
fn decl_item(
    analysis: &Analysis,
    nodes: &std::collections::HashMap<Span, &krl_syntax::ast::Declaration>,
    id: krl_check::DeclId,
) -> CompletionItem {
    let decl = analysis.names().declaration(id);
    let kind = match decl.shape {
        Shape::Function(_) => CompletionItemKind::FUNCTION,
        Shape::Action(_) | Shape::ActionFunction(_) => CompletionItemKind::METHOD,
        Shape::Unknown => CompletionItemKind::VARIABLE,
    };
    let detail = match nodes.get(&decl.span) {
        Some(node) => describe::declaration_line(analysis, node),
        None => decl.name.clone(),
    };
    let doc = describe::doc_comment(analysis, decl.span);
    item(&decl.name, kind, Some(detail), doc)
}

/// The declarations visible at `offset`, innermost first, without built-ins.
fn scope_items(analysis: &Analysis, offset: u32) -> Vec<CompletionItem> {
    let names = analysis.names();
    let nodes = crate::syntax::declarations_by_name(analysis.ruleset());
    let chain = chain(names, scope_at(names, Span::empty(offset)));
    let mut seen = BTreeSet::new();
    let mut items = Vec::new();
    for scope in chain {
        for id in names.declaration_ids() {
            let decl = names.declaration(id);
            if decl.scope != scope || decl.kind.is_builtin() || decl.name.is_empty() {
                continue;
            }
            let is_function = matches!(decl.shape, Shape::Function(_));
            let declared_before = decl.span.start < offset || decl.kind == DeclKind::Parameter;
            if !(declared_before || is_function) || !seen.insert(decl.name.clone()) {
                continue;
            }
            items.push(decl_item(analysis, &nodes, id));
        }
    }
    items
}
