//! `krl fmt`: one canonical layout for KRL, with every comment kept. The house style is
//! described in `docs/fmt.md`.
//!
//! The formatter turns the syntax tree into a [`doc::Doc`] (groups, indentation, line breaks)
//! and renders it for the line width. Comments are not in the tree: [`comments`] walks the
//! trivia table alongside the tree and puts each comment back before the node that follows it
//! (on its own line when it stood on its own line, at the end of the line otherwise). Literal
//! text (numbers, strings, regexes, chevrons) is copied from the source unchanged.
//!
//! Invariants, checked by `krl-syntax/tests/fmt.rs`: formatting is idempotent, the output
//! parses to the same tree as the input (spans aside), and every comment survives in order.
//! Files with syntax errors are never formatted.
//!
//! ```
//! use krl_syntax::fmt::{FormatOptions, format_source};
//! let src = "ruleset a.b { rule r { select when x y  send_directive(\"hi\") } }";
//! let out = format_source(krl_diagnostics::FileId(0), src, &FormatOptions::default()).unwrap();
//! assert_eq!(out, "ruleset a.b {\n  rule r {\n    select when x y\n    send_directive(\"hi\")\n  }\n}\n");
//! ```

/// Concatenates docs: `cat![a, " = ", b]`.
macro_rules! cat {
    ($($part:expr),* $(,)?) => {
        $crate::fmt::doc::Doc::Concat(vec![$($crate::fmt::doc::Doc::from($part)),*])
    };
}

mod comments;
pub mod doc;
mod event;
mod expr;
mod rule;

use std::fmt;

use krl_diagnostics::{Diagnostic, FileId};

use crate::Parse;
use crate::trivia::Trivia;
use comments::Comments;

/// Layout settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormatOptions {
    /// The line width the formatter aims for (lines with long literals may exceed it).
    pub width: usize,
}

impl Default for FormatOptions {
    fn default() -> Self {
        FormatOptions { width: 100 }
    }
}

/// Why a file was not formatted.
#[derive(Debug)]
pub enum FormatError {
    /// The file has syntax errors; formatting it could lose code. Holds the parse diagnostics.
    Syntax { diagnostics: Vec<Diagnostic> },
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FormatError::Syntax { diagnostics } => {
                let n_errors = diagnostics.iter().filter(|d| d.is_error()).count();
                write!(
                    f,
                    "not formatted: {n_errors} syntax error{}",
                    if n_errors == 1 { "" } else { "s" }
                )
            }
        }
    }
}

impl std::error::Error for FormatError {}

/// Formats a parsed ruleset. `parse` must come from `src`; files with syntax errors are
/// refused with their diagnostics.
pub fn format_ruleset<'a>(
    src: &'a str,
    parse: &'a Parse,
    options: &FormatOptions,
) -> Result<String, FormatError> {
    if parse.has_errors() {
        return Err(FormatError::Syntax {
            diagnostics: parse.diagnostics.clone(),
        });
    }
    if parse.ruleset.is_empty() {
        // Only comments or whitespace: a placeholder, kept exactly as its author wrote it.
        return Ok(src.to_string());
    }
    let mut printer = Printer::new(src, &parse.trivia);
    let doc = printer.file(&parse.ruleset);
    Ok(doc::render(&doc, options.width.max(1)))
}

/// Parses and formats `src`.
pub fn format_source(file: FileId, src: &str, options: &FormatOptions) -> Result<String, FormatError> {
    let parse = crate::parse_ruleset(file, src);
    format_ruleset(src, &parse, options)
}

/// Builds the document for one file: the source (for literal text) and the comment cursor.
pub(crate) struct Printer<'a> {
    src: &'a str,
    comments: Comments<'a>,
}

impl<'a> Printer<'a> {
    fn new(src: &'a str, trivia: &'a Trivia) -> Printer<'a> {
        Printer {
            src,
            comments: Comments::new(src, trivia),
        }
    }

    /// The source text of a span.
    fn slice(&self, span: krl_diagnostics::Span) -> &'a str {
        self.src
            .get(span.start as usize..span.end as usize)
            .unwrap_or_default()
    }
}
