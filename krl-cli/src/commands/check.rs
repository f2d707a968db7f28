//! `krl check PATH...`: parse and check every ruleset, report, summarise. Lint levels come
//! from the nearest `krl.toml` (`config`), modules from the ruleset's folder and
//! `--module-path` (`modules`).

pub(crate) mod config;
mod modules;
mod sarif;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use krl_check::events::{self, EventFacts};
use krl_diagnostics::{Diagnostic, FileId, Severity, SourceDb, render};
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
    /// A SARIF 2.1.0 log on standard output, for code scanning services.
    Sarif,
}

/// What `--deny` can make fatal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Deny {
    /// Any warning makes the exit code report problems.
    Warnings,
}

#[derive(clap::Args)]
pub struct Args {
    /// Files or folders; folders are searched for `*.krl`.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
    /// `--deny warnings`: exit with the problems code when there are warnings too.
    #[arg(long, value_enum)]
    deny: Vec<Deny>,
    /// A folder to search for `use module RID` as `RID.krl`, after the ruleset's own folder.
    #[arg(long = "module-path", value_name = "DIR")]
    module_paths: Vec<PathBuf>,
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
    let mut configs = config::Configs::default();
    // Per file in `db` order: its path and lint levels.
    let mut settings: Vec<(PathBuf, Arc<krl_check::LintLevels>)> = Vec::new();
    for path in &files {
        let levels = match configs.levels_for(path) {
            Ok(levels) => levels,
            Err(err) => {
                eprintln!("error: {err}");
                return exit::USAGE;
            }
        };
        match std::fs::read_to_string(path) {
            Ok(text) => {
                db.add(path.display().to_string(), text);
                settings.push((path.clone(), levels));
            }
            Err(err) => {
                eprintln!("error: cannot read `{}`: {err}", path.display());
                io_failed = true;
            }
        }
    }
    let finder = modules::ModuleFinder::new(args.module_paths.clone());
    let ids: Vec<FileId> = db.iter().map(|(id, _)| id).collect();
    let checked: Vec<(Vec<Diagnostic>, Option<EventFacts>)> = ids
        .par_iter()
        .zip(&settings)
        .map(|(&id, (path, levels))| {
            let src = db.text(id);
            let mut parse = krl_syntax::parse_ruleset(id, src);
            // Name checks on a recovered tree would mostly report follow-up noise.
            if parse.has_errors() {
                return (parse.diagnostics, None);
            }
            let near = finder.near(path);
            let options = krl_check::Options {
                modules: Some(&near),
                levels: (**levels).clone(),
            };
            let analysis = krl_check::check_with(id, Some(src), &parse, &options);
            parse.diagnostics.extend(analysis.diagnostics);
            let facts = EventFacts::of_checked(id, &parse.ruleset);
            (parse.diagnostics, Some(facts))
        })
        .collect();
    let mut diagnostics = Vec::new();
    let mut facts = Vec::new();
    for (found, file_facts) in checked {
        diagnostics.extend(found);
        facts.extend(file_facts);
    }
    diagnostics.extend(events::unraised_events(&facts, &system_event_facts()));
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .count();
    let notes = diagnostics.len() - errors - warnings;
    let elapsed = started.elapsed();
    match args.format {
        Format::Human => {
            let color = render::should_color();
            for diagnostic in &diagnostics {
                eprint!("{}", render::to_terminal(diagnostic, &db, color));
            }
            let notes = match notes {
                0 => String::new(),
                n => format!(", {n} note{}", plural(n)),
            };
            eprintln!(
                "checked {} file{} in {:.1} ms: {} error{}, {} warning{}{notes}",
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
                "notes": notes,
                "diagnostics": diagnostics.iter().map(|d| render::to_json(d, &db)).collect::<Vec<_>>(),
            });
            println!("{report:#}");
        }
        Format::Github => {
            for diagnostic in &diagnostics {
                println!("{}", render::to_github(diagnostic, &db));
            }
        }
        Format::Sarif => println!("{:#}", sarif::to_sarif(&diagnostics, &db)),
    }
    let deny_warnings = args.deny.contains(&Deny::Warnings);
    if io_failed {
        exit::USAGE
    } else if errors > 0 || (deny_warnings && warnings > 0) {
        exit::PROBLEMS
    } else {
        exit::OK
    }
}

/// What the system rulesets produce: every engine has them, so the events they raise can
/// reach rules of the checked files.
fn system_event_facts() -> Vec<EventFacts> {
    krl_runtime::engine::system::RULESETS
        .iter()
        .map(|(_, text)| EventFacts::of(&krl_syntax::parse_ruleset(FileId(0), text).ruleset))
        .collect()
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
