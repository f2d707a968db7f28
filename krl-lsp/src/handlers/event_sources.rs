//! `krl/eventSources` (custom request): from a rule, or one event of its `select when`, to
//! every `raise`, `schedule` or `event:send` in the workspace that emits a matching event.

use tower_lsp::lsp_types::{Location, Position};

use crate::analysis::Analysis;
use crate::events;
use crate::syntax;
use crate::workspace::Workspace;

/// The method name of the custom request.
pub const METHOD: &str = "krl/eventSources";

pub fn event_sources(analysis: &Analysis, workspace: &Workspace, pos: Position) -> Vec<Location> {
    let offset = analysis.offset(pos);
    let Some(rule) = syntax::rule_at(analysis.ruleset(), offset) else {
        return Vec::new();
    };
    let selected = syntax::selected_events(rule);
    // On one event of the select, only that one; elsewhere in the rule, all of them.
    let under_cursor: Vec<_> = selected
        .iter()
        .filter(|(_, span)| span.start <= offset && offset <= span.end)
        .collect();
    let wanted: Vec<(&str, &str)> = if under_cursor.is_empty() {
        selected.iter().collect()
    } else {
        under_cursor
    }
    .into_iter()
    .map(|(base, _)| (base.domain.name.as_str(), base.event_type.name.as_str()))
    .collect();
    let mut out = Vec::new();
    for document in events::documents(analysis, workspace) {
        for emitted in events::emitters(document) {
            if wanted.contains(&(emitted.domain.as_str(), emitted.event_type.as_str())) {
                out.push(document.location(emitted.span));
            }
        }
    }
    out
}
