//! Spans, source files and diagnostics shared by every crate of the KRL toolchain.
//!
//! ```
//! use krl_diagnostics::{codes, Diagnostic, FileSpan, SourceDb, Span};
//! let mut db = SourceDb::new();
//! let file = db.add("hello.krl", "ruleset hello {\n  rule a { select when a b noop() }\n}\n");
//! let diagnostic = Diagnostic::error(codes::UNEXPECTED_TOKEN, FileSpan::new(file, Span::new(0, 7)), "just an example");
//! let text = krl_diagnostics::render::to_terminal(&diagnostic, &db, false);
//! assert!(text.contains("E0100"));
//! ```

pub mod codes;
mod diagnostic;
pub mod render;
mod snippet;
mod source;
mod span;
pub mod suggest;

pub use codes::{Code, CodeInfo};
pub use diagnostic::{Diagnostic, Label, Severity};
pub use source::{Files, HumanLineCol, LineCol, LineIndex, SourceDb, SourceFile, Utf16LineCol};
pub use span::{FileId, FileSpan, Span};
