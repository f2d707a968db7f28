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
    /// The expression (or `name = value` declaration) to evaluate. May be left out with
    /// `--dump-ir -f FILE`, which then prints the whole ruleset's IR.
    #[arg(allow_hyphen_values = true, required_unless_present = "dump_ir")]
    expr: Option<String>,
    /// Evaluate in the scope of this ruleset's `configure using` and `global` declarations.
    #[arg(short = 'f', long = "file")]
    file: Option<PathBuf>,
    /// Print the value as a KRL literal instead of JSON.
    #[arg(long)]
    krl: bool,
    /// Print the lowered IR (names resolved to frame slots) instead of evaluating:
    /// of EXPR, in the scope of `-f FILE` when given; of the whole ruleset with `-f FILE`
    /// and no EXPR. Exits with 1 when the IR verifier finds a broken invariant.
    #[arg(long)]
    dump_ir: bool,
    #[command(flatten)]
    engine: EngineArgs,
    #[command(flatten)]
    tier: TierArgs,
}

pub fn run(args: Args) -> u8 {
    args.tier.apply();
    if args.dump_ir {
        return dump_ir(&args);
    }
    let Some(expr) = &args.expr else {
        eprintln!("error: an expression to evaluate is required");
        return exit::USAGE;
    };
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
    match eval_line(&scratch, &mut session, &mut db, "<expr>", expr) {
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

/// `--dump-ir`: prints the IR of the expression or of the whole file, then what the
/// verifier found.
fn dump_ir(args: &Args) -> u8 {
    let mut db = SourceDb::new();
    let file_text = match &args.file {
        None => None,
        Some(path) => match std::fs::read_to_string(path) {
            Ok(text) => Some((path.display().to_string(), text)),
            Err(err) => {
                eprintln!("error: cannot read `{}`: {err}", path.display());
                return exit::USAGE;
            }
        },
    };
    let dump = match (&args.expr, file_text) {
        (None, None) => {
            eprintln!("error: `--dump-ir` needs an expression or `-f FILE`");
            return exit::USAGE;
        }
        (None, Some((name, text))) => {
            let file = db.add(name, text);
            krl_jit::ruleset::dump(file, db.text(file)).map_err(EvalError::Compile)
        }
        (Some(expr), file_text) => {
            let mut scratch = match Scratch::open(&args.engine) {
                Ok(scratch) => scratch,
                Err(err) => {
                    eprintln!("error: {err:#}");
                    return exit::USAGE;
                }
            };
            let mut session = Session::new();
            if let Some((name, text)) = file_text {
                let file = db.add(name, text);
                if let Err(err) = scratch.load_scope(&mut session, file, db.text(file)) {
                    report(&err, &db);
                    return exit::PROBLEMS;
                }
            }
            let file = db.add("<expr>", expr.as_str());
            session.dump_ir(file, db.text(file))
        }
    };
    match dump {
        Ok(dump) => {
            print!("{}", dump.text);
            for problem in &dump.problems {
                eprintln!("error: invalid IR: {problem}");
            }
            if dump.problems.is_empty() {
                exit::OK
            } else {
                exit::PROBLEMS
            }
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
