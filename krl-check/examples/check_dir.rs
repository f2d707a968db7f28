//! Parses and checks every `.krl` file below the given folders on one thread, as `krl check`
//! does per file (no module resolver), then the notes across files, and renders every
//! diagnostic as `krl check`'s human format without colour (`--no-render` leaves that out):
//! a steady input for instruction counts that needs only krl-syntax and krl-check built, not
//! the CLI. `cargo build --release -p krl-check --example check_dir`, then
//! `valgrind --tool=callgrind target/release/examples/check_dir [--no-render] DIR...`.

use std::path::{Path, PathBuf};

use krl_check::events::unraised_events;
use krl_diagnostics::{Diagnostic, SourceDb, SourceFile, render};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let mut files = Vec::new();
    let mut rendering = true;
    for arg in std::env::args().skip(1) {
        if arg == "--no-render" {
            rendering = false;
        } else {
            collect(Path::new(&arg), &mut files);
        }
    }
    files.sort();
    let mut db = SourceDb::new();
    for path in &files {
        let src = std::fs::read_to_string(path).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
        db.add_file(SourceFile::new(path.display().to_string(), src));
    }
    let (mut bytes, mut broken) = (0, 0);
    let mut reports: Vec<Vec<Diagnostic>> = Vec::new();
    let mut facts = Vec::new();
    for (file, source) in db.iter() {
        let src = source.text();
        let parse = krl_syntax::parse_ruleset(file, src);
        bytes += src.len();
        let mut diagnostics = parse.diagnostics.clone();
        if parse.has_errors() {
            broken += 1;
        } else {
            let analysis = krl_check::check_with(file, Some(src), &parse, &krl_check::Options::default());
            diagnostics.extend(analysis.diagnostics);
            facts.push(analysis.events);
        }
        reports.push(diagnostics);
    }
    for note in unraised_events(&facts, &[]) {
        reports[note.primary.at.file.0 as usize].push(note);
    }
    let diagnostics: usize = reports.iter().map(Vec::len).sum();
    let mut rendered = 0;
    if rendering {
        let renderer = render::Renderer::new(&db);
        let mut text = String::new();
        for diagnostic in reports.iter().flatten() {
            renderer.write_terminal(diagnostic, false, &mut text);
        }
        rendered = text.len();
    }
    println!(
        "{} files ({broken} with syntax errors), {bytes} bytes, {diagnostics} diagnostics, {rendered} bytes rendered",
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
