//! Typing a file character by character must never crash a handler: every prefix of a real
//! ruleset is analysed and every handler runs at several positions.

mod common;

use common::*;
use krl_lsp::Analysis;
use krl_lsp::handlers::*;
use krl_lsp::workspace::Workspace;
use tower_lsp::lsp_types::{Position, Range};

fn run_everything(analysis: &Analysis, workspace: &Workspace, pos: Position) {
    let _ = diagnostics::diagnostics(analysis);
    let _ = hover::hover_in(analysis, workspace, pos);
    let _ = definition::definition(analysis, workspace, pos);
    let _ = references::references(analysis, pos, true);
    let _ = rename::prepare_rename(analysis, pos);
    let _ = rename::rename(analysis, pos, "renamed");
    let _ = completion::completion(analysis, workspace, pos);
    let _ = signature_help::signature_help(analysis, pos);
    let _ = document_symbol::document_symbols(analysis);
    let _ = folding_range::folding_ranges(analysis);
    let _ = semantic_tokens::semantic_tokens(analysis);
    let _ = selection_range::selection_range(analysis, pos);
    let _ = code_action::code_actions(analysis, Range::new(pos, pos), &[]);
    let _ = event_targets::event_targets(analysis, workspace, pos);
    let _ = event_sources::event_sources(analysis, workspace, pos);
    let _ = formatting::formatting(analysis);
}

#[test]
fn every_prefix_of_a_ruleset_is_safe() {
    let workspace = Workspace::of(&[plain("io.example.lib.krl", LIB)]);
    let text = format!("{COUNTER}// é😀 non-ascii\n");
    let boundaries: Vec<usize> = text
        .char_indices()
        .map(|(idx, _)| idx)
        .chain([text.len()])
        .collect();
    for (step, &end) in boundaries.iter().enumerate() {
        let prefix = &text[..end];
        let analysis = Analysis::new(uri("t.krl"), step as i32, prefix);
        let last_line = analysis.lines.line_count().saturating_sub(1);
        // The cursor at the end (where typing happens), plus a few fixed places.
        let end_pos = analysis.position(prefix.len() as u32);
        for pos in [
            end_pos,
            Position::new(0, 0),
            Position::new(last_line / 2, 4),
            Position::new(last_line + 3, 99),
        ] {
            run_everything(&analysis, &workspace, pos);
        }
    }
}

#[test]
fn every_position_of_a_complete_file_is_safe() {
    let workspace = Workspace::of(&[plain("io.example.lib.krl", LIB)]);
    let analysis = plain("io.example.counter.krl", COUNTER);
    for offset in 0..=COUNTER.len() as u32 {
        let pos = analysis.position(offset);
        run_everything(&analysis, &workspace, pos);
    }
}
