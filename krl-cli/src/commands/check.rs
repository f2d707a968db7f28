//! `krl check PATH...`: parse and check every ruleset, report, summarise.

use std::path::PathBuf;
use std::time::Instant;

use krl_diagnostics::{Diagnostic, FileId, SourceDb, render};
use rayon::prelude::*;

use crate::exit;
use crate::files::collect_krl_files;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Source snippets for people.
    Human,
    /// One JSON document on standard output.
    Json,
    /// GitHub Actions annotations.
    Github,
}

#[derive(clap::Args)]
pub struct Args {
    /// Files or folders; folders are searched for `*.krl`.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
}

pub fn run(args: Args) -> u8 {
    let started = Instant::now();
    let files = match collect_krl_files(&args.paths) {
        Ok(files) => files,
        Err(err) => {
            eprintln!("error: {err}");
            return exit::USAGE;
        }
    };
    let mut db = SourceDb::new();
    let mut io_failed = false;
    for path in &files {
        match std::fs::read_to_string(path) {
            Ok(text) => {
                db.add(path.display().to_string(), text);
            }
            Err(err) => {
                eprintln!("error: cannot read `{}`: {err}", path.display());
                io_failed = true;
            }
        }
    }
    let ids: Vec<FileId> = db.iter().map(|(id, _)| id).collect();
    let diagnostics: Vec<Diagnostic> = ids
        .par_iter()
        .flat_map_iter(|&id| {
            let mut parse = krl_syntax::parse_ruleset(id, db.text(id));
            // Name checks on a recovered tree would mostly report follow-up noise.
            if !parse.has_errors() {
                let analysis = krl_check::check(id, &parse);
                parse.diagnostics.extend(analysis.diagnostics);
            }
            parse.diagnostics
        })
        .collect();
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    let elapsed = started.elapsed();
    match args.format {
        Format::Human => {
            let color = render::should_color();
            for diagnostic in &diagnostics {
                eprint!("{}", render::to_terminal(diagnostic, &db, color));
            }
            eprintln!(
                "checked {} file{} in {:.1} ms: {} error{}, {} warning{}",
                ids.len(),
                plural(ids.len()),
                elapsed.as_secs_f64() * 1000.0,
                errors,
                plural(errors),
                warnings,
                plural(warnings),
            );
        }
        Format::Json => {
            let report = serde_json::json!({
                "files": ids.len(),
                "errors": errors,
                "warnings": warnings,
                "diagnostics": diagnostics.iter().map(|d| render::to_json(d, &db)).collect::<Vec<_>>(),
            });
            println!("{report:#}");
        }
        Format::Github => {
            for diagnostic in &diagnostics {
                println!("{}", render::to_github(diagnostic, &db));
            }
        }
    }
    if io_failed {
        exit::USAGE
    } else if errors > 0 {
        exit::PROBLEMS
    } else {
        exit::OK
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
