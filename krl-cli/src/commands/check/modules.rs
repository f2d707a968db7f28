//! Finding the modules named by `use module RID`: `RID.krl` in the folder of the using
//! ruleset, then in each `--module-path` folder, then the system rulesets built into the
//! engine (`io.picolabs.wrangler`, ...), which every pico made by wrangler has.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use krl_check::{ModuleInfo, ModuleResolver};
use krl_diagnostics::FileId;
use krl_runtime::engine::system;

/// Reads and parses each candidate file once, shared by all checked files.
pub struct ModuleFinder {
    module_paths: Vec<PathBuf>,
    cache: Mutex<HashMap<PathBuf, Option<ModuleInfo>>>,
}

impl ModuleFinder {
    pub fn new(module_paths: Vec<PathBuf>) -> ModuleFinder {
        ModuleFinder {
            module_paths,
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// The resolver for a ruleset in `dir`.
    pub fn near<'a>(&'a self, file: &Path) -> Near<'a> {
        let dir = file.parent().map(Path::to_path_buf).unwrap_or_default();
        Near { finder: self, dir }
    }

    fn load(&self, path: PathBuf, rid: &str) -> Option<ModuleInfo> {
        let mut cache = self.cache.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        cache
            .entry(path)
            .or_insert_with_key(|path| {
                let text = match system_source(path) {
                    Some(text) => text.to_string(),
                    None => std::fs::read_to_string(path).ok()?,
                };
                let parse = krl_syntax::parse_ruleset(FileId(0), &text);
                Some(ModuleInfo::of(&parse.ruleset))
            })
            .clone()
            // A file named after the rid that holds another ruleset is not that module.
            .filter(|info| info.rid == rid)
    }
}

pub struct Near<'a> {
    finder: &'a ModuleFinder,
    dir: PathBuf,
}

impl ModuleResolver for Near<'_> {
    fn resolve(&self, rid: &str) -> Option<ModuleInfo> {
        let file_name = format!("{rid}.krl");
        std::iter::once(&self.dir)
            .chain(&self.finder.module_paths)
            .map(|dir| dir.join(&file_name))
            .filter(|path| path.is_file())
            .find_map(|path| self.finder.load(path, rid))
            .or_else(|| {
                let url = system::url(rid);
                system_source(Path::new(&url))?;
                self.finder.load(PathBuf::from(url), rid)
            })
    }
}

/// The built-in source of a system ruleset named by its `krl:system/...` URL.
fn system_source(path: &Path) -> Option<&'static str> {
    let url = path.to_str()?;
    system::RULESETS
        .iter()
        .find(|(rid, _)| system::url(rid) == url)
        .map(|(_, src)| *src)
}
