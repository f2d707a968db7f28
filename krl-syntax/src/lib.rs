//! The KRL front end: lexer, error-recovering parser, syntax tree and trivia.
//!
//! Parsing never fails and never does IO: [`parse_ruleset`] always returns a tree, the
//! comments and blank lines it does not hold, and the diagnostics in source order.
//!
//! ```
//! use krl_diagnostics::FileId;
//! let parse = krl_syntax::parse_ruleset(FileId(0), r#"
//! ruleset hello.world {
//!   rule hello { select when echo hello  send_directive("say", {"something": "Hello World"}) }
//! }"#);
//! assert!(parse.diagnostics.is_empty());
//! assert_eq!(parse.ruleset.rid.name, "hello.world");
//! assert_eq!(parse.ruleset.rules().count(), 1);
//! ```

pub mod ast;
pub mod fmt;
pub mod lexer;
pub mod literal;
mod messages;
pub mod nesting;
mod parser;
mod pool;
pub mod token;
pub mod trivia;
pub mod visit;

#[allow(clippy::all, clippy::pedantic, unused_parens, unused_imports, dead_code)]
mod grammar {
    include!(concat!(env!("OUT_DIR"), "/grammar.rs"));
}

pub use parser::{LexError, Parse, ReplItem, parse_expression, parse_repl_item, parse_ruleset};
