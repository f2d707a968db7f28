//! `krl/eventTargets` (custom request, also used by definition): from a `raise`, `schedule`
//! or `event:send` with a literal domain and type to every rule whose `select when` names it.

use tower_lsp::lsp_types::{Location, Position};

use crate::analysis::Analysis;
use crate::events::{self, emitter_at};
use crate::workspace::Workspace;

/// The method name of the custom request.
pub const METHOD: &str = "krl/eventTargets";

pub fn event_targets(analysis: &Analysis, workspace: &Workspace, pos: Position) -> Vec<Location> {
    let Some(emitted) = emitter_at(analysis, analysis.offset(pos)) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for document in events::documents(analysis, workspace) {
        for (domain, event_type, span) in events::selected(document) {
            if domain == emitted.domain && event_type == emitted.event_type {
                out.push(document.location(span));
            }
        }
    }
    out
}
