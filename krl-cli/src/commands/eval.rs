//! `krl eval 'EXPR'`: evaluate one expression (optionally in a ruleset's global scope).

use std::path::PathBuf;

use krl_diagnostics::{SourceDb, render};
use krl_jit::{EvalError, Session, display};
use krl_runtime::{TestHost, Value};

use crate::exit;

#[derive(clap::Args)]
pub struct Args {
    /// The expression (or `name = value` declaration) to evaluate.
    #[arg(allow_hyphen_values = true)]
    expr: String,
    /// Evaluate in the scope of this ruleset's `configure using` and `global` declarations.
    #[arg(short = 'f', long = "file")]
    file: Option<PathBuf>,
    /// Print the value as a KRL literal instead of JSON.
    #[arg(long)]
    krl: bool,
}

pub fn run(args: Args) -> u8 {
    let mut db = SourceDb::new();
    let mut session = Session::new();
    let mut host = TestHost::new();
    if let Some(path) = &args.file {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(err) => {
                eprintln!("error: cannot read `{}`: {err}", path.display());
                return exit::USAGE;
            }
        };
        let file = db.add(path.display().to_string(), text);
        if let Err(err) = session.load_ruleset(file, db.text(file), &mut host) {
            report(&err, &db);
            return exit::PROBLEMS;
        }
    }
    let file = db.add("<expr>", args.expr.as_str());
    match session.eval_input(file, db.text(file), &mut host) {
        Ok(value) => {
            println!("{}", show(&value, args.krl));
            exit::OK
        }
        Err(err) => {
            report(&err, &db);
            exit::PROBLEMS
        }
    }
}

/// A value as JSON (two-space indented) or as a KRL literal.
pub fn show(value: &Value, as_krl: bool) -> String {
    if as_krl {
        display::krl_literal(value)
    } else {
        value.encode(2).unwrap_or_else(|| "null".to_string())
    }
}

pub fn report(err: &EvalError, db: &SourceDb) {
    for diagnostic in err.diagnostics() {
        eprint!("{}", render::to_terminal(&diagnostic, db, render::should_color()));
    }
}
