//! Finding `.krl` files below the paths given on the command line.

use std::path::{Path, PathBuf};

/// Expands files and folders into a sorted list of `.krl` files. A folder contributes every
/// `*.krl` below it; a file named explicitly is taken whatever its extension.
pub fn collect_krl_files(paths: &[PathBuf]) -> std::io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            walk(path, &mut files)?;
        } else if path.exists() {
            files.push(path.clone());
        } else {
            return Err(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!("`{}` does not exist", path.display()),
            ));
        }
    }
    files.sort();
    files.dedup();
    Ok(files)
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        if path.is_dir() {
            // Dependencies and build output are not the user's rulesets.
            if !matches!(name, "node_modules" | "target" | ".git") {
                walk(&path, files)?;
            }
        } else if path.extension().is_some_and(|ext| ext == "krl") {
            files.push(path);
        }
    }
    Ok(())
}
