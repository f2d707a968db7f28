//! Project settings for `krl check`: the nearest `krl.toml` above each checked file, with
//! per-lint levels in its `[lints]` table (`unused-declaration = "allow"`).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use krl_check::{LintLevel, LintLevels};

pub const FILE_NAME: &str = "krl.toml";

/// Finds and reads `krl.toml` files, each once.
#[derive(Default)]
pub struct Configs {
    /// Folder → the levels that apply to files in it.
    by_dir: HashMap<PathBuf, Arc<LintLevels>>,
}

impl Configs {
    /// The lint levels for a file whose [`search_start`] is `dir`: from the first `krl.toml`
    /// found walking up from there, or the defaults.
    pub fn levels_in(&mut self, dir: &Path) -> Result<Arc<LintLevels>, String> {
        if let Some(levels) = self.by_dir.get(dir) {
            return Ok(levels.clone());
        }
        let candidate = dir.join(FILE_NAME);
        let levels = if candidate.is_file() {
            Arc::new(read(&candidate)?)
        } else {
            match dir.parent() {
                Some(parent) => self.levels_in(parent)?,
                None => Arc::new(LintLevels::default()),
            }
        };
        self.by_dir.insert(dir.to_path_buf(), levels.clone());
        Ok(levels)
    }
}

/// The folder where the search for `file`'s `krl.toml` starts: the folder of its canonical
/// path. A file system call per file, so callers with many files make these in parallel.
pub fn search_start(file: &Path) -> PathBuf {
    file.canonicalize()
        .ok()
        .and_then(|path| path.parent().map(Path::to_path_buf))
        .unwrap_or_default()
}

/// Reads the `[lints]` table of one `krl.toml`.
pub fn read(path: &Path) -> Result<LintLevels, String> {
    let text =
        std::fs::read_to_string(path).map_err(|err| format!("cannot read `{}`: {err}", path.display()))?;
    parse(&text).map_err(|err| format!("`{}`: {err}", path.display()))
}

fn parse(text: &str) -> Result<LintLevels, String> {
    let table: toml::Table = text
        .parse()
        .map_err(|err: toml::de::Error| err.message().to_string())?;
    let mut levels = LintLevels::default();
    let Some(lints) = table.get("lints") else {
        return Ok(levels);
    };
    let lints = lints.as_table().ok_or("`lints` must be a table")?;
    for (name, value) in lints {
        let level = value
            .as_str()
            .and_then(LintLevel::parse)
            .ok_or_else(|| format!("lint `{name}`: the level is \"allow\", \"warn\" or \"deny\""))?;
        if !levels.set(name, level) {
            return Err(format!("`{name}` is not a lint name (see `krl explain`)"));
        }
    }
    Ok(levels)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_levels_by_name_or_code() {
        let levels = parse("[lints]\nunused-declaration = \"allow\"\nW0102 = \"deny\"\n").expect("valid");
        assert_eq!(levels.level("W0101"), LintLevel::Allow);
        assert_eq!(levels.level("W0102"), LintLevel::Deny);
        assert_eq!(levels.level("W0103"), LintLevel::Warn);
        assert!(parse("[lints]\nnope = \"allow\"\n").is_err());
        assert!(parse("[lints]\nunused-declaration = \"loud\"\n").is_err());
    }
}
