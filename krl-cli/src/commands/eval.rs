//! `krl eval 'EXPR'`: evaluate one expression (optionally in a ruleset's global scope) on
//! a pico of an in-process engine (`scratch.rs`), so the built-in modules and `ent:` work.

use std::path::PathBuf;

use krl_diagnostics::{SourceDb, render};
use krl_jit::{EvalError, Session, display};
use krl_runtime::Value;

use super::scratch::{self, EngineArgs, Scratch};
use super::tier::TierArgs;
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
    #[command(flatten)]
    engine: EngineArgs,
    #[command(flatten)]
    tier: TierArgs,
}

pub fn run(args: Args) -> u8 {
    args.tier.apply();
    let mut scratch = match Scratch::open(&args.engine) {
        Ok(scratch) => scratch,
        Err(err) => {
            eprintln!("error: {err:#}");
            return exit::USAGE;
        }
    };
    let mut db = SourceDb::new();
    let mut session = Session::new();
    if let Some(path) = &args.file {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(err) => {
                eprintln!("error: cannot read `{}`: {err}", path.display());
                return exit::USAGE;
            }
        };
        let file = db.add(path.display().to_string(), text);
        if let Err(err) = scratch.load_scope(&mut session, file, db.text(file)) {
            report(&err, &db);
            return exit::PROBLEMS;
        }
    }
    match eval_line(&scratch, &mut session, &mut db, "<expr>", &args.expr) {
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

/// Evaluates one line of input named `name`: `ent:x := expr`, a declaration or an
/// expression.
pub fn eval_line(
    scratch: &Scratch,
    session: &mut Session,
    db: &mut SourceDb,
    name: &str,
    input: &str,
) -> Result<Value, EvalError> {
    match scratch::ent_assignment(input) {
        Some((var, offset)) => {
            let file = db.add(name, &input[offset..]);
            scratch.assign_ent(session, var, file, db.text(file))
        }
        None => {
            let file = db.add(name, input);
            scratch.eval_input(session, file, db.text(file))
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
