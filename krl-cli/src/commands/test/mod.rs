//! `krl test [PATH...]`: runs the `*.test.toml` files found below the paths (`docs/testing.md`).
//!
//! Each test runs on a fresh in-process engine with the in-memory store and a test clock;
//! tests run in parallel on all cores, sharing rulesets compiled once. Exit 0 only when every
//! test passed, 1 when a test failed or a test file is broken, 2 when nothing could be run.
//!
//! Modules: `format` (the file format, with spans), `clock` (dates and durations), `library`
//! (rulesets compiled once, rule locations), `runner` (one test), `compare` (matching and
//! diffs), `snapshot` (stored directives), `coverage`, `report` (human, json, junit),
//! `watch` (re-run on change).

mod clock;
mod compare;
mod coverage;
mod format;
mod library;
mod report;
mod runner;
mod snapshot;
mod watch;

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use super::tier::TierArgs;
use crate::exit;
use format::TestFile;
use library::Library;
use report::{RunReport, TestReport};
use runner::Snapshots;

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
    Junit,
}

#[derive(clap::Args, Clone)]
pub struct Args {
    /// Test files or folders searched for `*.test.toml` (default: the current folder).
    paths: Vec<PathBuf>,
    /// Run only tests whose `file › name` contains this text.
    #[arg(long)]
    filter: Option<String>,
    /// Stop starting tests after the first failure.
    #[arg(long)]
    fail_fast: bool,
    /// Watch the test files and rulesets and run again whenever one changes.
    #[arg(long)]
    watch: bool,
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
    /// Record the directives of `snapshot` steps as the new stored snapshots.
    #[arg(long)]
    accept: bool,
    /// Report which rules ran, which never did, and which postlude branches ran.
    #[arg(long)]
    coverage: bool,
    #[command(flatten)]
    tier: TierArgs,
}

pub fn run(args: Args) -> u8 {
    args.tier.apply();
    if args.watch {
        return watch::run(&args);
    }
    run_once(&args)
}

/// Finds, runs and reports the tests once; returns the exit code.
fn run_once(args: &Args) -> u8 {
    let started = Instant::now();
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let found = match find_test_files(&paths) {
        Ok(found) => found,
        Err(err) => {
            eprintln!("error: {err}");
            return exit::USAGE;
        }
    };
    if found.is_empty() {
        eprintln!("error: no test files (`*.test.toml`) found");
        return exit::USAGE;
    }
    let (files, mut file_errors) = read_test_files(found);
    let mut stored = Vec::with_capacity(files.len());
    for file in &files {
        stored.push(snapshot::load(&file.path).unwrap_or_else(|err| {
            file_errors.push((file.path.clone(), format!("error: {err}\n")));
            BTreeMap::new()
        }));
    }
    let library = Library::load(&files);
    for ruleset in library.all().into_iter().chain(library.system_problems()) {
        if let Some(problems) = &ruleset.problems {
            file_errors.push((ruleset.path.clone(), problems.clone()));
        }
    }
    let jobs = selected_tests(&files, args.filter.as_deref());
    let filtered_out = files.iter().map(|f| f.tests.len()).sum::<usize>() - jobs.len();
    let progress = Progress::new(jobs.len(), args.format == Format::Human);
    let stop = AtomicBool::new(false);
    let results: Vec<Option<TestReport>> = jobs
        .par_iter()
        .map(|&(file_idx, test_idx)| {
            if stop.load(Ordering::Relaxed) {
                return None;
            }
            let file = &files[file_idx];
            let test = &file.tests[test_idx];
            let snapshots = Snapshots {
                stored: Some(&stored[file_idx]),
                accept: args.accept,
            };
            let outcome = runner::run_test(test, &file.src, &library, &snapshots, args.coverage);
            if outcome.failure.is_some() && args.fail_fast {
                stop.store(true, Ordering::Relaxed);
            }
            progress.tick(outcome.failure.is_some());
            Some(TestReport {
                file: file.path.clone(),
                name: test.name.clone(),
                outcome,
            })
        })
        .collect();
    progress.finish();
    let skipped_by_fail_fast = results.iter().filter(|r| r.is_none()).count();
    let mut tests: Vec<TestReport> = results.into_iter().flatten().collect();
    if args.accept {
        accept_snapshots(&files, &mut tests);
    }
    let coverage = args.coverage.then(|| {
        let mut coverage = coverage::Coverage::default();
        for test in &tests {
            coverage.add(&test.outcome.trace);
        }
        coverage
    });
    let report = RunReport {
        tests,
        file_errors,
        skipped: filtered_out + skipped_by_fail_fast,
        elapsed: started.elapsed(),
    };
    let text = render_report(args.format, &report, coverage.as_ref(), &library);
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
    if report.ok() { exit::OK } else { exit::PROBLEMS }
}

/// Reads and parses each test file; a file that cannot be read or parsed becomes its report.
fn read_test_files(found: Vec<PathBuf>) -> (Vec<TestFile>, Vec<(PathBuf, String)>) {
    let mut files = Vec::new();
    let mut file_errors = Vec::new();
    for path in found {
        match std::fs::read_to_string(&path) {
            Ok(src) => match format::parse(&path, &src) {
                Ok(file) => files.push(file),
                Err(err) => file_errors.push((path.clone(), err.render(&path, &src))),
            },
            Err(err) => file_errors.push((path.clone(), format!("{}: error: {err}\n", path.display()))),
        }
    }
    (files, file_errors)
}

/// The tests to run as `(file, test)` indexes: those whose full name contains `filter`.
fn selected_tests(files: &[TestFile], filter: Option<&str>) -> Vec<(usize, usize)> {
    files
        .iter()
        .enumerate()
        .flat_map(|(file_idx, file)| (0..file.tests.len()).map(move |test_idx| (file_idx, test_idx)))
        .filter(|&(file_idx, test_idx)| {
            filter.is_none_or(|filter| {
                let file = &files[file_idx];
                full_name(&file.path, &file.tests[test_idx].name).contains(filter)
            })
        })
        .collect()
}

/// The whole run's report in the chosen format, with the coverage when it was asked for.
fn render_report(
    format: Format,
    report: &RunReport,
    coverage: Option<&coverage::Coverage>,
    library: &Library,
) -> String {
    match format {
        Format::Human => {
            let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            let mut text = report::human(report, color);
            if let Some(coverage) = coverage {
                text.push_str(&coverage.to_text(library));
            }
            text
        }
        Format::Json => report::json(report, coverage.map(|c| c.to_json(library))),
        Format::Junit => report::junit(
            report,
            coverage.map(|c| report::JunitCoverage {
                properties: c.to_properties(library),
                text: c.to_text(library),
            }),
        ),
    }
}

/// Writes the snapshots `--accept` observed, one file per test file.
fn accept_snapshots(files: &[TestFile], tests: &mut [TestReport]) {
    for file in files {
        let updates: Vec<(String, serde_json::Value)> = tests
            .iter_mut()
            .filter(|t| t.file == file.path)
            .flat_map(|t| std::mem::take(&mut t.outcome.observed_snapshots))
            .collect();
        match snapshot::store(&file.path, updates) {
            Ok(0) => {}
            Ok(count) => eprintln!(
                "recorded {count} snapshot(s) in {}",
                snapshot::path_for(&file.path).display()
            ),
            Err(err) => eprintln!(
                "error: cannot write the snapshots of {}: {err}",
                file.path.display()
            ),
        }
    }
}

/// `path › test name`, what `--filter` matches.
fn full_name(path: &Path, name: &str) -> String {
    format!("{} › {name}", path.display())
}

/// Expands the paths: folders give every `*.test.toml` below them; files are taken as named.
fn find_test_files(paths: &[PathBuf]) -> std::io::Result<Vec<PathBuf>> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
        for entry in std::fs::read_dir(dir)? {
            let path = entry?.path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            if path.is_dir() {
                if !matches!(name, "node_modules" | "target" | ".git") {
                    walk(&path, out)?;
                }
            } else if name.ends_with(".test.toml") {
                out.push(path);
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            walk(path, &mut out)?;
        } else if path.is_file() {
            out.push(path.clone());
        } else {
            return Err(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!("`{}` does not exist", path.display()),
            ));
        }
    }
    // `krl test` in a folder names its files `x.test.toml`, not `./x.test.toml`.
    let mut out: Vec<PathBuf> = out
        .into_iter()
        .map(|p| p.strip_prefix("./").map(Path::to_path_buf).unwrap_or(p))
        .collect();
    out.sort();
    out.dedup();
    Ok(out)
}

/// A one-line progress count on a terminal's standard error for long runs.
struct Progress {
    total: usize,
    done: AtomicUsize,
    failed: AtomicUsize,
    enabled: bool,
    last: Mutex<Instant>,
}

impl Progress {
    fn new(total: usize, human: bool) -> Progress {
        Progress {
            total,
            done: AtomicUsize::new(0),
            failed: AtomicUsize::new(0),
            // Short runs finish before a count could be read.
            enabled: human && total >= 200 && std::io::stderr().is_terminal(),
            last: Mutex::new(Instant::now()),
        }
    }

    fn tick(&self, failed: bool) {
        let done = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        let failed = self.failed.fetch_add(usize::from(failed), Ordering::Relaxed) + usize::from(failed);
        if !self.enabled {
            return;
        }
        let Ok(mut last) = self.last.try_lock() else {
            return;
        };
        if last.elapsed() >= Duration::from_millis(100) {
            *last = Instant::now();
            eprint!("\r{done}/{} tests run, {failed} failed", self.total);
        }
    }

    fn finish(&self) {
        if self.enabled {
            eprint!("\r\x1b[2K");
        }
    }
}
