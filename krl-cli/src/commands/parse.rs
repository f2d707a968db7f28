//! `krl parse FILE --json`: the syntax tree as JSON, for tools and for debugging the parser.
//!
//! The output is `{"ruleset": ..., "comments": [...], "diagnostics": [...]}`. Every node
//! carries `span: {start, end}` (UTF-8 byte offsets); enums are tagged with `"type"`, using
//! the node names of `krl_syntax::ast`. The exit code is 1 when the file has syntax errors;
//! the recovered tree is printed all the same.

use std::io;
use std::path::PathBuf;

use krl_diagnostics::{SourceDb, render};
use serde::Serialize;
use serde_json::ser::Formatter;

use crate::exit;

#[derive(clap::Args)]
pub struct Args {
    file: PathBuf,
    /// Print JSON (the only format for now; kept explicit for future formats).
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args) -> u8 {
    let text = match std::fs::read_to_string(&args.file) {
        Ok(text) => text,
        Err(err) => {
            eprintln!("error: cannot read `{}`: {err}", args.file.display());
            return exit::USAGE;
        }
    };
    let mut db = SourceDb::new();
    let file = db.add(args.file.display().to_string(), text);
    let parse = krl_syntax::parse_ruleset(file, db.text(file));
    let diagnostics: Vec<_> = parse
        .diagnostics
        .iter()
        .map(|d| render::to_json(d, &db))
        .collect();
    let output = Output {
        ruleset: &parse.ruleset,
        comments: &parse.trivia.comments,
        diagnostics,
    };
    println!("{}", to_json(&output));
    if !args.json {
        for diagnostic in &parse.diagnostics {
            eprint!("{}", render::to_terminal(diagnostic, &db, render::should_color()));
        }
    }
    if parse.has_errors() {
        exit::PROBLEMS
    } else {
        exit::OK
    }
}

/// What `krl parse` prints, in this key order.
#[derive(Serialize)]
struct Output<'a> {
    ruleset: &'a krl_syntax::ast::Ruleset,
    comments: &'a [krl_syntax::trivia::Comment],
    diagnostics: Vec<serde_json::Value>,
}

/// Pretty-printed JSON.
fn to_json(value: &impl Serialize) -> String {
    let mut out = Vec::new();
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, CappedIndent::default());
    value
        .serialize(&mut serializer)
        .expect("a syntax tree always serialises");
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

/// Indentation stops growing past this many levels.
const MAX_INDENT_LEVELS: usize = 32;

/// serde_json's pretty layout (two spaces per level, one value per line), except that the
/// indentation stops growing at [`MAX_INDENT_LEVELS`]: with indentation proportional to the
/// depth, a tree nested `n` deep would print in `n²` bytes.
#[derive(Default)]
struct CappedIndent {
    level: usize,
    has_value: bool,
}

impl CappedIndent {
    fn indent<W: ?Sized + io::Write>(&self, writer: &mut W) -> io::Result<()> {
        for _ in 0..self.level.min(MAX_INDENT_LEVELS) {
            writer.write_all(b"  ")?;
        }
        Ok(())
    }

    fn open<W: ?Sized + io::Write>(&mut self, writer: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.level += 1;
        self.has_value = false;
        writer.write_all(bracket)
    }

    fn close<W: ?Sized + io::Write>(&mut self, writer: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.level -= 1;
        if self.has_value {
            writer.write_all(b"\n")?;
            self.indent(writer)?;
        }
        writer.write_all(bracket)
    }

    fn item<W: ?Sized + io::Write>(&mut self, writer: &mut W, first: bool) -> io::Result<()> {
        writer.write_all(if first { b"\n" } else { b",\n" })?;
        self.indent(writer)
    }
}

impl Formatter for CappedIndent {
    fn begin_array<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.open(writer, b"[")
    }

    fn end_array<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.close(writer, b"]")
    }

    fn begin_array_value<W: ?Sized + io::Write>(&mut self, writer: &mut W, first: bool) -> io::Result<()> {
        self.item(writer, first)
    }

    fn end_array_value<W: ?Sized + io::Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.open(writer, b"{")
    }

    fn end_object<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.close(writer, b"}")
    }

    fn begin_object_key<W: ?Sized + io::Write>(&mut self, writer: &mut W, first: bool) -> io::Result<()> {
        self.item(writer, first)
    }

    fn begin_object_value<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        writer.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + io::Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}
