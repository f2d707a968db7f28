//! One file per LSP method. Every handler is a plain function over an [`crate::Analysis`]
//! (and, where other files matter, a [`crate::workspace::Workspace`]); the server only finds
//! the right analysis and forwards.

pub mod code_action;
pub mod completion;
pub mod definition;
pub mod diagnostics;
pub mod document_symbol;
pub mod event_sources;
pub mod event_targets;
pub mod folding_range;
pub mod formatting;
pub mod hover;
pub mod references;
pub mod rename;
pub mod selection_range;
pub mod semantic_tokens;
pub mod signature_help;
pub mod workspace_symbol;
