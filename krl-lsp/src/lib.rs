//! The KRL language server (`krl lsp`): the only crate that knows LSP types (issue #8).
//!
//! [`server`] owns the document store and speaks LSP through tower-lsp; every feature is a
//! plain function over an [`Analysis`] (parse + check + line index) in [`handlers`], one file
//! per LSP method, so tests call them directly without a client.
//!
//! ```
//! use krl_lsp::analysis::Analysis;
//! use krl_lsp::handlers::hover::hover;
//! use tower_lsp::lsp_types::{Position, Url};
//! let uri = Url::parse("file:///tmp/hello.krl").expect("a valid url");
//! let src = "ruleset hello {\n  global {\n    greet = function(name) { \"Hi \" + name }\n  }\n}\n";
//! let analysis = Analysis::new(uri, 1, src);
//! let answer = hover(&analysis, Position::new(2, 5)).expect("hover on `greet`");
//! let tower_lsp::lsp_types::HoverContents::Markup(markup) = answer.contents else { panic!() };
//! assert!(markup.value.contains("greet = function(name)"));
//! ```

// Positions from the editor index into text that may have changed under them: a slice past
// the end must be a `None`, never a panic of the server.
#![deny(clippy::indexing_slicing)]
// `pub(crate)` by default: what the binary, the tests and the benches use is `pub` (the
// analysis, the handlers, the workspace, `run_stdio`/`serve`); everything else stays inside,
// so the compiler reports what nothing uses.
#![deny(unreachable_pub)]

pub mod analysis;
mod builtin_docs;
mod describe;
mod events;
mod exit;
pub mod handlers;
mod server;
mod syntax;
mod target;
pub mod workspace;

pub use analysis::Analysis;
pub use server::{run_stdio, serve};
