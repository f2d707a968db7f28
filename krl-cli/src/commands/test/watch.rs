//! `krl test --watch`: runs the tests, then runs them again whenever a test file, a ruleset
//! or a snapshot below the given paths changes (polling modification times, so it works the
//! same on every platform and inside containers).

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use super::{Args, run_once};

const POLL: Duration = Duration::from_millis(300);

/// Never returns on its own; stop it with Ctrl-C.
pub fn run(args: &Args) -> u8 {
    let roots = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let mut seen = fingerprint(&roots);
    loop {
        run_once(args);
        eprintln!("\nwatching for changes (Ctrl-C to stop)");
        loop {
            std::thread::sleep(POLL);
            let now = fingerprint(&roots);
            if now != seen {
                seen = now;
                break;
            }
        }
        eprintln!("\n--- a file changed; running the tests again ---\n");
    }
}

/// Every watched file with its modification time, sorted. Rulesets are usually next to the
/// tests; folders of the test files are watched too so `../lib/x.krl` style paths within
/// them count.
fn fingerprint(roots: &[PathBuf]) -> Vec<(PathBuf, Option<SystemTime>)> {
    let mut files = Vec::new();
    for root in roots {
        let dir = if root.is_file() {
            root.parent()
                .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
        } else {
            root.clone()
        };
        collect(&dir, &mut files);
    }
    files.sort();
    files.dedup();
    files
}

fn collect(dir: &Path, out: &mut Vec<(PathBuf, Option<SystemTime>)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        if path.is_dir() {
            if !matches!(name.as_str(), "node_modules" | "target" | ".git") {
                collect(&path, out);
            }
        } else if name.ends_with(".krl") || name.ends_with(".toml") || name.ends_with(".snap.json") {
            let modified = entry.metadata().and_then(|m| m.modified()).ok();
            out.push((path, modified));
        }
    }
}
