//! Event navigation: which statements emit which events (`raise`, `schedule`, `event:send`
//! with a literal domain and type) and which rules select them.

use krl_diagnostics::Span;
use krl_syntax::ast::{EventRef, ExprKind, MapItem, StmtKind};

use crate::analysis::Analysis;
use crate::syntax::{self, Node, literal_string};
use crate::workspace::Workspace;

/// An event emitted with a domain and type known without running anything.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Emitted {
    pub domain: String,
    pub event_type: String,
    /// The statement or action that emits it.
    pub span: Span,
}

fn static_event(event: &EventRef) -> Option<(String, String)> {
    match event {
        EventRef::Static { domain, event_type } => Some((
            domain.name.to_string(),
            literal_string(event_type)?.trim().to_string(),
        )),
        EventRef::Dynamic { domain_and_type } => {
            let (domain, event_type) = literal_string(domain_and_type)?.split_once(':')?;
            Some((domain.trim().to_string(), event_type.trim().to_string()))
        }
    }
}

/// Every emitted event of a document, in source order.
pub(crate) fn emitters(analysis: &Analysis) -> Vec<Emitted> {
    let mut out = Vec::new();
    syntax::walk(analysis.ruleset(), &mut |node| match node {
        Node::Stmt(stmt) => {
            let event = match &stmt.kind {
                StmtKind::Raise { event, .. } | StmtKind::Schedule { event, .. } => event,
                _ => return,
            };
            if let Some((domain, event_type)) = static_event(event) {
                out.push(Emitted {
                    domain,
                    event_type,
                    span: analysis.trim(stmt.span),
                });
            }
        }
        Node::Action(action) => {
            let is_send =
                action.domain.as_ref().is_some_and(|d| d.name == "event") && action.name.name == "send";
            if !is_send {
                return;
            }
            let Some(first) = action.args.args().next() else {
                return;
            };
            let ExprKind::Map { items } = &first.value.kind else {
                return;
            };
            let field = |key: &str| {
                items.iter().find_map(|item| match item {
                    MapItem::Entry(entry) if entry.key.value == key => literal_string(&entry.value),
                    _ => None,
                })
            };
            if let (Some(domain), Some(event_type)) =
                (field("domain"), field("type").or_else(|| field("name")))
            {
                out.push(Emitted {
                    domain: domain.to_string(),
                    event_type: event_type.to_string(),
                    span: analysis.trim(action.span),
                });
            }
        }
        _ => {}
    });
    out
}

/// The emitted event whose statement or action holds `offset`.
pub(crate) fn emitter_at(analysis: &Analysis, offset: u32) -> Option<Emitted> {
    emitters(analysis)
        .into_iter()
        .filter(|emitted| emitted.span.start <= offset && offset <= emitted.span.end)
        .min_by_key(|emitted| emitted.span.len())
}

/// The documents to search: this one first, then the rest of the workspace.
pub(crate) fn documents<'a>(
    analysis: &'a Analysis,
    workspace: &'a Workspace,
) -> impl Iterator<Item = &'a Analysis> + 'a {
    std::iter::once(analysis).chain(
        workspace
            .files
            .iter()
            .filter(move |file| file.uri != analysis.uri)
            .map(|file| &**file),
    )
}

/// The base events (domain, type, span) selected by the rules of a document.
pub(crate) fn selected(analysis: &Analysis) -> Vec<(String, String, Span)> {
    analysis
        .ruleset()
        .rules()
        .flat_map(syntax::selected_events)
        .map(|(base, span)| {
            (
                base.domain.name.to_string(),
                base.event_type.name.to_string(),
                analysis.trim(span),
            )
        })
        .collect()
}
