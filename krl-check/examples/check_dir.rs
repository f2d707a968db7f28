//! Parses and checks every `.krl` file below the given folders on one thread, as `krl check`
//! does per file (no module resolver, no rendering), then the notes across files: a steady
//! input for instruction counts that needs only krl-syntax and krl-check built, not the CLI.
//! `cargo build --release -p krl-check --example check_dir`, then
//! `valgrind --tool=callgrind target/release/examples/check_dir DIR...`.

use std::path::{Path, PathBuf};

use krl_check::events::{EventFacts, unraised_events};
use krl_diagnostics::FileId;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let mut files = Vec::new();
    for dir in std::env::args().skip(1) {
        collect(Path::new(&dir), &mut files);
    }
    files.sort();
    let (mut bytes, mut diagnostics, mut broken) = (0, 0, 0);
    let mut facts = Vec::new();
    for (idx, path) in files.iter().enumerate() {
        let src = std::fs::read_to_string(path).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
        let file = FileId(idx as u32);
        let parse = krl_syntax::parse_ruleset(file, &src);
        bytes += src.len();
        diagnostics += parse.diagnostics.len();
        if parse.has_errors() {
            broken += 1;
            continue;
        }
        let analysis = krl_check::check_with(file, Some(&src), &parse, &krl_check::Options::default());
        diagnostics += analysis.diagnostics.len();
        facts.push(EventFacts::of_checked(file, &parse.ruleset));
    }
    diagnostics += unraised_events(&facts, &[]).len();
    println!(
        "{} files ({broken} with syntax errors), {bytes} bytes, {diagnostics} diagnostics",
        files.len()
    );
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|err| panic!("{}: {err}", dir.display()));
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "krl") {
            out.push(path);
        }
    }
}
