//! One module per subcommand.

pub mod check;
pub mod client;
pub mod eval;
pub mod explain;
pub mod fmt;
pub mod lsp;
pub mod parse;
pub mod picos;
pub mod repl;
pub mod ruleset_changes;
pub mod run;
pub mod run_store;
pub mod scratch;
pub mod test;
pub mod tier;
pub mod why;
