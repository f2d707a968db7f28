//! `krl parse FILE --json`: the syntax tree as JSON, for tools and for debugging the parser.
//!
//! The output is `{"ruleset": ..., "comments": [...], "diagnostics": [...]}`. Every node
//! carries `span: {start, end}` (UTF-8 byte offsets); enums are tagged with `"type"`, using
//! the node names of `krl_syntax::ast`. The exit code is 1 when the file has syntax errors;
//! the recovered tree is printed all the same.

use std::path::PathBuf;

use krl_diagnostics::{SourceDb, render};

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
    let output = serde_json::json!({
        "ruleset": parse.ruleset,
        "comments": parse.trivia.comments,
        "diagnostics": diagnostics,
    });
    println!("{output:#}");
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
