//! `krl fmt [PATH...]`: rewrite rulesets in the canonical layout (`docs/fmt.md`).
//!
//! - Files and folders (searched for `*.krl`) are rewritten in place; no path means the
//!   current folder.
//! - `--check` rewrites nothing: it prints a unified diff for each file that is not
//!   formatted and exits 1 if there is any.
//! - `-` reads standard input and writes the result to standard output.
//! - Files with syntax errors are reported with their diagnostics and left untouched (exit 1);
//!   IO problems exit 2.
//! - The line width is `--width`, else `width` in the `[fmt]` table of the nearest `krl.toml`
//!   above the file (or the current folder for standard input), else 100.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use krl_diagnostics::{SourceDb, render};
use krl_syntax::fmt::{FormatError, FormatOptions, format_source};

use crate::exit;
use crate::files::collect_krl_files;

#[derive(clap::Args)]
pub struct Args {
    /// Files or folders (searched for `*.krl`); `-` formats standard input to standard output.
    paths: Vec<PathBuf>,
    /// Change nothing; print a diff of what would change and exit 1 if anything would.
    #[arg(long)]
    check: bool,
    /// The line width to aim for (default: `[fmt] width` in the nearest `krl.toml`, else 100).
    #[arg(long)]
    width: Option<usize>,
}

/// What happened to one input.
enum Outcome {
    Unchanged,
    Changed,
    SyntaxErrors,
    IoError,
}

/// The options for a file in `dir`: `--width`, else the nearest `krl.toml`, else defaults.
fn options_for(width: Option<usize>, dir: &Path) -> Result<FormatOptions, String> {
    let width = match width {
        Some(width) => width,
        None => configured_width(dir)?.unwrap_or(FormatOptions::default().width),
    };
    Ok(FormatOptions { width })
}

/// `width` from the `[fmt]` table of the first `krl.toml` found walking up from `dir`.
fn configured_width(dir: &Path) -> Result<Option<usize>, String> {
    let dir = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    let Some(path) = dir
        .ancestors()
        .map(|d| d.join(super::check::config::FILE_NAME))
        .find(|p| p.is_file())
    else {
        return Ok(None);
    };
    let text =
        std::fs::read_to_string(&path).map_err(|err| format!("cannot read `{}`: {err}", path.display()))?;
    let table: toml::Table = text
        .parse()
        .map_err(|err: toml::de::Error| format!("`{}`: {}", path.display(), err.message()))?;
    let Some(width) = table.get("fmt").and_then(|fmt| fmt.get("width")) else {
        return Ok(None);
    };
    match width.as_integer() {
        Some(width) if width > 0 => Ok(Some(width as usize)),
        _ => Err(format!(
            "`{}`: `fmt.width` must be a positive whole number",
            path.display()
        )),
    }
}

pub fn run(args: Args) -> u8 {
    let cwd = PathBuf::from(".");
    let options = match options_for(args.width, &cwd) {
        Ok(options) => options,
        Err(err) => {
            eprintln!("error: {err}");
            return exit::USAGE;
        }
    };
    let mut outcomes = Vec::new();
    let (stdin, paths): (Vec<&PathBuf>, Vec<&PathBuf>) =
        args.paths.iter().partition(|path| path.as_os_str() == "-");
    if !stdin.is_empty() {
        outcomes.push(format_stdin(&options, args.check));
    }
    if !paths.is_empty() || args.paths.is_empty() {
        let paths: Vec<PathBuf> = if args.paths.is_empty() {
            vec![PathBuf::from(".")]
        } else {
            paths.into_iter().cloned().collect()
        };
        match collect_krl_files(&paths) {
            Ok(files) => {
                for file in files {
                    let dir = file.parent().map_or_else(|| cwd.clone(), Path::to_path_buf);
                    match options_for(args.width, &dir) {
                        Ok(options) => outcomes.push(format_file(&file, &options, args.check)),
                        Err(err) => {
                            eprintln!("error: {err}");
                            outcomes.push(Outcome::IoError);
                        }
                    }
                }
            }
            Err(err) => {
                eprintln!("error: {err}");
                return exit::USAGE;
            }
        }
    }
    let changed = outcomes.iter().filter(|o| matches!(o, Outcome::Changed)).count();
    if args.check && changed > 0 {
        eprintln!(
            "{changed} file{} would be reformatted",
            if changed == 1 { "" } else { "s" }
        );
    }
    if outcomes.iter().any(|o| matches!(o, Outcome::IoError)) {
        exit::USAGE
    } else if outcomes.iter().any(|o| matches!(o, Outcome::SyntaxErrors)) || (args.check && changed > 0) {
        exit::PROBLEMS
    } else {
        exit::OK
    }
}

fn format_stdin(options: &FormatOptions, check: bool) -> Outcome {
    let mut text = String::new();
    if let Err(err) = std::io::stdin().read_to_string(&mut text) {
        eprintln!("error: cannot read standard input: {err}");
        return Outcome::IoError;
    }
    let Some(formatted) = format_text("<stdin>", &text, options) else {
        return Outcome::SyntaxErrors;
    };
    let changed = formatted != text;
    let output = if check {
        if changed {
            diff(Path::new("<stdin>"), &text, &formatted)
        } else {
            String::new()
        }
    } else {
        formatted
    };
    if let Err(err) = std::io::stdout().write_all(output.as_bytes()) {
        eprintln!("error: cannot write standard output: {err}");
        return Outcome::IoError;
    }
    if changed {
        Outcome::Changed
    } else {
        Outcome::Unchanged
    }
}

fn format_file(path: &Path, options: &FormatOptions, check: bool) -> Outcome {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(err) => {
            eprintln!("error: cannot read `{}`: {err}", path.display());
            return Outcome::IoError;
        }
    };
    let Some(formatted) = format_text(&path.display().to_string(), &text, options) else {
        return Outcome::SyntaxErrors;
    };
    if formatted == text {
        return Outcome::Unchanged;
    }
    if check {
        print!("{}", diff(path, &text, &formatted));
    } else if let Err(err) = std::fs::write(path, &formatted) {
        eprintln!("error: cannot write `{}`: {err}", path.display());
        return Outcome::IoError;
    }
    Outcome::Changed
}

/// Formats one text; on syntax errors prints the diagnostics and returns `None`.
fn format_text(name: &str, text: &str, options: &FormatOptions) -> Option<String> {
    let mut db = SourceDb::new();
    let file = db.add(name.to_string(), text.to_string());
    match format_source(file, db.text(file), options) {
        Ok(formatted) => Some(formatted),
        Err(FormatError::Syntax { diagnostics }) => {
            let color = render::should_color();
            for diagnostic in &diagnostics {
                eprint!("{}", render::to_terminal(diagnostic, &db, color));
            }
            eprintln!("error: `{name}` has syntax errors; not formatted");
            None
        }
    }
}

fn diff(path: &Path, old: &str, new: &str) -> String {
    let name = path.display().to_string();
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&name, &name)
        .to_string()
}
