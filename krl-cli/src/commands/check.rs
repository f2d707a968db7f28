//! `krl check PATH...`: parse and check every ruleset, report, summarise. Lint levels come
//! from the nearest `krl.toml` (`config`), modules from the ruleset's folder and
//! `--module-path` (`modules`).

pub(crate) mod config;
mod modules;
mod sarif;

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use krl_check::events::{self, EventFacts};
use krl_diagnostics::{Diagnostic, FileId, Severity, SourceDb, SourceFile, render};
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
    let loaded = match load(&files) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    let Loaded {
        db,
        settings,
        io_failed,
    } = loaded;
    let finder = modules::ModuleFinder::new(args.module_paths.clone());
    let renderer = render::Renderer::new(&db);
    let color = args.format == Format::Human && render::should_color();
    let ids: Vec<FileId> = db.iter().map(|(id, _)| id).collect();
    // Each file is checked and its report rendered on one core, while its text and tree are
    // still in that core's cache; the notes that need every file (`unraised-event`, a few)
    // are then rendered onto the end of their files' reports, and the reports are printed
    // in file order.
    // The system rulesets are parsed alongside, not after, the checked files.
    let (mut checked, system_facts): (Vec<(Checked, Option<EventFacts>)>, _) = rayon::join(
        || {
            ids.par_iter()
                .zip(&settings)
                .map(|(&id, (path, levels))| {
                    let (diagnostics, facts) = check_file(&db, id, path, levels, &finder);
                    (
                        render_file(diagnostics, args.format, &renderer, &db, color),
                        facts,
                    )
                })
                .collect()
        },
        system_event_facts,
    );
    let facts: Vec<EventFacts> = checked.iter_mut().filter_map(|(_, facts)| facts.take()).collect();
    for note in events::unraised_events(&facts, &system_facts) {
        if let Some(idx) = ids.iter().position(|&id| id == note.primary.at.file) {
            render_onto(&mut checked[idx].0, note, args.format, &renderer, &db, color);
        }
    }
    let checked: Vec<Checked> = checked.into_iter().map(|(checked, _)| checked).collect();
    let counts = Counts::of(&checked);
    // A closed pipe (`krl check . | head`) ends the output early; that is not an error.
    let _ = report(args.format, &db, ids.len(), counts, checked, started);
    let deny_warnings = args.deny.contains(&Deny::Warnings);
    if io_failed {
        exit::USAGE
    } else if counts.errors > 0 || (deny_warnings && counts.warnings > 0) {
        exit::PROBLEMS
    } else {
        exit::OK
    }
}

/// The files that could be read, each with its path and lint levels in `db` order.
struct Loaded<'a> {
    db: SourceDb,
    settings: Vec<(&'a Path, Arc<krl_check::LintLevels>)>,
    /// A file could not be read (reported already); the exit code says so.
    io_failed: bool,
}

/// Reads every file and finds its `krl.toml`; `Err` is the exit code of a bad `krl.toml`.
fn load(files: &[PathBuf]) -> Result<Loaded<'_>, u8> {
    // Reading and the `krl.toml` search start cost system calls per file: made on every core.
    // Line indexes are built on first use, for the files that get a report.
    let loaded: Vec<(PathBuf, std::io::Result<SourceFile>)> = files
        .par_iter()
        .map(|path| {
            let file =
                std::fs::read_to_string(path).map(|text| SourceFile::new(path.display().to_string(), text));
            (config::search_start(path), file)
        })
        .collect();
    let mut db = SourceDb::new();
    let mut io_failed = false;
    let mut configs = config::Configs::default();
    let mut settings = Vec::new();
    for (path, (dir, file)) in files.iter().zip(loaded) {
        let levels = match configs.levels_in(&dir) {
            Ok(levels) => levels,
            Err(err) => {
                eprintln!("error: {err}");
                return Err(exit::USAGE);
            }
        };
        match file {
            Ok(file) => {
                db.add_file(file);
                settings.push((path.as_path(), levels));
            }
            Err(err) => {
                eprintln!("error: cannot read `{}`: {err}", path.display());
                io_failed = true;
            }
        }
    }
    Ok(Loaded {
        db,
        settings,
        io_failed,
    })
}

/// One file's diagnostics and their text in `format` (SARIF is written whole, in [`report`]).
fn render_file(
    diagnostics: Vec<Diagnostic>,
    format: Format,
    renderer: &render::Renderer<'_>,
    db: &SourceDb,
    color: bool,
) -> Checked {
    let mut checked = Checked {
        diagnostics: Vec::with_capacity(diagnostics.len()),
        text: String::new(),
    };
    for diagnostic in diagnostics {
        render_onto(&mut checked, diagnostic, format, renderer, db, color);
    }
    checked
}

/// Adds one diagnostic to the end of a file's report, with its text in `format`.
fn render_onto(
    checked: &mut Checked,
    diagnostic: Diagnostic,
    format: Format,
    renderer: &render::Renderer<'_>,
    db: &SourceDb,
    color: bool,
) {
    let text = &mut checked.text;
    match format {
        Format::Human => renderer.write_terminal(&diagnostic, color, text),
        Format::Json => {
            if !checked.diagnostics.is_empty() {
                text.push_str(",\n");
            }
            json_item(&render::to_json(&diagnostic, db), text);
        }
        Format::Github => {
            text.push_str(&render::to_github(&diagnostic, db));
            text.push('\n');
        }
        Format::Sarif => {}
    }
    checked.diagnostics.push(diagnostic);
}

/// Writes the reports in file order and, for people, the summary line.
fn report(
    format: Format,
    db: &SourceDb,
    files: usize,
    counts: Counts,
    checked: Vec<Checked>,
    started: Instant,
) -> std::io::Result<()> {
    match format {
        Format::Human => {
            let elapsed = started.elapsed();
            let mut out = BufWriter::new(std::io::stderr().lock());
            write_texts(&mut out, &checked)?;
            let notes = match counts.notes {
                0 => String::new(),
                n => format!(", {n} note{}", plural(n)),
            };
            writeln!(
                out,
                "checked {files} file{} in {:.1} ms: {} error{}, {} warning{}{notes}",
                plural(files),
                elapsed.as_secs_f64() * 1000.0,
                counts.errors,
                plural(counts.errors),
                counts.warnings,
                plural(counts.warnings),
            )
        }
        Format::Json => {
            let mut out = BufWriter::new(std::io::stdout().lock());
            write_json_report(&mut out, files, counts, &checked)
        }
        Format::Github => write_texts(&mut BufWriter::new(std::io::stdout().lock()), &checked),
        Format::Sarif => {
            let diagnostics: Vec<Diagnostic> =
                checked.into_iter().flat_map(|file| file.diagnostics).collect();
            writeln!(
                std::io::stdout().lock(),
                "{:#}",
                sarif::to_sarif(&diagnostics, db)
            )
        }
    }
}

/// How many diagnostics of each kind the report holds; notes count apart from warnings, and
/// `--deny warnings` ignores them.
#[derive(Clone, Copy)]
struct Counts {
    errors: usize,
    warnings: usize,
    notes: usize,
}

impl Counts {
    fn of(checked: &[Checked]) -> Counts {
        let mut counts = Counts {
            errors: 0,
            warnings: 0,
            notes: 0,
        };
        for diagnostic in checked.iter().flat_map(|file| &file.diagnostics) {
            if diagnostic.is_error() {
                counts.errors += 1;
            } else if diagnostic.severity == Severity::Warning {
                counts.warnings += 1;
            } else {
                counts.notes += 1;
            }
        }
        counts
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

/// One checked file: its diagnostics, and their rendering in the chosen format.
struct Checked {
    diagnostics: Vec<Diagnostic>,
    text: String,
}

/// Parses and checks one file: lexical and syntax diagnostics, then (on a clean parse) the
/// checker's, and what the file raises and selects, for the notes across files.
fn check_file(
    db: &SourceDb,
    id: FileId,
    path: &Path,
    levels: &krl_check::LintLevels,
    finder: &modules::ModuleFinder,
) -> (Vec<Diagnostic>, Option<EventFacts>) {
    let src = db.text(id);
    let mut parse = krl_syntax::parse_ruleset(id, src);
    // Name checks on a recovered tree would mostly report follow-up noise.
    if !parse.has_errors() {
        let near = finder.near(path);
        let options = krl_check::Options {
            modules: Some(&near),
            levels: levels.clone(),
        };
        let analysis = krl_check::check_with(id, Some(src), &parse, &options);
        parse.diagnostics.extend(analysis.diagnostics);
        return (parse.diagnostics, Some(analysis.events));
    }
    (parse.diagnostics, None)
}

fn write_texts(out: &mut impl Write, checked: &[Checked]) -> std::io::Result<()> {
    for file in checked {
        out.write_all(file.text.as_bytes())?;
    }
    out.flush()
}

/// One diagnostic of the JSON report, as `serde_json`'s pretty printer lays it out inside the
/// report's `diagnostics` array: four spaces in, no line break after the last line. Strings
/// in JSON hold no raw line breaks, so indenting line by line is safe.
fn json_item(diagnostic: &serde_json::Value, out: &mut String) {
    let pretty = format!("{diagnostic:#}");
    for (idx, line) in pretty.lines().enumerate() {
        if idx > 0 {
            out.push('\n');
        }
        out.push_str("    ");
        out.push_str(line);
    }
}

/// The `--format json` document, laid out as `serde_json`'s pretty printer would lay out
/// `{"files", "errors", "warnings", "notes", "diagnostics": [...]}`, from the items
/// [`json_item`] made.
fn write_json_report(
    out: &mut impl Write,
    files: usize,
    counts: Counts,
    checked: &[Checked],
) -> std::io::Result<()> {
    let Counts {
        errors,
        warnings,
        notes,
    } = counts;
    write!(
        out,
        "{{\n  \"files\": {files},\n  \"errors\": {errors},\n  \"warnings\": {warnings},\n  \"notes\": {notes},\n  \"diagnostics\": ["
    )?;
    let mut first = true;
    for file in checked.iter().filter(|file| !file.text.is_empty()) {
        out.write_all(if first { b"\n" } else { b",\n" })?;
        first = false;
        out.write_all(file.text.as_bytes())?;
    }
    out.write_all(if first { b"]\n}\n" } else { b"\n  ]\n}\n" })?;
    out.flush()
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The report written piece by piece is what `serde_json`'s pretty printer makes of the
    /// whole document.
    #[test]
    fn the_json_report_is_laid_out_as_serde_json_lays_it_out() {
        let mut db = SourceDb::new();
        let a = db.add("a.krl", "ruleset a {\n  rule b {}\n}\n");
        let b = db.add("b.krl", "ruleset b {}\n");
        let at =
            |file, start, end| krl_diagnostics::FileSpan::new(file, krl_diagnostics::Span::new(start, end));
        let code = krl_diagnostics::codes::UNEXPECTED_TOKEN;
        let files = [
            vec![
                Diagnostic::warning(code, at(a, 14, 18), "one").with_note("a note"),
                Diagnostic::error(code, at(a, 0, 7), "two \"quoted\"").with_related(at(b, 0, 7), "here"),
            ],
            Vec::new(),
            vec![Diagnostic::warning(code, at(b, 8, 9), "three").with_help("fix it")],
        ];
        for shown in [&files[..0], &files[1..2], &files[..1], &files[..]] {
            let checked: Vec<Checked> = shown
                .iter()
                .map(|diagnostics| {
                    let mut text = String::new();
                    for (idx, d) in diagnostics.iter().enumerate() {
                        if idx > 0 {
                            text.push_str(",\n");
                        }
                        json_item(&render::to_json(d, &db), &mut text);
                    }
                    Checked {
                        diagnostics: diagnostics.clone(),
                        text,
                    }
                })
                .collect();
            let all: Vec<&Diagnostic> = shown.iter().flatten().collect();
            let expected = serde_json::json!({
                "files": 2,
                "errors": 1,
                "warnings": 2,
                "notes": 0,
                "diagnostics": all.iter().map(|d| render::to_json(d, &db)).collect::<Vec<_>>(),
            });
            let mut out = Vec::new();
            let counts = Counts {
                errors: 1,
                warnings: 2,
                notes: 0,
            };
            write_json_report(&mut out, 2, counts, &checked).expect("a Vec takes any write");
            assert_eq!(String::from_utf8_lossy(&out), format!("{expected:#}\n"));
        }
    }
}
